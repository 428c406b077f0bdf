"""Reach: how many points of each area lie within a walking distance of a listing, counted in
the database (PostGIS, or SpatiaLite through its R*Tree), and a regular grid over an area.

Callers pass table and column names from their models' `_meta` (trusted, never user input)
and the SQL of a queryset (`queryset.query.sql_with_params()`); this module imports no models.
All points are EPSG:4326 (geography on PostGIS, a 4326 geometry on SpatiaLite); distances
are metres on the sphere, as the map search measures them (spatial.nearest).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon

from .points import WGS84

LAEA = 3035  # ETRS89 / LAEA Europe: metres, equal area — the grid is laid out in it
# Metres per degree of latitude on the sphere PostGIS and SpatiaLite measure on (R=6371008.8).
M_PER_DEGREE = 111_195.08


@dataclass(frozen=True)
class Table:
    """A table with an integer key and an EPSG:4326 point or (multi)polygon column."""

    name: str
    key: str
    geometry: str


def _q(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def points_in_areas_sql(connection, *, points: Table, areas: Table) -> str:
    """SQL of (area_id, point) rows: every point of `points` inside a polygon of `areas` (a
    point inside two overlapping areas is counted in both). Uses the areas' spatial index on
    PostGIS and the points' R*Tree on SpatiaLite."""
    pq, aq = _q(connection, points.name), _q(connection, areas.name)
    p_geom, a_geom, a_key = (
        _q(connection, points.geometry),
        _q(connection, areas.geometry),
        _q(connection, areas.key),
    )
    if connection.vendor == "postgresql":
        return (
            f"SELECT ar.{a_key} AS area_id, pt.{p_geom} AS point FROM {pq} pt "
            f"JOIN {aq} ar ON ST_Intersects(ar.{a_geom}, pt.{p_geom}::geometry)"
        )
    return (
        f"SELECT ar.{a_key} AS area_id, pt.{p_geom} AS point FROM {aq} ar JOIN {pq} pt "
        f"ON pt.ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = '{points.name}' "
        f"AND f_geometry_column = '{points.geometry}' AND search_frame = ar.{a_geom}) "
        f"AND ST_Contains(ar.{a_geom}, pt.{p_geom})"
    )


@dataclass(frozen=True)
class Listings:
    """Some rows of `table` (a listing: an organisation, an activity at its place): those whose
    key is among what `ids_sql` selects."""

    table: Table
    ids_sql: str
    ids_params: Sequence = ()


# Temporary tables of this connection's session (PostgreSQL and SQLite alike).
POINTS = "regie_reach_points"
MATCHING = "regie_reach_listings"
MATCHING_INDEX = "regie_reach_listings_index"  # SQLite: an R*Tree of MATCHING's points


# PostGIS: points are also grouped in cells of about 100 x 100 m (0.001° of latitude by
# 0.0015° of longitude; any size keeps the result exact, it only changes the speed).
CELL_LAT, CELL_LON = 0.001, 0.0015
CELLS = "regie_reach_cells"
# Metres of slack for rounding when a band is decided for a whole cell (distances in the
# cell are measured with the same `<->` as the walk, on the sphere).
ROUNDING_M = 0.01


