"""Mapbox Vector Tiles of points: the XYZ grid (Web Mercator, EPSG:3857, y from the top), the
spatial index's part of a tile query, and the tile itself, clustered on a grid in SQL.

Callers hand over one SQL query per kind of place (see `PlaceRows`): its rows are the places
with their properties and an EPSG:4326 point (a `geography` on PostGIS). This module projects
them, keeps those inside the tile and, below CLUSTER_BELOW_ZOOM, groups them per grid cell of
CLUSTER_CELL_PX screen pixels: a cell of one place gives the place, a cell of more a cluster
with `count` at the mean of its points. On PostGIS the database writes the tile (ST_AsMVT,
ST_AsMVTGeom, ST_TileEnvelope); on SpatiaLite the same SQL groups and Python encodes the
protobuf (mapbox-vector-tile), with the same features.

Each place lies in exactly one tile (the tile is half-open: west and north edges in, east and
south out): a cluster never counts a place that a neighbouring tile also shows, so the tile
carries no features of the buffer around it (ST_AsMVTGeom's buffer only keeps a point on the
edge). Private places are whatever point the caller gives: the coarse public point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import NotSupportedError
from django.db.models import BinaryField, BooleanField, F, Func
from django.db.models.expressions import Col

from .points import WGS84

WEB_MERCATOR = 3857
# Half the width of the Web Mercator square, metres (ST_TileEnvelope's default bounds).
MERCATOR_HALF = 20037508.342789244
EARTH_RADIUS_MERCATOR_M = 6378137.0
MAX_ZOOM = 20
EXTENT = 4096  # tile units per side
BUFFER = 64  # tile units ST_AsMVTGeom keeps beyond the edge (points on it)
LAYER = "places"
# Clusters below this zoom; from it on, every place is a point of its own (at 17 a 256 px tile
# is ~300 m wide at Gent's latitude: a street).
CLUSTER_BELOW_ZOOM = 17
# Cells of 64 px of a 256 px tile: 4 x 4 cells a tile, cells aligned to the tile's corner.
TILE_PX = 256
CLUSTER_CELL_PX = 64
CELLS_PER_SIDE = TILE_PX // CLUSTER_CELL_PX
# Below this zoom a tile is wider than Belgium: the query reads every place instead of asking
# the index for a lon/lat box (a geography box's great-circle edges sag by more than the
# margin there, and at zoom 0-2 the box spans the antimeridian).
INDEX_FROM_ZOOM = 6
# The index box is the tile grown by this share of its side on each side: the exact test in
# Web Mercator (half-open) decides afterwards.
INDEX_MARGIN = 1 / 16
MEDIA_TYPE = "application/vnd.mapbox-vector-tile"


class TileError(ValueError):
    """Not a tile of the XYZ grid at zoom 0 to MAX_ZOOM."""


@dataclass(frozen=True)
class Tile:
    """An XYZ tile; its bounds in EPSG:3857 metres."""

    z: int
    x: int
    y: int

    def __post_init__(self):
        if not 0 <= self.z <= MAX_ZOOM or not (0 <= self.x < 2**self.z and 0 <= self.y < 2**self.z):
            raise TileError(f"No tile {self.z}/{self.x}/{self.y}.")

    @property
    def size(self) -> float:
        """The side in EPSG:3857 metres."""
        return 2 * MERCATOR_HALF / 2**self.z

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) in EPSG:3857 metres, as ST_TileEnvelope(z, x, y)."""
        xmin = -MERCATOR_HALF + self.x * self.size
        ymax = MERCATOR_HALF - self.y * self.size
        return xmin, ymax - self.size, xmin + self.size, ymax

    @property
    def clusters(self) -> bool:
        return self.z < CLUSTER_BELOW_ZOOM

    def index_box(self) -> tuple[float, float, float, float] | None:
        """(west, south, east, north) in EPSG:4326 degrees around the tile, grown by
        INDEX_MARGIN, for the spatial index; None below INDEX_FROM_ZOOM (read everything)."""
        if self.z < INDEX_FROM_ZOOM:
            return None
        xmin, ymin, xmax, ymax = self.bounds
        grow = self.size * INDEX_MARGIN
        west, south = _lonlat(xmin - grow, ymin - grow)
        east, north = _lonlat(xmax + grow, ymax + grow)
        return west, south, east, north


