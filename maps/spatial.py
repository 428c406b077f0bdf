"""The one place that knows units, SRIDs and backend differences. Imports no models.

Every point stored by Buurtkaart is EPSG:4326 (lon/lat, WGS 84). Point fields are
`geography=True` so that PostGIS measures in metres on the sphere and uses its GiST index;
SpatiaLite ignores the flag and measures 4326 geometries in metres itself. The functions below
take and return metres and hide the rest:

- `dwithin` with a bare number means metres on both backends *for these fields*; a `D()` object
  raises on PostGIS and `distance_lte` cannot use the spatial index, so neither is used.
- Distances are annotated with `Distance()`, which returns metres on both backends.
- Grid snapping (coarsening) happens in EPSG:3035, the European equal-area projection in
  metres, never by converting metres to degrees by hand.
"""

from __future__ import annotations

import functools
import math
import random
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.gdal import CoordTransform, OGRGeometry, SpatialReference
from django.contrib.gis.gdal.error import GDALException, SRSException
from django.contrib.gis.geos import GEOSGeometry, MultiPoint, MultiPolygon, Point, Polygon
from django.db import NotSupportedError, connections
from django.db.models import BooleanField, Count, F, FloatField, Func, Q, QuerySet, Window
from django.utils.translation import gettext as _

WGS84 = 4326
LAEA_EUROPE = 3035  # metres; for grid snapping, Voronoi cells and scattered test points

EARTH_RADIUS_M = 6_371_008.8
MAX_RADIUS_M = 10_000


class SpatialInputError(ValueError):
    """A point, radius or box from outside that cannot be used. The message is user-facing."""


@dataclass(frozen=True)
class BBox:
    """A lon/lat box in EPSG:4326 degrees."""

    west: float
    south: float
    east: float
    north: float

    def as_polygon(self) -> Polygon:
        return Polygon.from_bbox((self.west, self.south, self.east, self.north))


def make_point(*, lat: float, lon: float) -> Point:
    """Validate a latitude/longitude pair (degrees) and return an EPSG:4326 Point (x=lon)."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError) as exc:
        raise SpatialInputError(_("Latitude and longitude must be numbers.")) from exc
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise SpatialInputError(_("Latitude and longitude must be finite numbers."))
    if not -90 <= lat <= 90:
        raise SpatialInputError(_("Latitude must be between -90 and 90."))
    if not -180 <= lon <= 180:
        raise SpatialInputError(_("Longitude must be between -180 and 180."))
    return Point(lon, lat, srid=WGS84)


def make_radius(meters: float, *, maximum: float = MAX_RADIUS_M) -> float:
    """Validate a search radius in metres (0 < r <= maximum)."""
    try:
        meters = float(meters)
    except (TypeError, ValueError) as exc:
        raise SpatialInputError(_("The radius must be a number of metres.")) from exc
    if not math.isfinite(meters) or meters <= 0:
        raise SpatialInputError(_("The radius must be a positive number of metres."))
    if meters > maximum:
        raise SpatialInputError(
            _("The radius can be at most %(maximum)s metres.") % {"maximum": f"{maximum:g}"}
        )
    return meters


def within_distance(field: str, point: Point, meters: float) -> Q:
    """Q for rows whose geography `field` lies within `meters` metres of an EPSG:4326 point.

    Uses ST_DWithin(geography) on PostGIS (GiST index) and PtDistWithin on SpatiaLite; both
    read the bare number as metres for a geography/4326 field.
    """
    return Q(**{f"{field}__dwithin": (point, meters)})


def containing(field: str, point: Point) -> Q:
    """Q for rows whose (multi)polygon `field` (EPSG:4326 geometry) contains the point."""
    return Q(**{f"{field}__contains": point})


def in_bbox(field: str, bbox: BBox) -> Q:
    """Q for rows whose `field` intersects a lon/lat box (EPSG:4326)."""
    return Q(**{f"{field}__intersects": bbox.as_polygon()})


def with_distance(queryset: QuerySet, field: str, point: Point, *, name: str = "distance"):
    """Annotate `name` as the distance in metres to the point and order nearest first."""
    return queryset.annotate(**{name: Distance(field, point)}).order_by(name)


def distance_m(annotated) -> float | None:
    """Metres of a `Distance` annotation (a `D` measure on both backends), or None."""
    return None if annotated is None else float(annotated.m)


def great_circle_m(a: Point, b: Point) -> float:
    """Haversine distance in metres between two EPSG:4326 points, for computing without SQL."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a.x, a.y, b.x, b.y))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def walking_minutes(meters: float, *, speed_m_per_min: float = 80.0) -> int:
    """Walking time rounded up to whole minutes at ~4.8 km/h (the presets' 400 m = 5 min)."""
    return max(1, math.ceil(meters / speed_m_per_min))