def reach_points_prepare(
    connection, points_sql: str, params: Sequence = (), *, add: bool = False
) -> None:
    """Store the (area_id, point) rows of `points_sql` once (with `add`, beside those stored
    before), for reach_counts to read for every filter: one row per area and distinct point,
    with `n`, how many rows share it (the addresses of one building share its point), so that
    each distinct point is measured once and counted `n` times. Points are grouped on their
    exact coordinates (doubles), never on geography equality, which compares rounded boxes.

    On PostGIS, also the cells (CELLS): per cell of CELL_LAT x CELL_LON, the mean of its
    points as its centre and `r`, the furthest of its points from it (metres, sphere)."""
    postgres = connection.vendor == "postgresql"
    x, y = (
        ("ST_X(pts.point::geometry)", "ST_Y(pts.point::geometry)")
        if postgres
        else (
            "X(pts.point)",
            "Y(pts.point)",
        )
    )
    point = (
        f"ST_SetSRID(ST_MakePoint(g.x, g.y), {WGS84})::geography"
        if postgres
        else f"MakePoint(g.x, g.y, {WGS84})"
    )
    grouped = (
        f"SELECT pts.area_id AS area_id, {x} AS x, {y} AS y, COUNT(*) AS n "
        f"FROM ({points_sql}) pts GROUP BY 1, 2, 3"
    )
    cell = (
        f", floor(g.x / {CELL_LON})::integer AS cx, floor(g.y / {CELL_LAT})::integer AS cy"
        if postgres
        else ""
    )
    rows = f"SELECT g.area_id, g.x, g.y, g.n, {point} AS point{cell} FROM ({grouped}) g"
    if add:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {POINTS} {rows}", list(params))
    else:
        _temporary_table(connection, POINTS, rows, params)
    if not postgres:
        return
    centres = (
        f"SELECT cx, cy, ST_SetSRID(ST_MakePoint(AVG(x), AVG(y)), {WGS84})::geography AS centre "
        f"FROM {POINTS} GROUP BY cx, cy"
    )
    _temporary_table(
        connection,
        CELLS,
        f"SELECT c.cx, c.cy, c.centre, MAX(pts.point <-> c.centre) AS r FROM ({centres}) c "
        f"JOIN {POINTS} pts ON pts.cx = c.cx AND pts.cy = c.cy GROUP BY c.cx, c.cy, c.centre",
    )


