"""Radius searches on the sphere, nearest first, through the spatial index of PostGIS and
SpatiaLite: the queries behind the map search."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

from django.contrib.gis.geos import Point
from django.db import NotSupportedError, connections, router
from django.db.models import (
    BooleanField,
    Count,
    F,
    Field,
    FloatField,
    Func,
    Max,
    Model,
    Q,
    QuerySet,
    Window,
)
from django.db.models.expressions import Col

from .points import WGS84, BBox, bbox_around

#
# On the sphere, not the ellipsoid: ST_DWithin and ST_Distance on geography measure on the
# ellipsoid unless told otherwise, and that made a search three to four times slower on
# PostGIS; the sphere is off by at most 0.5%, a few metres on a walking distance.
# Both backends ask their spatial index for the rows in the same box (bbox_around), then test
# the distance on the sphere. SpatiaLite's PtDistWithin never uses the R*Tree index by itself;
# the SpatialIndex virtual table is SpatiaLite's documented way to ask it for the rows in a box
# first. On PostGIS, `point && box AND point <-> ref <= m` rather than ST_DWithin: PostGIS 3.3
# estimates ST_DWithin's rows from the reference point's own (empty) box, about 5 rows where
# 6,600 match at a million listings, and with that estimate PostgreSQL never walks the index
# nearest first (below) but reads and sorts every match; the box gives it the right order of
# magnitude. `<->` on geography is the same distance on the sphere (PostGIS's KNN operator).
# Django compiles `as_postgresql`/`as_sqlite` for the database in use, so no engine name is
# ever compared.


class _PointParameter:
    """SQL for the constant EPSG:4326 point of a search, per backend."""

    @staticmethod
    def postgresql(point: Point) -> tuple[str, list]:
        return "ST_GeogFromText(%s)", [f"SRID={WGS84};POINT({point.x!r} {point.y!r})"]

    @staticmethod
    def sqlite(point: Point) -> tuple[str, list]:
        return f"MakePoint(%s, %s, {WGS84})", [point.x, point.y]


def _box_polygon(box: BBox) -> str:
    """The box as EWKT, for ST_GeogFromText."""
    w, s, e, n = box.west, box.south, box.east, box.north
    return f"SRID={WGS84};POLYGON(({w!r} {s!r},{e!r} {s!r},{e!r} {n!r},{w!r} {n!r},{w!r} {s!r}))"


# SpatiaLite: the ROWIDs of a table's rows whose geometry column lies in a box, from its R*Tree.
_SPATIALITE_BOX_ROWIDS = (
    "SELECT ROWID FROM SpatialIndex WHERE f_table_name = %s AND f_geometry_column = %s "
    f"AND search_frame = BuildMbr(%s, %s, %s, %s, {WGS84})"
)


class _InBox(Func):
    """True for rows whose geography/4326 column lies in the EPSG:4326 box around the point
    that holds every point within `meters` metres (bbox_around): the spatial index's part."""

    output_field = BooleanField()

    def __init__(self, field: str, point: Point, meters: float):
        super().__init__(F(field))
        self.point, self.meters = point, float(meters)

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        # Raises instead of taking Func's as_sql arguments: no SQL without a spatial backend.
        raise NotSupportedError("within_sphere needs PostGIS or SpatiaLite.")

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        box = bbox_around(self.point, self.meters)
        return f"{column} && ST_GeogFromText(%s)", [*params, _box_polygon(box)]

    def as_sqlite(self, compiler, connection, **extra_context):
        target = cast(Col, self.source_expressions[0])  # F(field), resolved to its column
        box = bbox_around(self.point, self.meters)
        rowid = f"{connection.ops.quote_name(target.alias)}.ROWID"
        table, column = target.target.model._meta.db_table, target.target.column
        corners = [box.west, box.south, box.east, box.north]
        return f"{rowid} IN ({_SPATIALITE_BOX_ROWIDS})", [table, column, *corners]