def coarsen(point: Point, *, cell_m: int = 250) -> Point:
    """Snap an EPSG:4326 point to the centre of its `cell_m`-metre grid cell in EPSG:3035.

    Deterministic, so the coarse point is computed once and stored: repeated random noise
    would average out and reveal the exact location.
    """
    laea = point.transform(LAEA_EUROPE, clone=True)
    x = (math.floor(laea.x / cell_m) + 0.5) * cell_m
    y = (math.floor(laea.y / cell_m) + 0.5) * cell_m
    centre = Point(x, y, srid=LAEA_EUROPE)
    centre.transform(WGS84)
    return Point(round(centre.x, 6), round(centre.y, 6), srid=WGS84)


def source_srs(
    srs: SpatialReference | None, *, srid: int | None = None, extent=None
) -> SpatialReference:
    """The coordinate system to read a file's coordinates in.

    `srid` (an EPSG code) overrides the file's own `srs`. `extent` is the file's
    (xmin, ymin, xmax, ymax) in its own units: a file that claims degrees but holds numbers
    beyond ±180/±90 is in metres (GDAL assumes EPSG:4326 for a GeoJSON without "crs").
    """
    if srid is not None:
        try:
            return SpatialReference(srid)
        except (GDALException, SRSException) as exc:
            raise SpatialInputError(
                _("%(srid)s is not a known EPSG code.") % {"srid": srid}
            ) from exc
    if srs is None:
        raise SpatialInputError(
            _("The file does not say which coordinate system it uses: give its EPSG code.")
        )
    if srs.geographic and extent is not None:
        xmin, ymin, xmax, ymax = extent
        if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
            raise SpatialInputError(
                _(
                    "The file says its coordinates are degrees, but they look like metres: "
                    "give the EPSG code of its coordinate system."
                )
            )
    return srs


@functools.lru_cache(maxsize=8)
def _to_wgs84(source_wkt: str) -> CoordTransform:
    # Building a PROJ pipeline costs milliseconds: once per file, not once per feature.
    # Django's SpatialReference uses the traditional GIS axis order, so x=lon, y=lat.
    return CoordTransform(SpatialReference(source_wkt), SpatialReference(WGS84))