def _lonlat(mx: float, my: float) -> tuple[float, float]:
    """EPSG:3857 metres to EPSG:4326 degrees (spherical Mercator's inverse)."""
    mx = max(-MERCATOR_HALF, min(MERCATOR_HALF, mx))
    my = max(-MERCATOR_HALF, min(MERCATOR_HALF, my))
    lon = mx / MERCATOR_HALF * 180
    lat = math.degrees(2 * math.atan(math.exp(my / EARTH_RADIUS_MERCATOR_M)) - math.pi / 2)
    return lon, lat


# Stand-ins for the index box's corners (west, south, east, north): the SQL of a kind's places
# is compiled once for every tile (PlaceRows.in_box puts the tile's box in their place).
BOX_STAND_IN = (-1001.25, -1002.25, -1003.25, -1004.25)


class InTile(Func):
    """True for rows whose geography/4326 point column may lie in a tile: the spatial index's
    box (Tile.index_box, given later: see BOX_STAND_IN), `&&` on PostGIS's GiST index,
    SpatiaLite's R*Tree through its SpatialIndex table; with `index=False` (a tile below
    INDEX_FROM_ZOOM) always true. The tile's own exact, half-open test is tile_mvt's."""

    output_field = BooleanField()

    def __init__(self, field: str, *, index: bool = True):
        super().__init__(F(field))
        self.index = index

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        raise NotSupportedError("InTile needs PostGIS or SpatiaLite.")

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        if not self.index:
            return "TRUE", []
        return (
            f"{column} && ST_MakeEnvelope(%s, %s, %s, %s, {WGS84})::geography",
            [*params, *BOX_STAND_IN],
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        if not self.index:
            return "1", []
        target = self.source_expressions[0]
        assert isinstance(target, Col)
        rowid = f"{connection.ops.quote_name(target.alias)}.ROWID"
        table, column = target.target.model._meta.db_table, target.target.column
        return (
            f"{rowid} IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = %s AND "
            f"f_geometry_column = %s AND search_frame = BuildMbr(%s, %s, %s, %s, {WGS84}))",
            [table, column, *BOX_STAND_IN],
        )


class StoredGeometry(Func):
    """A geometry/geography column as the database stores it, for SQL around the query (a
    geometry field's own select would hand SpatiaLite's over as EWKB, for Python)."""

    template = "%(expressions)s"
    output_field = BinaryField()

    def __init__(self, field: str):
        super().__init__(F(field))


@dataclass(frozen=True)
class PlaceRows:
    """One kind of place as SQL: its rows have the columns `tile_kind`, `tile_pk`,
    `tile_title`, `tile_url`, `tile_category` (texts; the key an integer) and `tile_geom` (an
    EPSG:4326 point as stored (StoredGeometry), geography on PostGIS)."""

    sql: str
    params: tuple

    def in_box(self, box: tuple[float, float, float, float] | None) -> PlaceRows:
        """The same SQL with a tile's index box (Tile.index_box) for InTile's stand-ins."""
        if box is None:
            return self
        corners = dict(zip(BOX_STAND_IN, box, strict=True))
        return PlaceRows(
            self.sql, tuple(corners.get(p, p) if isinstance(p, float) else p for p in self.params)
        )


_COLUMNS = "tile_kind, tile_pk, tile_title, tile_url, tile_category"


def _grouped_sql(connection, tile: Tile, places: list[PlaceRows]) -> tuple[str, list]:
    """The cells of the tile: (n, mx, my, kind_min, kind_max, pk, title, url, category), one
    row per cell (per place from CLUSTER_BELOW_ZOOM on), mx/my the mean in EPSG:3857."""
    postgis = getattr(connection.ops, "postgis", False)
    geometry = "tile_geom::geometry" if postgis else "tile_geom"
    box = tile.index_box()
    places = [p.in_box(box) for p in places]
    union = " UNION ALL ".join(
        f"SELECT {_COLUMNS}, tile_geom FROM ({p.sql}) AS k{i}" for i, p in enumerate(places)
    )
    params: list = [value for p in places for value in p.params]
    xmin, ymin, xmax, ymax = tile.bounds
    cell = tile.size / CELLS_PER_SIDE
    if tile.clusters:
        # mx - xmin >= 0 inside the tile: flooring is truncating; both backends floor.
        group = "FLOOR((mx - %s) / %s), FLOOR((%s - my) / %s)"
        group_params = [xmin, cell, ymax, cell]
    else:
        group, group_params = "tile_kind, tile_pk", []
    sql = (
        f"WITH places AS ({union}), "
        "projected AS (SELECT "
        f"{_COLUMNS}, ST_X(g) AS mx, ST_Y(g) AS my "
        f"FROM (SELECT {_COLUMNS}, ST_Transform({geometry}, {WEB_MERCATOR}) AS g "
        "FROM places) AS p), "
        "inside AS (SELECT * FROM projected WHERE mx >= %s AND mx < %s AND my > %s AND my <= %s) "
        # A point within half a unit of the east or south edge would round onto the edge,
        # which belongs to the next tile (clients drop it): held 0.6 unit inside.
        "SELECT COUNT(*) AS n, CASE WHEN AVG(mx) > %s THEN %s ELSE AVG(mx) END AS mx, "
        "CASE WHEN AVG(my) < %s THEN %s ELSE AVG(my) END AS my, MIN(tile_kind) AS kind_min, "
        "MAX(tile_kind) AS kind_max, MIN(tile_pk) AS pk, MIN(tile_title) AS title, "
        "MIN(tile_url) AS url, MIN(tile_category) AS category "
        f"FROM inside GROUP BY {group}"
    )
    east = xmax - tile.size * 0.6 / EXTENT
    south = ymin + tile.size * 0.6 / EXTENT
    edges = [east, east, south, south]
    return sql, [*params, xmin, xmax, ymin, ymax, *edges, *group_params]


def tile_mvt(connection, tile: Tile, places: list[PlaceRows]) -> bytes:
    """The tile's protobuf with one layer LAYER (EXTENT units a side): a place has `id`
    ("<kind>-<pk>"), `title`, `url`, `category`, `kind`; a cluster `count` (>= 2) and `kind`
    when all its places are of one kind. b"" when nothing lies in the tile."""
    if not places:
        return b""
    grouped, params = _grouped_sql(connection, tile, places)
    if getattr(connection.ops, "postgis", False):
        return _postgis_mvt(connection, tile, grouped, params)
    if getattr(connection.ops, "spatialite", False):
        return _python_mvt(connection, tile, grouped, params)
    raise NotSupportedError("Tiles need PostGIS or SpatiaLite.")


def _postgis_mvt(connection, tile: Tile, grouped: str, params: list) -> bytes:
    # Properties that are NULL are left out of a feature by ST_AsMVT.
    sql = (
        f"SELECT ST_AsMVT(f, '{LAYER}', {EXTENT}, 'geom') FROM ("
        "SELECT ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(mx, my), "
        f"{WEB_MERCATOR}), ST_TileEnvelope(%s, %s, %s), {EXTENT}, {BUFFER}, true) AS geom, "
        "CASE WHEN n = 1 THEN kind_min || '-' || pk END AS id, "
        "CASE WHEN n = 1 THEN title END AS title, "
        "CASE WHEN n = 1 THEN url END AS url, "
        "CASE WHEN n = 1 THEN category END AS category, "
        "CASE WHEN kind_min = kind_max THEN kind_min END AS kind, "
        'CASE WHEN n > 1 THEN n END AS "count" '
        f"FROM ({grouped}) AS cells ORDER BY mx, my) AS f"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [tile.z, tile.x, tile.y, *params])
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] else b""