class _WithinSphere(_InBox):
    """True for rows whose geography/4326 column lies within `meters` metres of the point."""

    def as_postgresql(self, compiler, connection, **extra_context):
        in_box, box_params = super().as_postgresql(compiler, connection, **extra_context)
        column, params = compiler.compile(self.source_expressions[0])
        point_sql, point_params = _PointParameter.postgresql(self.point)
        return (
            f"({in_box} AND ({column} <-> {point_sql}) <= %s)",
            [*box_params, *params, *point_params, self.meters],
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        in_box, box_params = super().as_sqlite(compiler, connection, **extra_context)
        column, params = compiler.compile(self.source_expressions[0])
        point_sql, point_params = _PointParameter.sqlite(self.point)
        return (
            f"{in_box} AND PtDistWithin({column}, {point_sql}, %s, 0)",
            [*box_params, *params, *point_params, self.meters],
        )


class _SphereDistance(Func):
    """Metres on the sphere from a geography/4326 column to a constant point."""

    output_field = FloatField()

    def __init__(self, field: str, point: Point):
        super().__init__(F(field))
        self.point = point

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        # Raises instead of taking Func's as_sql arguments: no SQL without a spatial backend.
        raise NotSupportedError("sphere_distance needs PostGIS or SpatiaLite.")

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        point_sql, point_params = _PointParameter.postgresql(self.point)
        return f"ST_Distance({column}, {point_sql}, false)", [*params, *point_params]

    def as_sqlite(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        point_sql, point_params = _PointParameter.sqlite(self.point)
        # SpatiaLite answers NULL rather than 0 for the distance of a point to itself.
        return f"COALESCE(ST_Distance({column}, {point_sql}, 0), 0)", [*params, *point_params]


class _NearestDistance(_SphereDistance):
    """Metres on the sphere, as _SphereDistance, written so that PostGIS can order by it
    through its GiST index: `column <-> point` on geography is the KNN operator, the distance
    on the sphere (the same formula as ST_Distance(..., false), which also rounds to 10 nm).
    SpatiaLite has no such operator: it measures as _SphereDistance does."""

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        point_sql, point_params = _PointParameter.postgresql(self.point)
        return f"({column} <-> {point_sql})", [*params, *point_params]


def within_sphere(field: str, point: Point, meters: float) -> Q:
    """Q for rows whose geography `field` (EPSG:4326) lies within `meters` metres of the
    point, measured on the sphere, through the spatial index on PostGIS and SpatiaLite."""
    return Q(_WithinSphere(field, point, meters))


def with_sphere_distance(queryset: QuerySet, field: str, point: Point, *, name="distance"):
    """Annotate `name`: metres on the sphere (a float) from `field` to the point. No order."""
    return queryset.annotate(**{name: _SphereDistance(field, point)})


def nearest_first(queryset: QuerySet, field: str, point: Point, *, name="distance"):
    """Annotate `name`: metres on the sphere (a float) from `field` (geography/4326) to the
    point; order nearest first, ties by primary key. For pages of it, use nearest_keys()."""
    return queryset.annotate(**{name: _NearestDistance(field, point)}).order_by(name, "pk")


def _walks_index_nearest_first(queryset: QuerySet) -> bool:
    # Django's PostGIS operations carry `postgis = True` (as SpatiaLite's carry `spatialite`).
    return getattr(connections[queryset.db].ops, "postgis", False)


def _walk(queryset: QuerySet, field: str, point: Point, meters: float, name: str) -> QuerySet:
    """PostGIS: the rows in the radius's box, `name` annotated, nearest first: an index walk
    (KNN) that stops at the LIMIT. Only the box, not the circle: PostgreSQL estimates the
    rows of the box well, but gives the distance test a default third, and with too low an
    estimate it reads and sorts every row of the box rather than walk the index. Rows of the
    box's corners come after every row of the circle, so callers drop them at the end."""
    queryset = queryset.filter(Q(_InBox(field, point, meters)))
    return queryset.annotate(**{name: _NearestDistance(field, point)}).order_by(name)


_DISTANCE = "distance"  # the annotation that nearest_keys() and nearest_objects() read


@dataclass(frozen=True)
class NearestRows:
    # (metres, primary key or model instance), nearest first, ties by key
    rows: list[tuple[float, object]]
    more: bool  # there are rows after these
    # All the rows, counted in the same pass when that costs nothing (SpatiaLite reads and
    # sorts every row of the radius anyway); None when not counted.
    total: int | None = None


def nearest_keys(
    queryset: QuerySet, field: str, point: Point, *, meters: float, start: int, end: int
) -> NearestRows:
    """Rows `start`..`end`, as (metres on the sphere, primary key), of the rows of `queryset`
    within `meters` metres of the point, nearest first and ties by key (nearest_first()'s
    order), and whether more rows follow.

    PostGIS walks its GiST index nearest first (KNN, `ORDER BY point <-> ref LIMIT n`) and stops
    after `end` + 1 rows, wherever they are in the radius. It cannot add the primary key to
    that order: PostgreSQL 15 then reads and sorts every match instead. So rows at the same
    distance (activities at one address, help offers in one 250 m cell) are put in key order
    here; when such a tie crosses `end`, one more query reads the first keys at that distance,
    in the radius of that distance only. SpatiaLite orders (distance, key) in SQL, and as it
    measures every row of the radius to sort them, counts them all in the same pass (`total`).
    """
    return _nearest_page(_read_keys, queryset, field, point, meters=meters, start=start, end=end)


def nearest_objects(
    queryset: QuerySet, field: str, point: Point, *, meters: float, start: int, end: int
) -> NearestRows:
    """The rows of nearest_keys(), as (metres on the sphere, model instance) read as
    `queryset` reads them (its only() and annotations): for a page whose rows are needed
    anyway, read in the same query as the walk."""
    return _nearest_page(_read_objects, queryset, field, point, meters=meters, start=start, end=end)


def _read_keys(rows: QuerySet, *more: str) -> list[tuple]:
    """(distance, primary key, *the `more` annotations) of each row."""
    return list(rows.values_list(_DISTANCE, "pk", *more))


def _read_objects(rows: QuerySet, *more: str) -> list[tuple]:
    """(distance, model instance, *the `more` annotations) of each row."""
    return [(getattr(obj, _DISTANCE), obj, *(getattr(obj, m) for m in more)) for obj in rows]


def _nearest_page(
    read: Callable[..., list[tuple]],
    queryset: QuerySet,
    field: str,
    point: Point,
    *,
    meters: float,
    start: int,
    end: int,
) -> NearestRows:
    """nearest_keys() and nearest_objects(), which read each row with `read`."""
    if end <= start:
        return NearestRows(rows=[], more=False)
    if not _walks_index_nearest_first(queryset):
        ordered = nearest_first(queryset.filter(within_sphere(field, point, meters)), field, point)
        found = read(
            ordered.annotate(nearest_total=Window(Count("pk")))[start : end + 1], "nearest_total"
        )
        return NearestRows(
            rows=[(distance, row) for distance, row, _total in found[: end - start]],
            more=len(found) > end - start,
            total=found[0][2] if found else None,
        )
    walked = read(_walk(queryset, field, point, meters, _DISTANCE)[: end + 1])
    found = [row for row in walked if row[0] <= meters]
    more = len(found) > end
    if more and found[end][0] == found[end - 1][0]:
        tie = found[end][0]
        found = [row for row in found if row[0] < tie]
        found += read(
            queryset.filter(within_sphere(field, point, max(tie, 1.0)))
            .annotate(**{_DISTANCE: _NearestDistance(field, point)})
            .filter(**{_DISTANCE: tie})
            .order_by("pk")[: end - len(found)]
        )
    found.sort(key=lambda row: (row[0], getattr(row[1], "pk", row[1])))  # a key or an instance
    return NearestRows(rows=found[start:end], more=more)


def nearest_count(queryset: QuerySet, field: str, point: Point, *, meters: float, limit: int):
    """How many rows of `queryset` lie within `meters` metres of the point, counting no
    further than `limit`: PostGIS walks its index nearest first and stops there (unordered,
    it would first collect every row of the box from the index: 26,000 at 800 m in the
    densest part of the benchmark); SpatiaLite counts what its R*Tree box gives."""
    if not _walks_index_nearest_first(queryset):
        within = queryset.filter(within_sphere(field, point, meters))
        return within.order_by().values("pk")[:limit].count()
    nearest = _walk(queryset, field, point, meters, "distance").values("distance")[:limit]
    return nearest.aggregate(n=Count("distance", filter=Q(distance__lte=meters)))["n"]


def nearest_tally(
    queryset: QuerySet, field: str, point: Point, *, meters: float, limit: int, condition: Q
) -> tuple[int, int]:
    """Among the nearest `limit` rows of `queryset`: how many lie within `meters` metres of the
    point, and how many of those pass `condition`. One query, which stops after `limit` rows
    of the index (PostGIS walks it nearest first; SpatiaLite sorts what its R*Tree box gives)
    and tests the condition on those rows only. Which of several rows tied at the last
    distance are among the nearest is not defined.

    The condition is tested on the rows found again by key, not in the walk itself: there,
    PostgreSQL plans an Exists (a language spoken) for every row of the radius and hashes all
    52,000 rows of that language at a million listings; by key, it looks up each of `limit`.
    """
    if _walks_index_nearest_first(queryset):
        nearest = _walk(queryset, field, point, meters, "distance")
    else:
        nearest = nearest_first(queryset.filter(within_sphere(field, point, meters)), field, point)
    within = within_sphere(field, point, meters)  # the box's corners, on PostGIS
    found = queryset.model._base_manager.filter(pk__in=nearest.values("pk")[:limit]).aggregate(
        within=Count("pk", filter=within), passing=Count("pk", filter=within & condition)
    )
    return found["within"], found["passing"]


@dataclass(frozen=True)
class NearestSample:
    """The nearest `limit` rows of a radius search, tallied (nearest_sample())."""

    places: int  # rows within the radius among them (at most `limit`)
    matches: int  # of those, rows that pass the condition
    farthest_m: float  # metres on the sphere to the farthest of them (0 for none)
    # Every row of the radius was tallied (SpatiaLite, which reads them all anyway): exact.
    exact: bool = False


def nearest_sample(
    queryset: QuerySet,
    field: str,
    point: Point,
    *,
    meters: float,
    limit: int,
    condition: Q | None = None,
) -> NearestSample:
    """Among the nearest `limit` rows of `queryset` within `meters` metres of the point: how
    many there are, how many pass `condition` (all, without one), and how far the farthest
    lies. One query that stops after `limit` rows of the index (as nearest_tally()); with
    fewer than `limit` places the tally is exact, otherwise it is a sample of the radius's
    nearest part, from which the service extrapolates a count. SpatiaLite, which has no walk
    and reads every row of the radius to sort them, tallies them all (`exact`)."""
    within = within_sphere(field, point, meters)  # the box's corners, on PostGIS
    tally = {
        "places": Count("pk", filter=within),
        "matches": Count("pk", filter=within & (condition or Q())),
        "farthest": Max(_SphereDistance(field, point), filter=within),
    }
    walks = _walks_index_nearest_first(queryset)
    if walks:
        nearest = _walk(queryset, field, point, meters, "distance").values("pk")[:limit]
        found = queryset.model._base_manager.filter(pk__in=nearest).aggregate(**tally)
    else:
        found = queryset.filter(within).aggregate(**tally)
    return NearestSample(
        found["places"], found["matches"], found["farthest"] or 0.0, exact=not walks
    )


def _column(model: type[Model], name: str) -> str:
    """The database column of a model's concrete field (a geography field always has one)."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field.column


def occupied(places: Sequence[tuple[type[Model], str]], point: Point, meters: float) -> list[bool]:
    """For each (model, geography field): whether any of its rows lies in the box around the
    point that holds every point within `meters` metres. One statement, in which each part
    asks a spatial index for one row and stops there. No row is filtered (published or not):
    False means that nothing of that model can be within the radius; True, that something
    may be."""
    box = bbox_around(point, meters)
    connection = connections[router.db_for_read(places[0][0])]
    quote = connection.ops.quote_name
    parts: list[str] = []
    params: list[str | float] = []
    for model, field in places:
        table, column = model._meta.db_table, _column(model, field)
        if getattr(connection.ops, "postgis", False):
            parts.append(
                f"EXISTS (SELECT 1 FROM {quote(table)} WHERE {quote(column)} "
                "&& ST_GeogFromText(%s))"
            )
            params.append(_box_polygon(box))
        elif getattr(connection.ops, "spatialite", False):
            # The R*Tree of the column itself (SpatiaLite's idx_<table>_<column>), which stops
            # at the first box it finds. Not the SpatialIndex virtual table: it answers nothing
            # under the LIMIT that EXISTS implies, and otherwise hands over every row in the box.
            parts.append(
                f"EXISTS (SELECT 1 FROM {quote(f'idx_{table}_{column}')} "
                "WHERE xmin <= %s AND xmax >= %s AND ymin <= %s AND ymax >= %s)"
            )
            params += [box.east, box.west, box.north, box.south]
        else:
            raise NotSupportedError("occupied needs PostGIS or SpatiaLite.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return [bool(value) for value in cursor.fetchone()]