def to_wgs84_multipolygon(geom: GEOSGeometry | OGRGeometry) -> MultiPolygon:
    """Reproject any (multi)polygon to a 2D EPSG:4326 MultiPolygon (x=lon), repairing it.

    A GEOS geometry carries its SRS as `srid` (none means it is already EPSG:4326); an OGR
    geometry read from a file carries the file's own SRS (.prj, GeoPackage), which need not
    have an EPSG code. Invalid rings (a bow-tie) are repaired with make_valid; stray lines
    and points that the repair leaves are dropped. Raises SpatialInputError when no area is
    left or the result lies outside lon/lat range.
    """
    if isinstance(geom, OGRGeometry):
        if geom.srs is None:
            raise SpatialInputError(_("The geometry has no coordinate system."))
        geom = geom.clone()
        geom.set_3d(False)  # the boundary columns are 2D; a PolygonZ would not fit
        geom.transform(_to_wgs84(geom.srs.wkt))
        geom = geom.geos
    elif geom.srid and geom.srid != WGS84:
        geom = geom.transform(WGS84, clone=True)
    if geom.empty:
        raise SpatialInputError(_("The boundary is empty."))
    if not geom.valid:
        geom = geom.make_valid()
    if geom.geom_type == "GeometryCollection":
        # make_valid may split a bow-tie into polygons plus stray lines: keep the areas.
        polygons = [
            p
            for g in geom
            if g.geom_type in ("Polygon", "MultiPolygon")
            for p in (g if g.geom_type == "MultiPolygon" else [g])
        ]
        if not polygons:
            raise SpatialInputError(_("The boundary has no area."))
        geom = MultiPolygon(polygons)
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom)
    if geom.geom_type != "MultiPolygon":
        raise SpatialInputError(_("Expected a polygon, got %(type)s.") % {"type": geom.geom_type})
    if geom.empty or geom.area == 0:
        raise SpatialInputError(_("The boundary has no area."))
    west, south, east, north = geom.extent
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise SpatialInputError(
            _("The boundary falls outside the world after reprojecting: check its EPSG code.")
        )
    geom.srid = WGS84
    return geom


# --- drawing on a Leaflet map ---------------------------------------------------------------


def latlng(point: Point, *, decimals: int = 6) -> list[float]:
    """[latitude, longitude] of an EPSG:4326 point in degrees: Leaflet's order, y before x.

    Six decimals is about 0.1 m, more than any map needs.
    """
    return [round(point.y, decimals), round(point.x, decimals)]


def extent(geometries: Iterable[GEOSGeometry | None]) -> BBox | None:
    """The lon/lat box (EPSG:4326 degrees) around all geometries; None when there are none."""
    boxes = [geom.extent for geom in geometries if geom is not None and not geom.empty]
    if not boxes:
        return None
    wests, souths, easts, norths = zip(*boxes, strict=True)
    return BBox(west=min(wests), south=min(souths), east=max(easts), north=max(norths))


def geojson_geometry(geom: GEOSGeometry, *, decimals: int = 5) -> dict:
    """A GeoJSON geometry (a dict) of an EPSG:4326 point or (multi)polygon, to draw on a map.

    Coordinates are rounded to `decimals` decimal degrees: five is about 1 m in Gent, finer than
    a map shows, and keeps a page with hundreds of boundaries small. Not for storing.
    """

    def rounded(coords):
        if isinstance(coords[0], int | float):
            return [round(c, decimals) for c in coords]
        return [rounded(part) for part in coords]

    return {"type": geom.geom_type, "coordinates": rounded(geom.coords)}


# --- Voronoi partitions and in-memory point location ---------------------------------------


def voronoi_cells(sites: Sequence[Point], clip: GEOSGeometry) -> list[MultiPolygon]:
    """One cell per site, in the same order: the part of `clip` nearer that site than any other.

    Sites and clip are EPSG:4326 (x=lon; a clip without SRID is taken as such); the cells are
    EPSG:4326 multipolygons, empty where a site's cell misses the clip. "Nearer" is measured in
    EPSG:3035 metres: a bisector drawn in degrees would lean, as a degree of longitude is only
    ~0.63 of a degree of latitude at 51°N.

    Each cell is the clip cut by the half-plane on the site's side of its perpendicular
    bisector with every other site: n² GEOS intersections, meant for tens of sites. Two
    neighbouring cells share the exact same bisector segment; where three cells meet, their
    corners may differ by floating-point noise (far below a millimetre).
    """
    if clip.srid is None:
        clip = clip.clone()
        clip.srid = WGS84
    metric_clip = clip.transform(LAEA_EUROPE, clone=True)
    metric_sites = [site.transform(LAEA_EUROPE, clone=True) for site in sites]
    if len({(site.x, site.y) for site in metric_sites}) < len(metric_sites):
        raise SpatialInputError(_("Two sites share the same location."))
    xmin, ymin, xmax, ymax = metric_clip.extent
    xs = [xmin, xmax, *(site.x for site in metric_sites)]
    ys = [ymin, ymax, *(site.y for site in metric_sites)]
    # Metres: from any bisector's midpoint, this reaches past every corner of clip and sites.
    reach = 2 * math.hypot(max(xs) - min(xs), max(ys) - min(ys)) + 1

    cells = []
    for site in metric_sites:
        cell = metric_clip
        for other in metric_sites:
            if other is not site and not cell.empty:
                cell = cell.intersection(_half_plane(site, other, reach=reach))
        if cell.empty or cell.area == 0:
            cells.append(MultiPolygon(srid=WGS84))
        else:
            cells.append(to_wgs84_multipolygon(cell))
    return cells


