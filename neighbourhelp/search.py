"""Help offers as a kind of search result, through the privacy hook of buurt.search.

Searches and map boxes see only the stored coarse point (`public_point`), and distances are
rounded up to whole 500 m: searching from several places can at best find the grid cell.
"""

from __future__ import annotations

from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurt.search.params import FilterUnit, SearchParams
from buurt.search.registry import (
    NOTHING,
    SearchResult,
    SearchSource,
    detail_url,
    detail_url_sql,
)
from core.fields import FirstCode, has_code

from .models import Category, HelpLanguage, HelpOffer

# The network-strengthening models (buurt.NetworkModel codes) neighbour help serves, by the
# help offered: every offer is neighbours helping neighbours (community building in the
# buurt); company and being a buddy are a personal friend; digital help and practising Dutch
# build skills. Peer groups, the person's own network, professionals and volunteering
# through an organisation are not what an offer is: a search for those leaves offers out.
EVERY_OFFER = ()
MODEL_CATEGORIES: dict[str, tuple[str, ...]] = {
    "community": EVERY_OFFER,
    "buddy": (Category.COMPANY, Category.BUDDY),
    "competence": (Category.DIGITAL, Category.DUTCH),
}


def _any_category(codes) -> Q:
    q = NOTHING
    for code in codes:
        q |= has_code("categories", code)
    return q


class HelpOfferSource(SearchSource):
    key = "help_offers"
    model = HelpOffer
    label = gettext_lazy("Neighbours who help")
    categories = tuple(Category.choices)
    point_field = "public_point"
    distance_bucket_m = 500
    position = 30
    # Not "when", "access", "come_alone" nor "age": an offer has no dates, no venue and no
    # audience; the page says so (unfiltered_note) rather than leaving every offer out.
    filters = frozenset({"category", "language", "no_dutch", "reduced_rate", "model"})
    unfiltered_note = gettext_lazy(
        "Neighbours who help have no dates, no venue and no age group: they say when they are "
        "free, and you agree together where to meet."
    )

    def base(self):
        return HelpOffer.objects.public()

    def condition(self, unit: FilterUnit, params: SearchParams) -> Q | None:
        name = unit.name
        if name == "category":
            return _any_category(c for c in params.categories if c in Category.values)
        if name == "language":
            q = NOTHING
            for code in params.languages:
                q |= has_code("languages", code)
            return q
        if name == "no_dutch":
            q = NOTHING
            for code in HelpLanguage.values:
                if code != "nl":
                    q |= has_code("languages", code)
            return q
        if name == "model":
            chosen = [MODEL_CATEGORIES[m] for m in params.models if m in MODEL_CATEGORIES]
            if EVERY_OFFER in chosen:
                return Q()
            return _any_category(code for codes in chosen for code in codes)
        # reduced_rate: neighbour help is always free, so every offer passes. The others are
        # not in `filters`: they do not narrow offers, and the page says so.
        return None

    def tile_values(self):
        # The title of to_result(), translated now: "A neighbour in " + the area + "".
        before, _area, after = (_("A neighbour in %(area)s") % {"area": "\x00"}).partition("\x00")
        area = Coalesce(F("neighbourhood__name"), Value(str(_("Gent"))))
        return {
            "title": Concat(Value(before), area, Value(after)),
            "url": detail_url_sql("neighbourhelp:offer-detail", F("pk")),
            "category": FirstCode("categories"),
        }

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
            # The person holding a handout is often not online: a worker asks for them.
            contact=_("Through your social worker on Buurtkaart: offer no. %(number)s")
            % {"number": obj.pk},
        )
