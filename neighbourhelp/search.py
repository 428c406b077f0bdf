"""Help offers as a kind of search result, through the privacy hook of buurt.search.

Searches and map boxes see only the stored coarse point (`public_point`), and distances are
rounded up to whole 500 m: searching from several places can at best find the grid cell.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurt.search.params import FilterUnit, SearchParams
from buurt.search.registry import NOTHING, SearchResult, SearchSource, detail_url
from core.fields import has_code

from .models import Category, HelpLanguage, HelpOffer


class HelpOfferSource(SearchSource):
    key = "help_offers"
    model = HelpOffer
    label = gettext_lazy("Neighbours who help")
    categories = tuple(Category.choices)
    point_field = "public_point"
    distance_bucket_m = 500
    position = 30
    filters = frozenset({"category", "language", "no_dutch", "reduced_rate"})

    def base(self):
        return HelpOffer.objects.public()

    def filter_q(self, params: SearchParams) -> dict[FilterUnit, Q]:
        conditions: dict[FilterUnit, Q] = {}
        for unit in params.filter_units():
            if unit.name == "category":
                codes = [c for c in params.categories if c in Category.values]
                q = NOTHING
                for code in codes:
                    q |= has_code("categories", code)
                conditions[unit] = q
            elif unit.name == "language":
                q = NOTHING
                for code in params.languages:
                    q |= has_code("languages", code)
                conditions[unit] = q
            elif unit.name == "no_dutch":
                q = NOTHING
                for code in HelpLanguage.values:
                    if code != "nl":
                        q |= has_code("languages", code)
                conditions[unit] = q
            # reduced_rate: neighbour help is always free, so it passes.
        return conditions

    def prepare(self, queryset):
        # Never the private point: only what the result shows.
        return queryset.only(
            "public_point", "categories", "languages", "times", "description", "neighbourhood"
        ).select_related("neighbourhood")

    def to_result(self, obj: HelpOffer, distance_m: int | None) -> SearchResult:
        labels = obj.category_labels()
        return SearchResult(
            kind=self.key,
            kind_label=str(self.label),
            id=obj.pk,
            title=_("A neighbour in %(area)s") % {"area": obj.area_name},
            url=detail_url("neighbourhelp:offer-detail", obj.pk),
            point=obj.public_point,
            distance_m=distance_m,
            category=obj.categories[0] if obj.categories else "",
            category_label=", ".join(labels),
            when_text=", ".join(obj.time_labels()),
            cost="free",
            cost_label=_("Free"),
            summary=Truncator(obj.description).words(30),
            languages=tuple(obj.language_labels()),
            approximate=True,
        )