def _half_plane(site: Point, other: Point, *, reach: float) -> Polygon:
    """The side of the site–other perpendicular bisector that holds `site`, as a rectangle
    `reach` long on each side of the midpoint and `reach` deep (units and SRID of the points).

    The bisector's two corners are computed so that (a, b) and (b, a) give the same segment,
    which makes neighbouring cells share their edge exactly.
    """
    mid_x, mid_y = (site.x + other.x) / 2, (site.y + other.y) / 2
    length = math.hypot(other.x - site.x, other.y - site.y)
    ux, uy = (other.x - site.x) / length, (other.y - site.y) / length  # towards `other`
    start = (mid_x - uy * reach, mid_y + ux * reach)
    end = (mid_x + uy * reach, mid_y - ux * reach)
    back = (-ux * reach, -uy * reach)
    return Polygon(
        (
            start,
            end,
            (end[0] + back[0], end[1] + back[1]),
            (start[0] + back[0], start[1] + back[1]),
            start,
        ),
        srid=site.srid,
    )


class AreaLocator:
    """Point-in-polygon against a few EPSG:4326 areas held in memory, with no query per point.

    Built from (key, area) pairs; `locate(point)` returns the key of the first area, in the
    given order, that contains the EPSG:4326 point, as `containing()` with `.first()` does in
    SQL (a point on a boundary is in neither). A bounding-box test skips most areas before the
    prepared-geometry test: fine for hundreds of areas, not for a country's worth.
    """

    def __init__(self, areas: Iterable[tuple[object, GEOSGeometry]]):
        self._areas = [(key, area.extent, area.prepared) for key, area in areas]

    def locate(self, point: Point):
        x, y = point.x, point.y
        for key, (west, south, east, north), prepared in self._areas:
            if west <= x <= east and south <= y <= north and prepared.contains(point):
                return key
        return None


def scatter_points(
    centres: Sequence[Point],
    *,
    count: int,
    spread_m: float,
    rng: random.Random,
    within: GEOSGeometry | None = None,
) -> list[Point]:
    """`count` random EPSG:4326 points around EPSG:4326 `centres`, for synthetic test data.

    Each point is a centre picked at random plus a Gaussian offset with a standard deviation of
    `spread_m` metres along the EPSG:3035 axes (within a few degrees of east and north in the
    Low Countries). Points outside `within` (EPSG:4326) are drawn again. A seeded `rng` gives
    the same points every time.
    """
    metric_centres = [centre.transform(LAEA_EUROPE, clone=True) for centre in centres]
    to_wgs84 = CoordTransform(SpatialReference(LAEA_EUROPE), SpatialReference(WGS84))
    keep = within.prepared if within is not None else None
    points: list[Point] = []
    drawn = 0
    while len(points) < count:
        if drawn > 100 * count + 1_000:
            raise SpatialInputError(_("Hardly any point around the centres falls inside the area."))
        wanted = count - len(points)
        draws = []
        for _draw in range(wanted):
            centre = rng.choice(metric_centres)
            draws.append(
                Point(centre.x + rng.gauss(0, spread_m), centre.y + rng.gauss(0, spread_m))
            )
        drawn += wanted
        # One PROJ call for the whole draw instead of one per point.
        batch = MultiPoint(draws, srid=LAEA_EUROPE)
        batch.transform(to_wgs84)
        for lon, lat in batch.coords:
            point = Point(lon, lat, srid=WGS84)
            if keep is None or keep.contains(point):
                points.append(point)
    return points


