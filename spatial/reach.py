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


def reach_counts(
    connection,
    *,
    points_sql: str,
    points_params: Sequence = (),
    listings: Table,
    listing_ids_sql: str,
    listing_ids_params: Sequence = (),
    bands: Sequence[int],
) -> dict[int, list[int]]:
    """Per area id: [points, points within bands[0] metres of a listing, within bands[1], ...].

    `points_sql` yields (area_id, point) rows; `listing_ids_sql` the ids of the listings of
    `listings` that count (a filter). Each point asks the spatial index for the listings in a
    box around it, up to the largest band, and keeps the nearest distance on the sphere.
    """
    bands = sorted(int(b) for b in bands)
    lq, l_key, l_geom = (
        _q(connection, listings.name),
        _q(connection, listings.key),
        _q(connection, listings.geometry),
    )
    postgres = connection.vendor == "postgresql"
    if postgres:
        # The matching listings in a temporary table with a GiST index of their own: each
        # point then walks that index nearest first and stops at the first row. (Filtering
        # the listings table inside the walk made PostgreSQL test every row it passed
        # against the filter's list, 0.4 ms a point.) `<->` on geography is the distance on
        # the sphere (see spatial.nearest).
        _temporary_table(
            connection,
            "regie_reach_listings",
            f"SELECT li.{l_geom} AS point FROM {lq} li WHERE li.{l_key} IN ({listing_ids_sql})",
            listing_ids_params,
            index="point",
        )
        nearest = (
            "(SELECT rl.point <-> pts.point FROM regie_reach_listings rl "
            "ORDER BY rl.point <-> pts.point LIMIT 1)"
        )
    else:
        # The smallest band first: an address near a matching listing is settled by one
        # R*Tree query for a small box and one distance, instead of measuring every listing
        # within the largest band. `d` is then the band (not the distance).
        def match_within(meters: int) -> str:
            dlat = f"({meters} / {M_PER_DEGREE})"
            dlon = f"({meters} / ({M_PER_DEGREE} * cos(radians(Y(pts.point)))))"
            box = (
                f"BuildMbr(X(pts.point) - {dlon}, Y(pts.point) - {dlat}, "
                f"X(pts.point) + {dlon}, Y(pts.point) + {dlat}, {WGS84})"
            )
            return (
                f"EXISTS (SELECT 1 FROM {lq} li WHERE li.ROWID IN (SELECT ROWID FROM "
                f"SpatialIndex WHERE f_table_name = '{listings.name}' AND f_geometry_column = "
                f"'{listings.geometry}' AND search_frame = {box}) "
                f"AND PtDistWithin(li.{l_geom}, pts.point, {meters}, 0) "
                f"AND li.{l_key} IN ({listing_ids_sql}))"
            )

        nearest = (
            "(CASE "
            + " ".join(f"WHEN {match_within(band)} THEN {band}" for band in bands)
            + " ELSE NULL END)"
        )
    within = ", ".join(f"SUM(CASE WHEN near.d <= {band} THEN 1 ELSE 0 END)" for band in bands)
    sql = (
        f"SELECT near.area_id, COUNT(*), {within} FROM ("
        f"SELECT pts.area_id AS area_id, {nearest} AS d FROM ({points_sql}) pts"
        f") near GROUP BY near.area_id"
    )
    params = (
        [*points_params] if postgres else [*(list(listing_ids_params) * len(bands)), *points_params]
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: [int(n or 0) for n in row[1:]] for row in cursor.fetchall()}


def _temporary_table(connection, name: str, sql: str, params, *, index: str | None) -> None:
    """(Re)make a temporary table (PostgreSQL, this session only) from a query, with a GiST
    index on `index`, analysed so that the planner knows its size."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {sql}", list(params))
        if index:
            cursor.execute(f"CREATE INDEX ON {name} USING gist ({index})")
        cursor.execute(f"ANALYZE {name}")


def points_once(connection, points_sql: str, params: Sequence = ()) -> tuple[str, list]:
    """On PostGIS, the (area_id, point) rows of `points_sql` computed once into a temporary
    table, for reach_counts to read for every filter; elsewhere the query as it is."""
    if connection.vendor != "postgresql":
        return points_sql, list(params)
    _temporary_table(connection, "regie_reach_points", points_sql, params, index=None)
    return "SELECT area_id, point FROM regie_reach_points", []


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
