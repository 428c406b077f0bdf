"""Search near a place: find the place, ask every kind of result, merge them by distance.

Reads only. Nothing here stores or logs the searched address: it lives in the URL and in the
response, and nowhere else.

Every query is bounded by a radius (at most 10 km) or a bounding box (at most 60 km across),
so that the spatial index always applies and no search reads a whole table.
"""

from __future__ import annotations

import functools
import math
import operator
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point
from django.db.models import Count, Q, Window
from django.utils.translation import gettext as _

from buurt import geocoding
from buurt.models import Neighbourhood, Precision
from maps import spatial

from .params import WALKING_PRESETS, FilterUnit, SearchParams
from .registry import SearchResult, SearchSource, sources

# More than this many markers go to the map through the bounding-box API, not into the page.
MAX_INLINE_MARKERS = 2_000
# At most this many features in one bounding-box answer; the map asks to zoom in beyond.
# Fewer than inline: a map layer is fetched again at every pan and zoom.
MAX_BBOX_FEATURES = 1_000
# Radii offered when nothing was found: the walking presets, then 5 and 10 km.
WIDER_RADII = (*WALKING_PRESETS.values(), 5_000, 10_000)
POINT = "point"  # the precision of a location given as lat/lon


@dataclass(frozen=True)
class Location:
    """Where a search is measured from: an EPSG:4326 point, how it is named on the page, and
    how precisely it is known (a buurt.models.Precision value, or "point" for lat/lon)."""

    point: Point
    label: str
    precision: str

    @property
    def is_approximate(self) -> bool:
        return self.precision not in (Precision.ADDRESS, POINT)


class LocationError(ValueError):
    """The address cannot be used. `message` is translated; `suggestions` are labels of
    addresses the person may have meant; `unavailable` means try again later."""

    def __init__(self, message: str, *, suggestions=(), unavailable: bool = False):
        super().__init__(message)
        self.message = message
        self.suggestions = list(suggestions)
        self.unavailable = unavailable


def search_location(params: SearchParams) -> Location:
    """The place a search is measured from: the lat/lon given, or the best match of the
    address through the geocoder chain. Raises LocationError."""
    if not params.address:
        if params.point is None:
            raise LocationError(_("Type an address, or use your location."))
        return Location(point=params.point, label=_("the chosen point"), precision=POINT)
    try:
        candidates = geocoding.geocode(params.address, limit=1)
    except geocoding.GeocodeInputError as exc:
        raise LocationError(str(exc)) from exc
    except geocoding.GeocoderUnavailable as exc:
        raise LocationError(
            _("Address search is not available now; try again later."), unavailable=True
        ) from exc
    if not candidates:
        suggestions = geocoding.suggestions(params.address)
        message = (
            _("We could not find this address; did you mean %(suggestion)s?")
            % {"suggestion": suggestions[0]}
            if suggestions
            else _("We could not find this address.")
        )
        raise LocationError(message, suggestions=suggestions)
    best = candidates[0]
    return Location(point=best.point, label=best.label, precision=str(best.precision))


@dataclass(frozen=True)
class Suggestion:
    """Another search that finds something: a wider radius or one filter fewer."""

    params: SearchParams
    count: int
    radius_m: int | None = None  # set for a wider radius
    unit: FilterUnit | None = None  # set for a filter dropped


@dataclass
class SearchPage:
    params: SearchParams
    location: Location
    results: list[SearchResult]
    count: int
    counts: dict[str, int]  # per kind (source key)
    markers: list[SearchResult] | None = None  # None: too many, the map loads them by box
    suggestions: list[Suggestion] = field(default_factory=list)
    # (kind label, filter parameter names it ignores): said on the page, not silently.
    ignored: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / self.params.page_size))

    @property
    def first_number(self) -> int:
        return (self.params.page - 1) * self.params.page_size + 1


def _selected(params: SearchParams) -> tuple[list[SearchSource], list[SearchSource]]:
    chosen = sources(params.kinds)
    return chosen, [s for s in sources() if s not in chosen]


def _result(source: SearchSource, obj, distance: float) -> SearchResult:
    return source.to_result(obj, source.public_distance(distance))


def _nearest(queryset, *, start: int, end: int) -> tuple[list[tuple[float, int]], int]:
    """(distance, pk) of rows `start`..`end` of one kind, nearest first, and how many match.

    A window function counts every match in the same pass that finds the nearest. Only ids
    and distances: sorting narrow rows is cheaper than sorting whole ones when thousands
    match, and the page's few rows are loaded afterwards by primary key.
    """
    found = list(
        queryset.annotate(total=Window(Count("pk"))).values_list("distance", "pk", "total")[
            start:end
        ]
    )
    if found:
        return [(distance, pk) for distance, pk, _total in found], found[0][2]
    return [], queryset.count() if start else 0  # past the last page, or nothing at all