# --- addresses: bulk reprojection, nearest point, SQL for bulk loads -------------------------

LAMBERT_72 = 31370  # Belgian Lambert 72, metres (BeST, Basisregisters Vlaanderen)
LAMBERT_2008 = 3812  # Belgian Lambert 2008, metres (newer BeST files)
RD_NEW = 28992  # Dutch Rijksdriehoekstelsel, metres (BAG, PDOK)

# Belgium, the Netherlands and a margin, in EPSG:4326 degrees: an address outside it is a
# swapped axis or a wrong coordinate system, not a real address.
BENELUX = BBox(west=2.0, south=49.0, east=7.5, north=54.0)


class LonLatTransformer:
    """Reproject many (x, y) pairs from one EPSG coordinate system to EPSG:4326 (lon, lat).

    The PROJ pipeline is built once per instance, and coordinates are sent to GDAL in batches
    as one line string, so a million-row import does not create a million geometry objects.
    Django's SpatialReference uses the traditional GIS axis order: x=easting/lon, y=northing/lat.
    """

    def __init__(self, srid: int):
        self.srid = srid
        self._transform = (
            None
            if srid == WGS84
            else CoordTransform(SpatialReference(srid), SpatialReference(WGS84))
        )

    def __call__(self, coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
        if self._transform is None or not coords:
            return list(coords)
        # A line string needs two points; a lone point is sent twice.
        points = coords if len(coords) > 1 else [coords[0], coords[0]]
        line = OGRGeometry(
            "LINESTRING (" + ",".join(f"{x!r} {y!r}" for x, y in points) + ")",
            srs=self.srid,
        )
        line.transform(self._transform)
        # WKB of a 2D line string: byte order (1), type (4), count (4), then x/y doubles.
        wkb = bytes(line.wkb)
        order = "<" if wkb[0] == 1 else ">"
        out = list(struct.iter_unpack(order + "dd", wkb[9:]))
        return out[: len(coords)]


def in_benelux(lon: float, lat: float) -> bool:
    """Whether an EPSG:4326 lon/lat pair (degrees) lies in Belgium/the Netherlands."""
    return BENELUX.west <= lon <= BENELUX.east and BENELUX.south <= lat <= BENELUX.north


def nearest(queryset: QuerySet, field: str, point: Point, *, meters: float):
    """Rows within `meters` metres of an EPSG:4326 point, nearest first, `distance` in metres.

    The radius pre-filter lets both backends use their spatial index before ordering.
    """
    return with_distance(queryset.filter(within_distance(field, point, meters)), field, point)


def point_from_lonlat_sql(connection) -> str:
    """SQL for an EPSG:4326 point from two parameters (lon, lat), for bulk INSERT ... SELECT.

    PostGIS stores our points as geography; SpatiaLite as a 4326 geometry blob.
    """
    if connection.vendor == "postgresql":
        return "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography"
    return "MakePoint(%s, %s, 4326)"


def point_from_columns_sql(connection, lon_column: str, lat_column: str) -> str:
    """Like point_from_lonlat_sql, for two columns of a staging table (names are trusted)."""
    return point_from_lonlat_sql(connection) % (lon_column, lat_column)


# --- search: boxes from outside, distances that must not be exact ----------------------------

# Corner to corner, in metres: a city with its surroundings. A larger box is a view of a
# country or the world, which no map layer needs and which would read a whole table.
MAX_BBOX_DIAGONAL_M = 60_000


def make_bbox(west, south, east, north, *, max_diagonal_m: float = MAX_BBOX_DIAGONAL_M) -> BBox:
    """Validate a lon/lat box in EPSG:4326 degrees (west < east, south < north, no box that
    crosses the antimeridian) whose diagonal is at most `max_diagonal_m` metres."""
    try:
        west, south, east, north = (float(v) for v in (west, south, east, north))
    except (TypeError, ValueError) as exc:
        raise SpatialInputError(_("A bounding box is four numbers.")) from exc
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise SpatialInputError(_("A bounding box is four finite numbers."))
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise SpatialInputError(_("Longitude must be between -180 and 180."))
    if not (-90 <= south <= 90 and -90 <= north <= 90):
        raise SpatialInputError(_("Latitude must be between -90 and 90."))
    if not (west < east and south < north):
        raise SpatialInputError(
            _("A bounding box is west,south,east,north with west < east and south < north.")
        )
    bbox = BBox(west=west, south=south, east=east, north=north)
    if bbox_diagonal_m(bbox) > max_diagonal_m:
        raise SpatialInputError(
            _("The bounding box is too large: at most %(km)s km from corner to corner.")
            % {"km": f"{max_diagonal_m / 1000:g}"}
        )
    return bbox


def parse_bbox(text, *, max_diagonal_m: float = MAX_BBOX_DIAGONAL_M) -> BBox:
    """A box from "west,south,east,north" in EPSG:4326 degrees (RFC 7946's order)."""
    parts = str(text or "").split(",")
    if len(parts) != 4:
        raise SpatialInputError(_("A bounding box is four numbers: west,south,east,north."))
    return make_bbox(*parts, max_diagonal_m=max_diagonal_m)


def bbox_diagonal_m(bbox: BBox) -> float:
    """Great-circle metres from the south-west to the north-east corner of an EPSG:4326 box."""
    return great_circle_m(
        Point(bbox.west, bbox.south, srid=WGS84), Point(bbox.east, bbox.north, srid=WGS84)
    )


def bbox_around(point: Point, meters: float) -> BBox:
    """The EPSG:4326 box that holds every point within `meters` metres of the point.

    Exact on the sphere (the widest longitude of a spherical cap, not metres over cos(lat)),
    plus 1% for the ellipsoid, on which both backends measure: a box to pre-filter with
    through a spatial index, or to fit a map to, never a distance test itself.
    """
    angle = min(math.pi / 2, 1.01 * meters / EARTH_RADIUS_M)  # radians of arc
    dlat = math.degrees(angle)
    ratio = math.sin(angle) / max(math.cos(math.radians(point.y)), 1e-12)
    dlon = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio))
    return BBox(
        west=max(-180.0, point.x - dlon),
        south=max(-90.0, point.y - dlat),
        east=min(180.0, point.x + dlon),
        north=min(90.0, point.y + dlat),
    )


