"""Associations and services (buurt.Organisation) as a kind of search result.

Organisations have an address that is public (they are not people), no dates, and a kind that
serves as their category. Filters they have no data for are mapped as closely as their fields
allow, and said so here:
- "no Dutch needed": they list at least one language other than Dutch;
- age groups: children = child-friendly or youth work, young people = youth work, seniors =
  seniors' associations and lokale dienstencentra, adults = everything but youth work;
- "when" is ignored: an organisation is there every day (its opening hours are shown).
"""

from __future__ import annotations

import functools

from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from buurt import flags, freshness
from buurt.models import Organisation
from core.db import joined_names

from .params import AgeGroup, FilterUnit, SearchParams
from .registry import (
    NOTHING,
    Flag,
    SearchResult,
    SearchSource,
    detail_url,
    detail_url_sql,
    listing_fields,
)

Kind = Organisation.Kind
KINDS = frozenset(Kind.values)  # Kind.values builds a new list at every call

# Boolean fields shown as flags with an icon: (code, field).
FLAG_FIELDS = (*((f.code, f.field) for f in flags.FLAGS), ("welcome_person", "welcome_person"))
AGE_GROUPS = {
    AgeGroup.CHILDREN: Q(child_friendly=True) | Q(kind=Kind.YOUTH),
    AgeGroup.YOUTH: Q(kind=Kind.YOUTH),
    AgeGroup.ADULTS: ~Q(kind=Kind.YOUTH),
    AgeGroup.SENIORS: Q(kind__in=[Kind.SENIORS, Kind.SERVICE_CENTRE]),
}
AFFORDABLE = Q(cost__in=[Organisation.Cost.FREE, Organisation.Cost.PAY_WHAT_YOU_CAN]) | Q(
    reduced_rate=True
)
RESULT_FIELDS = (
    "name",
    "slug",
    "kind",
    "point",
    "description",
    "street_address",
    "postcode",
    "city",
    "phone",
    "opening_hours",
    "cost",
    "assured_on",
    *(f for _code, f in FLAG_FIELDS),
)


def _languages(*conditions: Q, **lookups) -> Exists:
    """Whether the organisation lists a language that meets the conditions (a subquery, so
    that an organisation speaking two of the languages is still one row)."""
    links = Organisation.languages.through.objects.filter(organisation=OuterRef("pk"))
    return Exists(links.filter(*conditions, **lookups))


class OrganisationSource(SearchSource):
    key = "organisations"
    model = Organisation
    label = _("Associations and services")
    categories = tuple(Kind.choices)
    position = 20
    filters = frozenset(
        {"category", "reduced_rate", "access", "language", "no_dutch", "come_alone", "age", "model"}
    )
    unfiltered_note = _(
        "Associations and services have no dates: they are shown whatever day you choose. "
        "Check their opening hours."
    )

    def base(self):
        return Organisation.objects.on_map()

    def condition(self, unit: FilterUnit, params: SearchParams) -> Q | None:
        name, value = unit.name, unit.value
        if name == "category":
            kinds = [c for c in params.categories if c in Kind.values]
            return Q(kind__in=kinds) if kinds else NOTHING
        if name == "reduced_rate":
            return AFFORDABLE
        if name == "access":
            return Q(**{flags.ACCESS_FIELDS[value]: True})
        if name == "language":
            return Q(_languages(language_id__in=params.languages))
        if name == "no_dutch":
            return Q(_languages(~Q(language_id="nl")))
        if name == "come_alone":
            return Q(welcome_person=True)
        if name == "age":
            return AGE_GROUPS[value]
        if name == "model":
            links = Organisation.network_models.through.objects.filter(
                organisation=OuterRef("pk"), networkmodel_id__in=params.models
            )
            return Q(Exists(links))
        return None  # "when": organisations are there every day; "kind": chosen by the service

    def tile_values(self):
        known = Case(When(kind__in=KINDS, then=F("kind")), default=Value(Kind.OTHER))
        return {
            "title": F("name"),
            "url": detail_url_sql("buurt:organisation-detail", F("slug")),
            "category": known,
        }

    def prepare(self, queryset):
        links = Organisation.languages.through.objects
        return queryset.only(*RESULT_FIELDS).annotate(
            language_names=joined_names(links, "organisation", "language__name_local")
        )

    def to_result(self, obj: Organisation, distance_m: int | None) -> SearchResult:
        labels = _labels(get_language())
        kind = obj.kind if obj.kind in KINDS else Kind.OTHER
        return SearchResult(
            kind=self.key,
            kind_label=labels["self"],
            id=obj.pk,
            title=obj.name,
            url=detail_url("buurt:organisation-detail", obj.slug),
            point=obj.point,
            distance_m=distance_m,
            category=kind,
            category_label=labels["kinds"][kind],
            when_text=obj.opening_hours,
            possibly_outdated=obj.assured_on < freshness.outdated_before(),
            **listing_fields(obj, labels, phone=obj.phone),
        )


@functools.lru_cache(maxsize=16)
def _labels(language: str) -> dict:
    """The labels of kinds, costs and flags in one language: translated once, not per row
    (a page of results would otherwise ask gettext a few hundred times)."""
    fields = Organisation._meta
    return {
        "self": str(OrganisationSource.label),
        "kinds": {code: str(label) for code, label in Kind.choices},
        "costs": {code: str(label) for code, label in Organisation.Cost.choices},
        "flags": [
            (field, Flag(code, str(fields.get_field(field).verbose_name)))
            for code, field in FLAG_FIELDS
        ],
    }
