"""What a search can find: one `SearchSource` per kind of result, registered here.

Each app registers its own kind from its `ready()` with `register(...)`: organisations from
buurt's (buurt.search.organisations), activities and help offers from theirs. The search
service (maps.search.service) only talks to this interface, so a new kind needs no change to
the page, the print view or the API.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from django.contrib.gis.geos import Point
from django.db.models import CharField, Expression, Model, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.text import Truncator

import spatial
from core.db import split_names

if TYPE_CHECKING:
    from .params import FilterUnit, SearchParams


NOTHING = Q(pk__in=[])  # a filter no row can pass


# Stands for the argument in a reversed detail URL: digits, so that it fits an int and a slug.
_ARGUMENT = "7301946285"


def detail_url(view_name: str, argument: int | str) -> str:
    """reverse(view_name, args=[argument]) for a detail page whose one argument is a number or
    an ASCII slug (they need no quoting), from one reverse() per view: a page of results
    would otherwise spend a fifth of its Python time in reverse() (~35 µs a result)."""
    head, tail = _detail_url_parts(view_name, get_script_prefix(), get_urlconf())
    return f"{head}{argument}{tail}"


def detail_url_sql(view_name: str, argument: Expression) -> Expression:
    """detail_url() as an SQL expression of a column (a number or an ASCII slug)."""
    head, tail = _detail_url_parts(view_name, get_script_prefix(), get_urlconf())
    return Concat(Value(head), Cast(argument, CharField()), Value(tail))


@functools.lru_cache(maxsize=32)
def _detail_url_parts(view_name: str, _prefix: str, _urlconf) -> tuple[str, str]:
    # The script prefix and URLconf are keys: reverse() reads them.
    head, _found, tail = reverse(view_name, args=[_ARGUMENT]).rpartition(_ARGUMENT)
    return head, tail


@dataclass(frozen=True)
class Flag:
    """A property a result has and a person may filter on (wheelchair, reduced rate, ...)."""

    code: str
    label: str


@dataclass(frozen=True)
class SearchResult:
    """One thing found near the searched place, whatever its kind, ready to show or print.

    `point` is what may be shown publicly: for a private location (a neighbour's help offer)
    the source gives a coarsened point and the distance is rounded up (`approximate`).
    """

    kind: str  # the source's key
    kind_label: str
    id: int
    title: str
    url: str
    point: Point  # EPSG:4326
    distance_m: int | None  # None where nothing was searched from (a map box)
    category: str = ""
    category_label: str = ""
    next_occurrence: datetime.datetime | None = None
    schedule_summary: str = ""  # how it repeats: "every Tuesday at 19:30"; "" for a one-off
    when_text: str = ""  # opening hours or a schedule, in the organiser's words
    cost: str = ""
    cost_label: str = ""
    flags: tuple[Flag, ...] = ()
    address: str = ""
    phone: str = ""
    summary: str = ""
    languages: tuple[str, ...] = ()
    approximate: bool = False
    # How to get in touch for someone holding the handout, where there is no phone to call
    # (a neighbour: through a worker, by the offer's number).
    contact: str = ""
    # Nobody confirmed the listing for a year (buurt.freshness): "phone first".
    possibly_outdated: bool = False

    @property
    def walking_minutes(self) -> int | None:
        return None if self.distance_m is None else spatial.walking_minutes(self.distance_m)

    @property
    def distance_text(self) -> str:
        """ "650 m, ±9 min walk", or "" where nothing was searched from."""
        if self.distance_m is None:
            return ""
        walk = spatial.walking_text(self.walking_minutes)
        return f"{spatial.distance_text(self.distance_m)}, {walk}"

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.id}"


def listing_fields(obj, labels: dict, *, phone: str) -> dict:
    """The SearchResult fields that every listing (an organisation, an activity: models with
    buurt.models.AccessAndCost and PlacedAddress, annotated with `language_names`) fills alike.
    `labels` is the source's translated table with "costs" and "flags"."""
    return {
        "cost": obj.cost,
        "cost_label": labels["costs"].get(obj.cost, obj.cost),
        "flags": tuple(flag for field, flag in labels["flags"] if getattr(obj, field)),
        "address": obj.address,
        "phone": phone,
        "summary": Truncator(obj.description).words(30),
        "languages": split_names(obj.language_names),
    }


class SearchSource:
    """One kind of result. Subclasses set the class attributes and implement the methods.

    - `base()`: the public items of this kind (published, approved), without any filter;
    - `filter_q(params)`: a Q per filter unit the source applies. A unit the source does not
      know is ignored (organisations have no dates); a value it cannot match (a category of
      another kind) should give a Q that matches nothing;
    - `prepare(queryset)`: `only()`/`prefetch_related()` what `to_result` reads;
    - `to_result(obj, distance_m)`: the SearchResult.

    Privacy hook: a source of private locations points `point_field` at a stored coarse
    point and sets `distance_bucket_m`; the service then rounds distances up to the bucket and
    `to_result` must return the coarse point.
    """

    key: ClassVar[str]
    label: ClassVar[str]
    model: ClassVar[type[Model]]  # what base() returns rows of
    categories: ClassVar[tuple[tuple[str, str], ...]] = ()
    point_field: ClassVar[str] = "point"
    distance_bucket_m: ClassVar[int | None] = None
    # Filter parameters the source applies; the page and the API's description say which
    # kinds ignore which filters, and why (`unfiltered_note`, a translated sentence).
    filters: ClassVar[frozenset[str]] = frozenset()
    unfiltered_note: ClassVar[str] = ""
    # Where the kind comes among the others: in the form's choices, the counts, and before
    # the others among results at the same distance. Not the order in which the apps register.
    position: ClassVar[int] = 100

    def base(self) -> QuerySet:
        raise NotImplementedError

    def filter_q(self, params: SearchParams) -> dict[FilterUnit, Q]:
        """The source's condition for each filter of the search (`condition()`); a filter
        that it has no condition for (None) does not narrow it."""
        conditions: dict[FilterUnit, Q] = {}
        for unit in params.filter_units():
            condition = self.condition(unit, params)
            if condition is not None:
                conditions[unit] = condition
        return conditions

    def condition(self, unit: FilterUnit, params: SearchParams) -> Q | None:
        raise NotImplementedError

    def prepare(self, queryset: QuerySet) -> QuerySet:
        return queryset

    def to_result(self, obj, distance_m: int | None) -> SearchResult:
        raise NotImplementedError

    def tile_values(self) -> dict[str, Expression]:
        """`title`, `url` and `category` as SQL expressions over base()'s rows, in the active
        language: what to_result() gives, for the map's vector tiles (maps.tiles)."""
        raise NotImplementedError

    # --- shared ---------------------------------------------------------------------------

    def within(self, point: Point, meters: float) -> Q:
        return spatial.within_sphere(self.point_field, point, meters)

    def filtered(self, params: SearchParams, *more: Q) -> QuerySet:
        """Items that pass every filter (and the `more` conditions), anywhere: bound it by a
        radius or a box. One filter() call: every condition is a field of the item or an
        Exists, so this is the same as chaining them, without a queryset copy for each."""
        return self.base().filter(*self.filter_q(params).values(), *more)

    def query(self, params: SearchParams, *, point: Point) -> QuerySet:
        """Items within the radius that pass every filter, nearest first, with `distance`
        annotated (metres on the sphere, a float). Ties are ordered by primary key so that
        pages never overlap. spatial.nearest_keys() reads a page of the same through the
        index."""
        queryset = self.filtered(params, self.within(point, params.radius_m))
        return spatial.nearest_first(queryset, self.point_field, point)

    def in_bbox(self, params: SearchParams, *, bbox: spatial.BBox) -> QuerySet:
        """Items in a lon/lat box that pass every filter (no radius), in primary-key order."""
        return self.filtered(params, spatial.in_bbox(self.point_field, bbox)).order_by("pk")

    def public_distance(self, meters: float) -> int:
        if self.distance_bucket_m:
            return spatial.bucket_distance(meters, bucket_m=self.distance_bucket_m)
        return round(meters)


_SOURCES: dict[str, SearchSource] = {}


def register(source: SearchSource) -> SearchSource:
    """Add a kind of result to the search (idempotent by key: the last one wins)."""
    _SOURCES[source.key] = source
    return source


def unregister(key: str) -> None:
    _SOURCES.pop(key, None)


def sources(keys: Iterable[str] = ()) -> list[SearchSource]:
    """The registered sources, all of them or those whose key is in `keys`, by position."""
    keys = set(keys)
    chosen = [s for k, s in _SOURCES.items() if not keys or k in keys]
    return sorted(chosen, key=lambda source: source.position)


def kind_choices() -> list[tuple[str, str]]:
    return [(source.key, source.label) for source in sources()]


def category_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for source in sources():
        for code, label in source.categories:
            seen.setdefault(code, label)
    return list(seen.items())
