"""Geometry in memory: drawing on a Leaflet map, Voronoi cells, point-in-area without a query,
and scattered points for synthetic data."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import GEOSGeometry, MultiPoint, MultiPolygon, Point, Polygon
from django.utils.translation import gettext as _

from .points import LAEA_EUROPE, WGS84, BBox, SpatialInputError, to_laea
from .reproject import to_wgs84_multipolygon

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


@dataclass(frozen=True)
class Sketch:
    """Points placed on a drawing of `width` × `height` units, north up, at one scale:
    `positions` (x, y) in the order given (y grows downwards, as in SVG), and a scale bar of
    `bar_m` metres that is `bar_units` long."""

    positions: list[tuple[float, float]]
    bar_m: int
    bar_units: float


def sketch(points: Sequence[Point], *, width: float, height: float, margin: float) -> Sketch:
    """Lay EPSG:4326 points out on a drawing (a map without tiles, for paper and for pages
    without JavaScript): projected to EPSG:3035 (metres, north up, equal scale both ways) and
    fitted inside the margin. One point alone sits in the middle."""
    laea = [to_laea(point) for point in points]
    xs, ys = [p.x for p in laea], [p.y for p in laea]
    span_x, span_y = (max(xs) - min(xs), max(ys) - min(ys)) if laea else (0.0, 0.0)
    # Units per metre; at least 100 m across, so that one point or a tight group stays a group.
    scale = min((width - 2 * margin) / max(span_x, 100), (height - 2 * margin) / max(span_y, 100))
    centre_x = (max(xs) + min(xs)) / 2 if laea else 0.0
    centre_y = (max(ys) + min(ys)) / 2 if laea else 0.0
    positions = [
        (
            round(width / 2 + (p.x - centre_x) * scale, 1),
            round(height / 2 - (p.y - centre_y) * scale, 1),
        )
        for p in laea
    ]
    # The longest round distance (1, 2 or 5 times a power of ten) that fits a quarter width.
    longest = width / 4 / scale
    bar_m = max(
        step * 10**power
        for power in range(0, 6)
        for step in (1, 2, 5)
        if step * 10**power <= max(longest, 1)
    )
    return Sketch(positions=positions, bar_m=bar_m, bar_units=round(bar_m * scale, 1))


def geojson_geometry(geom: Point | Polygon | MultiPolygon, *, decimals: int = 5) -> dict:
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
    metric_sites = [to_laea(site) for site in sites]
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
    metric_centres = [to_laea(centre) for centre in centres]
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