def tile_features(tile: Tile, rows) -> list[dict]:
    """The features of grouped rows (see _grouped_sql) for mapbox-vector-tile's encoder, in
    tile units from the top-left corner, rounded as ST_AsMVTGeom does (half to even)."""
    xmin, _ymin, _xmax, ymax = tile.bounds
    scale = EXTENT / tile.size
    features = []
    for n, mx, my, kind_min, kind_max, pk, title, url, category in sorted(rows, key=_position):
        if n == 1:
            properties = {
                "id": f"{kind_min}-{pk}",
                "title": title,
                "url": url,
                "category": category,
                "kind": kind_min,
            }
        else:
            properties = {"count": n, **({"kind": kind_min} if kind_min == kind_max else {})}
        px, py = round((mx - xmin) * scale), round((ymax - my) * scale)
        features.append(
            {
                "geometry": f"POINT ({px} {py})",
                "properties": {k: v for k, v in properties.items() if v is not None},
            }
        )
    return features


def _position(row) -> tuple[float, float]:
    return row[1], row[2]  # mx, my: the order of PostGIS's features


def _python_mvt(connection, tile: Tile, grouped: str, params: list) -> bytes:
    import mapbox_vector_tile

    with connection.cursor() as cursor:
        cursor.execute(grouped, params)
        rows = cursor.fetchall()
    if not rows:
        return b""
    layer = {"name": LAYER, "features": tile_features(tile, rows)}
    options = {"extents": EXTENT, "y_coord_down": True, "quantize_bounds": None}
    return mapbox_vector_tile.encode([layer], default_options=options)