def search(
    params: SearchParams,
    *,
    location: Location,
    markers: bool = False,
    suggestions: bool = True,
) -> SearchPage:
    """One page of results around the location, nearest first across all kinds.

    Queries, none of which grow with the number of results: per kind one for the ids and
    distances of the nearest with the count of all, one for the page's rows and one for their
    languages; with `markers`, all results for the map when there are at most
    MAX_INLINE_MARKERS; with `suggestions` and nothing found, one aggregate query per kind
    for the wider radii and the dropped filters.
    """
    chosen, _others = _selected(params)
    offset = (params.page - 1) * params.page_size
    end = offset + params.page_size
    single = len(chosen) == 1
    querysets: dict[str, object] = {}
    counts: dict[str, int] = {}
    ranked = []
    for order, source in enumerate(chosen):
        queryset = source.query(params, point=location.point)
        querysets[source.key] = queryset
        # One kind pages in SQL; several are merged here, so each gives its nearest `end`.
        rows, counts[source.key] = _nearest(queryset, start=offset if single else 0, end=end)
        ranked += [(distance, order, pk, source) for distance, pk in rows]
    ranked.sort(key=lambda row: row[:3])
    page_rows = ranked if single else ranked[offset:end]

    objects = {}
    for source in chosen:
        pks = [pk for _d, _o, pk, s in page_rows if s is source]
        if pks:
            loaded = source.prepare(querysets[source.key].filter(pk__in=pks))
            objects.update({(source.key, obj.pk): obj for obj in loaded})
    results = [
        _result(source, objects[(source.key, pk)], distance)
        for distance, _o, pk, source in page_rows
        if (source.key, pk) in objects
    ]
    total = sum(counts.values())

    page = SearchPage(
        params=params,
        location=location,
        results=results,
        count=total,
        counts=counts,
        ignored=_ignored_filters(params, chosen),
    )
    if markers and total <= MAX_INLINE_MARKERS:
        page.markers = results if total == len(results) else _all_results(chosen, querysets)
    if suggestions and total == 0:
        page.suggestions = search_suggestions(params, location=location)
    return page


def _all_results(chosen: list[SearchSource], querysets: dict) -> list[SearchResult]:
    everything = []
    for source in chosen:
        everything += [
            _result(source, obj, obj.distance) for obj in source.prepare(querysets[source.key])
        ]
    return sorted(everything, key=lambda r: r.distance_m)


def _ignored_filters(params: SearchParams, chosen: list[SearchSource]) -> list:
    names = list(dict.fromkeys(name for name, _v in params.filter_items() if name != "kind"))
    ignored = []
    for source in chosen:
        missing = [name for name in names if name not in source.filters]
        if missing:
            ignored.append((str(source.label), missing))
    return ignored


def search_suggestions(params: SearchParams, *, location: Location) -> list[Suggestion]:
    """Counts for a wider radius (up to two, those that find something) and for the same
    search without each filter in turn: one aggregate query per kind of result."""
    wider = [r for r in WIDER_RADII if r > params.radius_m]
    units = params.filter_units()
    chosen, others = _selected(params)
    radius_counts = dict.fromkeys(wider, 0)
    unit_counts = dict.fromkeys(units, 0)
    point = location.point

    for source in chosen:
        conditions = source.filter_q(params)
        every = functools.reduce(operator.and_, conditions.values(), Q())
        aggregates = {
            f"r{i}": Count("pk", filter=source.within(point, r) & every)
            for i, r in enumerate(wider)
        }
        for j, unit in enumerate(units):
            if unit in conditions:
                rest = [q for u, q in conditions.items() if u != unit]
                condition = functools.reduce(operator.and_, rest, Q())
                aggregates[f"u{j}"] = Count(
                    "pk", filter=source.within(point, params.radius_m) & condition
                )
        if not aggregates:
            continue
        widest = max([params.radius_m, *wider])
        found = source.base().filter(source.within(point, widest)).aggregate(**aggregates)
        for i, r in enumerate(wider):
            radius_counts[r] += found.get(f"r{i}", 0)
        for j, unit in enumerate(units):
            unit_counts[unit] += found.get(f"u{j}", 0)

    kind_units = [u for u in units if u.name == "kind"]
    if kind_units and others:
        # The kinds not chosen, with every other filter: what "all kinds" would add.
        without_kind = params.without(kind_units[0])
        for source in others:
            unit_counts[kind_units[0]] += source.query(without_kind, point=point).count()

    # A wider radius is worth offering only when it finds more than the one before it.
    found_radii: list[Suggestion] = []
    for radius, count in radius_counts.items():
        if count > (found_radii[-1].count if found_radii else 0) and len(found_radii) < 2:
            found_radii.append(
                Suggestion(params=params.with_radius(radius), count=count, radius_m=radius)
            )
    found_units = [
        Suggestion(params=params.without(unit), count=n, unit=unit)
        for unit, n in unit_counts.items()
        if n
    ]
    return found_radii + found_units


def search_neighbourhood(point: Point) -> Neighbourhood | None:
    """The neighbourhood the searched point lies in, for its boundary on the map."""
    return (
        Neighbourhood.objects.containing(point)
        .only("name", "code", "boundary", "is_approximate")
        .first()
    )


@dataclass
class BBoxResults:
    results: list[SearchResult]
    truncated: bool  # there were more than the limit: the map asks to zoom in


def search_bbox(
    params: SearchParams,
    *,
    bbox: spatial.BBox,
    location: Location | None = None,
    limit: int = MAX_BBOX_FEATURES,
) -> BBoxResults:
    """Results inside a lon/lat box for a map layer, with the search's filters and, when a
    location is given, its radius too (distances then measured from it, nearest first;
    without a location there are no distances). At most `limit` results."""
    chosen, _others = _selected(params)
    results: list[SearchResult] = []
    truncated = False
    for source in chosen:
        if location is not None:
            queryset = source.query(params, point=location.point).filter(
                spatial.in_bbox(source.point_field, bbox)
            )
        else:
            queryset = source.in_bbox(params, bbox=bbox)
        rows = list(source.prepare(queryset)[: limit + 1])
        truncated = truncated or len(rows) > limit
        for obj in rows[:limit]:
            distance = getattr(obj, "distance", None)
            meters = None if distance is None else source.public_distance(distance)
            results.append(source.to_result(obj, meters))
    if location is not None:
        results.sort(key=lambda r: r.distance_m)
    return BBoxResults(results=results[:limit], truncated=truncated or len(results) > limit)
