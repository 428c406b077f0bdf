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

import math
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon
from django.db.models import Q, QuerySet

WGS84 = 4326
LAEA_EUROPE = 3035  # metres; used for grid snapping

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
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2
    ) ** 2
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


def to_wgs84_multipolygon(geom: GEOSGeometry) -> MultiPolygon:
    """Reproject any (multi)polygon to EPSG:4326 (x=lon), repairing invalid rings.

    The source SRS must be set on `geom` (from the file's .prj or the GeoPackage).
    """
    if geom.srid and geom.srid != WGS84:
        geom = geom.transform(WGS84, clone=True)
    if not geom.valid:
        geom = geom.make_valid()
    if geom.geom_type == "GeometryCollection":
        # make_valid may split a bow-tie into polygons plus stray lines: keep the areas.
        polygons = [g for g in geom if g.geom_type in ("Polygon", "MultiPolygon")]
        geom = polygons[0] if len(polygons) == 1 else MultiPolygon(
            [p for g in polygons for p in (g if g.geom_type == "MultiPolygon" else [g])]
        )
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom)
    if geom.geom_type != "MultiPolygon":
        raise SpatialInputError(f"Expected a polygon, got {geom.geom_type}.")
    geom.srid = WGS84
    return geom

