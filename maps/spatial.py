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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.gdal import CoordTransform, OGRGeometry, SpatialReference
from django.contrib.gis.gdal.error import GDALException, SRSException
from django.contrib.gis.geos import GEOSGeometry, MultiPoint, MultiPolygon, Point, Polygon
from django.db.models import Q, QuerySet
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
        raise SpatialInputError("Latitude and longitude must be numbers.") from exc
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise SpatialInputError("Latitude and longitude must be finite numbers.")
    if not -90 <= lat <= 90:
        raise SpatialInputError("Latitude must be between -90 and 90.")
    if not -180 <= lon <= 180:
        raise SpatialInputError("Longitude must be between -180 and 180.")
    return Point(lon, lat, srid=WGS84)


def make_radius(meters: float, *, maximum: float = MAX_RADIUS_M) -> float:
    """Validate a search radius in metres (0 < r <= maximum)."""
    try:
        meters = float(meters)
    except (TypeError, ValueError) as exc:
        raise SpatialInputError("The radius must be a number of metres.") from exc
    if not math.isfinite(meters) or meters <= 0:
        raise SpatialInputError("The radius must be a positive number of metres.")
    if meters > maximum:
        raise SpatialInputError(f"The radius can be at most {maximum:g} metres.")
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