def bucket_distance(meters: float, *, bucket_m: int) -> int:
    """A distance in metres rounded up to a whole `bucket_m`: what may be shown of the
    distance to a private location, so that searches from several places cannot pin it."""
    return max(bucket_m, math.ceil(meters / bucket_m) * bucket_m)


# --- search: radius queries on the sphere, through the spatial index on both backends --------
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


class _InBox(Func):
    """True for rows whose geography/4326 column lies in the EPSG:4326 box around the point
    that holds every point within `meters` metres (bbox_around): the spatial index's part."""

    output_field = BooleanField()

    def __init__(self, field: str, point: Point, meters: float):
        super().__init__(F(field))
        self.point, self.meters = point, float(meters)

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError("within_sphere needs PostGIS or SpatiaLite.")

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        box = bbox_around(self.point, self.meters)
        box_wkt = (
            f"SRID={WGS84};POLYGON(({box.west!r} {box.south!r},{box.east!r} {box.south!r},"
            f"{box.east!r} {box.north!r},{box.west!r} {box.north!r},{box.west!r} {box.south!r}))"
        )
        return f"{column} && ST_GeogFromText(%s)", [*params, box_wkt]

    def as_sqlite(self, compiler, connection, **extra_context):
        target = self.source_expressions[0]
        box = bbox_around(self.point, self.meters)
        rowid = f"{connection.ops.quote_name(target.alias)}.ROWID"
        return (
            f"{rowid} IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = %s "
            f"AND f_geometry_column = %s AND search_frame = BuildMbr(%s, %s, %s, %s, {WGS84}))",
            [
                target.target.model._meta.db_table,
                target.target.column,
                box.west,
                box.south,
                box.east,
                box.north,
            ],
        )


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

    def as_sql(self, compiler, connection, **extra_context):
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
    point; order nearest first, ties by primary key. For pages of it, use nearest_rows()."""
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


@dataclass(frozen=True)
class NearestRows:
    rows: list[tuple[float, object]]  # (metres, primary key), nearest first, ties by key
    more: bool  # there are rows after these
    # All the rows, counted in the same pass when that costs nothing (SpatiaLite reads and
    # sorts every row of the radius anyway); None when not counted.
    total: int | None = None


def nearest_rows(
    queryset: QuerySet,
    field: str,
    point: Point,
    *,
    meters: float,
    start: int,
    end: int,
    name: str = "distance",
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
    if end <= start:
        return NearestRows(rows=[], more=False)
    if not _walks_index_nearest_first(queryset):
        ordered = nearest_first(queryset.filter(within_sphere(field, point, meters)), field, point)
        found = list(
            ordered.annotate(nearest_total=Window(Count("pk"))).values_list(
                name, "pk", "nearest_total"
            )[start : end + 1]
        )
        return NearestRows(
            rows=[(distance, pk) for distance, pk, _total in found[: end - start]],
            more=len(found) > end - start,
            total=found[0][2] if found else None,
        )
    walked = list(_walk(queryset, field, point, meters, name).values_list(name, "pk")[: end + 1])
    found = [row for row in walked if row[0] <= meters]
    more = len(found) > end
    if more and found[end][0] == found[end - 1][0]:
        tie = found[end][0]
        found = [row for row in found if row[0] < tie]
        found += (
            queryset.filter(within_sphere(field, point, max(tie, 1.0)))
            .annotate(**{name: _NearestDistance(field, point)})
            .filter(**{name: tie})
            .order_by("pk")
            .values_list(name, "pk")[: end - len(found)]
        )
    found.sort()
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


def spatialite_repair_indexes(connection, columns: Iterable[tuple[str, str]]) -> list[str]:
    """Rebuild the SpatiaLite R*Tree index of each (table, column) whose index is disabled.

    When a migration remakes a table on SQLite (adding a field with a default, say), Django
    restores the geometry column but leaves its spatial index disabled and no longer kept up
    to date by triggers; within_sphere() relies on it. Does nothing on other databases (the
    flag is Django's own: its SpatiaLite operations carry `spatialite = True`). Returns the
    tables repaired.
    """
    if not getattr(connection.ops, "spatialite", False):
        return []
    repaired = []
    with connection.cursor() as cursor:
        for table, column in columns:
            cursor.execute(
                "SELECT spatial_index_enabled FROM geometry_columns "
                "WHERE f_table_name = %s AND f_geometry_column = %s",
                [table.lower(), column.lower()],
            )
            row = cursor.fetchone()
            if row is None or row[0] == 1:
                continue
            cursor.execute(
                f"DROP TABLE IF EXISTS {connection.ops.quote_name(f'idx_{table}_{column}')}"
            )
            # Creates the R*Tree, fills it from the rows, and adds the triggers that keep it.
            cursor.execute("SELECT CreateSpatialIndex(%s, %s)", [table, column])
            repaired.append(table)
    return repaired
