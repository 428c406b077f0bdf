"""Activities as a kind of map-search result (buurt.search.registry).

One result per activity, at its venue, with its next date. Online and by-phone activities
have no point and so are not on the map. Without a "when" filter an activity is found while
it has a date to come; with one, when it has a (not cancelled) date in that period.
"""

from __future__ import annotations

import datetime
import functools

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from buurt import flags
from buurt.search.params import AgeGroup, FilterUnit, SearchParams
from buurt.search.registry import (
    NOTHING,
    Flag,
    SearchResult,
    SearchSource,
    detail_url,
    detail_url_sql,
    listing_fields,
)
from core.db import joined_names

from .models import Activity, Occurrence
from .selectors import AFFORDABLE

# Boolean fields shown as flags with an icon: (code, field).
FLAG_FIELDS = (
    *((f.code, f.field) for f in flags.FLAGS),
    ("welcome_person", "welcome_person"),
    ("come_alone", "come_alone"),
)
AGE_GROUPS = {
    AgeGroup.CHILDREN: Q(age_group__in=["all", "children"]) | Q(child_friendly=True),
    AgeGroup.YOUTH: Q(age_group__in=["all", "youth"]),
    AgeGroup.ADULTS: Q(age_group__in=["all", "adults"]),
    AgeGroup.SENIORS: Q(age_group__in=["all", "seniors"]),
}


def _upcoming(first: datetime.date | None = None, last: datetime.date | None = None):
    """The outer activity's dates to come that are not cancelled, starting from `first` to
    `last` (local dates, inclusive) when given: for a subquery."""
    occurrences = Occurrence.objects.filter(activity=OuterRef("pk"), is_cancelled=False)
    return occurrences.upcoming().between(first, last)


class ActivitySource(SearchSource):
    key = "activities"
    model = Activity
    label = _("Activities")
    categories = tuple(Activity.Category.choices)
    position = 10
    filters = frozenset(
        {
            "category",
            "when",
            "reduced_rate",
            "access",
            "language",
            "no_dutch",
            "come_alone",
            "age",
            "model",
        }
    )

    def base(self):
        return Activity.objects.on_map()

    def filter_q(self, params: SearchParams) -> dict[FilterUnit, Q]:
        # Only activities with a date still to come, whatever the filters.
        return {FilterUnit("upcoming"): Q(Exists(_upcoming())), **super().filter_q(params)}

    def condition(self, unit: FilterUnit, params: SearchParams) -> Q | None:
        name, value = unit.name, unit.value
        if name == "category":
            codes = [c for c in params.categories if c in Activity.Category.values]
            return Q(category__in=codes) if codes else NOTHING
        if name == "when":
            period = params.period()
            return Q(Exists(_upcoming(*period))) if period else None
        if name == "reduced_rate":
            return AFFORDABLE
        if name == "access":
            return Q(**{flags.ACCESS_FIELDS[value]: True})
        if name == "language":
            links = Activity.languages.through.objects.filter(
                activity=OuterRef("pk"), language_id__in=params.languages
            )
            return Q(Exists(links))
        if name == "no_dutch":
            return Q(no_dutch_needed=True)
        if name == "come_alone":
            return Q(come_alone=True) | Q(welcome_person=True)
        if name == "age":
            return AGE_GROUPS[value]
        if name == "model":
            links = Activity.network_models.through.objects.filter(
                activity=OuterRef("pk"), networkmodel_id__in=params.models
            )
            return Q(Exists(links))
        return None

    def tile_values(self):
        return {
            "title": F("title"),
            "url": detail_url_sql("activities:detail", F("pk")),
            "category": F("category"),
        }

    def prepare(self, queryset):
        # Subqueries, not a join and GROUP BY: the search reads a page in its walk through the
        # spatial index, which a GROUP BY would turn into reading and sorting the whole radius.
        links = Activity.languages.through.objects
        return queryset.select_related("organisation").annotate(
            next_start=Subquery(_upcoming().order_by("starts_at").values("starts_at")[:1]),
            language_names=joined_names(links, "activity", "language__name_local"),
        )

    def to_result(self, obj: Activity, distance_m: int | None) -> SearchResult:
        labels = _labels(get_language())
        return SearchResult(
            kind=self.key,
            kind_label=labels["self"],
            id=obj.pk,
            title=obj.title,
            url=detail_url("activities:detail", obj.pk),
            point=obj.point,
            distance_m=distance_m,
            category=obj.category,
            category_label=labels["categories"].get(obj.category, obj.category),
            next_occurrence=getattr(obj, "next_start", None),
            schedule_summary=obj.schedule_summary,
            **listing_fields(obj, labels, phone=obj.contact_phone),
        )


@functools.lru_cache(maxsize=16)
def _labels(language: str) -> dict:
    fields = Activity._meta
    return {
        "self": str(ActivitySource.label),
        "categories": {code: str(label) for code, label in Activity.Category.choices},
        "costs": {code: str(label) for code, label in Activity.Cost.choices},
        "flags": [
            (field, Flag(code, str(fields.get_field(field).verbose_name)))
            for code, field in FLAG_FIELDS
        ],
    }