def reach_points_per_area(connection) -> dict[int, int]:
    """Per area id, how many points reach_points_prepare stored (with their weights)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT area_id, SUM(n) FROM {POINTS} GROUP BY area_id")
        return {area: int(n) for area, n in cursor.fetchall()}


def reach_counts(
    connection, *, listings: Sequence[Listings], bands: Sequence[int]
) -> dict[int, list[int]]:
    """Per area id: [points, points within bands[0] metres of a listing, within bands[1], ...]
    over the points stored by reach_points_prepare, for the listings that count (a filter:
    the union of `listings`).

    The matching listings' points are copied into a temporary table with a spatial index of
    their own, so that no point tests any listing against the filter.

    PostGIS: the distance from each cell's centre to the nearest matching listing (a KNN walk
    of that index; `<->` on geography is metres on the sphere, as spatial.nearest measures),
    `d`. Every point of the cell is between d - r and d + r from its nearest listing (the
    triangle inequality), so a band below d - r reaches none of them and a band from d + r
    reaches all: the cell is settled as a whole. Only the points of a cell with a band between
    the two are walked one by one (the nearest listing, once, and every band from it).

    SpatiaLite: per distinct point, an R*Tree box of the smallest band first (EXISTS, then
    the next band), so a point near a listing is settled by one small box.
    """
    bands = sorted(int(b) for b in bands)
    _matching_points(connection, listings)
    postgres = connection.vendor == "postgresql"

    def nearest(point: str) -> str:
        return (
            f"(SELECT rl.point <-> {point} FROM {MATCHING} rl "
            f"ORDER BY rl.point <-> {point} LIMIT 1)"
        )

    if postgres:
        mixed = " OR ".join(
            f"({band} >= near.d - c.r - {ROUNDING_M} AND {band} < near.d + c.r + {ROUNDING_M})"
            for band in bands
        )
        cells = (
            f"WITH cell AS MATERIALIZED (SELECT c.cx, c.cy, near.d, "
            f"(near.d IS NOT NULL AND ({mixed})) AS mixed FROM {CELLS} c "
            f"LEFT JOIN LATERAL (SELECT {nearest('c.centre')} AS d OFFSET 0) near ON true) "
        )
        source = f"{POINTS} pts JOIN cell ON cell.cx = pts.cx AND cell.cy = pts.cy"
        distance = f"(CASE WHEN cell.mixed THEN {nearest('pts.point')} ELSE cell.d END)"
    else:

        def match_within(meters: int) -> str:
            dlat = f"({meters} / {M_PER_DEGREE})"
            dlon = f"({meters} / ({M_PER_DEGREE} * cos(radians(pts.y))))"
            return (
                f"EXISTS (SELECT 1 FROM temp.{MATCHING_INDEX} ix JOIN temp.{MATCHING} rl "
                f"ON rl.id = ix.id WHERE ix.minx <= pts.x + {dlon} AND ix.maxx >= pts.x - {dlon} "
                f"AND ix.miny <= pts.y + {dlat} AND ix.maxy >= pts.y - {dlat} "
                f"AND PtDistWithin(rl.point, pts.point, {meters}, 0))"
            )

        # `d` is the smallest band reached (not the distance).
        cells, source = "", f"{POINTS} pts"
        distance = (
            "(CASE "
            + " ".join(f"WHEN {match_within(band)} THEN {band}" for band in bands)
            + " ELSE NULL END)"
        )
    within = ", ".join(
        f"SUM(CASE WHEN measured.d <= {band} THEN measured.n ELSE 0 END)" for band in bands
    )
    # The subqueries are fenced (OFFSET 0; LIMIT -1 on SQLite) so that the planner does not
    # copy `d` into each band's SUM (or each test of it): that measured every point 3 times.
    fence = "OFFSET 0" if postgres else "LIMIT -1 OFFSET 0"
    sql = (
        f"{cells}SELECT measured.area_id, SUM(measured.n), {within} FROM ("
        f"SELECT pts.area_id AS area_id, pts.n AS n, {distance} AS d FROM {source} {fence}"
        f") measured GROUP BY measured.area_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {row[0]: [int(n or 0) for n in row[1:]] for row in cursor.fetchall()}


def _matching_points(connection, listings: Sequence[Listings]) -> None:
    """The points of the listings that count, in MATCHING (and, on SQLite, its R*Tree)."""
    selects: list[str] = []
    params: list = []
    for source in listings:
        geom, key = _q(connection, source.table.geometry), _q(connection, source.table.key)
        selects.append(
            f"SELECT li.{geom} AS point FROM {_q(connection, source.table.name)} li "
            f"WHERE li.{geom} IS NOT NULL AND li.{key} IN ({source.ids_sql})"
        )
        params.extend(source.ids_params)
    union = " UNION ALL ".join(selects) if selects else "SELECT NULL AS point WHERE 1 = 0"
    if connection.vendor == "postgresql":
        _temporary_table(connection, MATCHING, union, params, index="point")
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS temp.{MATCHING}")
        cursor.execute(f"DROP TABLE IF EXISTS temp.{MATCHING_INDEX}")
        cursor.execute(f"CREATE TEMPORARY TABLE {MATCHING} (id INTEGER PRIMARY KEY, point BLOB)")
        cursor.execute(f"INSERT INTO temp.{MATCHING} (point) {union}", params)
        # SQLite's own R*Tree (SpatiaLite's spatial indexes are made of it); it rounds the
        # bounds outwards to 32-bit floats, so a box query never misses a point.
        cursor.execute(
            f"CREATE VIRTUAL TABLE temp.{MATCHING_INDEX} USING rtree(id, minx, maxx, miny, maxy)"
        )
        cursor.execute(
            f"INSERT INTO temp.{MATCHING_INDEX} "
            f"SELECT id, X(point), X(point), Y(point), Y(point) FROM temp.{MATCHING}"
        )


def _temporary_table(
    connection, name: str, sql: str, params: Sequence = (), *, index: str | None = None
) -> None:
    """(Re)make a temporary table (this session only) from a query; on PostgreSQL with a GiST
    index on `index`, analysed so that the planner knows its size."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {'' if postgres else 'temp.'}{name}")
        cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {sql}", list(params))
        if postgres and index:
            cursor.execute(f"CREATE INDEX ON {name} USING gist ({index})")
        if postgres:
            cursor.execute(f"ANALYZE {name}")


def grid_points(area: Polygon | MultiPolygon, *, spacing_m: int = 100) -> list[Point]:
    """EPSG:4326 points of a square grid with `spacing_m` metres between them (laid out in
    the equal-area LAEA projection) that fall inside the area, each cell's centre. An area
    smaller than a cell still gets one point: its point on surface."""
    projected = GEOSGeometry(area.wkb, srid=area.srid or WGS84).transform(LAEA, clone=True)
    west, south, east, north = projected.extent
    half = spacing_m / 2
    prepared = projected.prepared
    found = []
    y = south + half
    while y < north:
        x = west + half
        while x < east:
            point = Point(x, y, srid=LAEA)
            if prepared.contains(point):
                found.append(point)
            x += spacing_m
        y += spacing_m
    if not found:
        found.append(projected.point_on_surface)
    return [cast(Point, p.transform(WGS84, clone=True)) for p in found]
