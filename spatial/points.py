"""Points, boxes and distances in EPSG:4326, in metres, without SQL: validating what comes
from outside (a latitude, a radius, a map's box), measuring on the sphere, coarsening a
private location, and saying a distance in words."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.contrib.gis.geos import Point, Polygon
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


def to_laea(point: Point) -> Point:
    """A copy of an EPSG:4326 point in EPSG:3035 (LAEA Europe), x and y in metres."""
    laea = point.clone()
    laea.transform(LAEA_EUROPE)
    return laea


def distance_text(meters: float | None) -> str:
    """Metres in words for a reader: 650 -> "650 m", 1234 -> "1.2 km" (in the reader's number
    format; at least 10 m, to the 10 m below a kilometre); "" for None."""
    if meters is None:
        return ""
    if meters < 1000:
        return _("%(meters)d m") % {"meters": max(10, round(meters / 10) * 10)}
    # Rounded first: number_format cuts decimals off rather than rounding them.
    return _("%(km)s km") % {"km": number_format(round(meters / 1000, 1), 1)}


def walking_text(minutes: int | None) -> str:
    """Walking minutes (walking_minutes()) in words: "±9 min walk"; "" for None."""
    if minutes is None:
        return ""
    return ngettext("±%(minutes)d min walk", "±%(minutes)d min walk", minutes) % {
        "minutes": minutes
    }


def coarsen(point: Point, *, cell_m: int = 250) -> Point:
    """Snap an EPSG:4326 point to the centre of its `cell_m`-metre grid cell in EPSG:3035.

    Deterministic, so the coarse point is computed once and stored: repeated random noise
    would average out and reveal the exact location.
    """
    laea = to_laea(point)
    x = (math.floor(laea.x / cell_m) + 0.5) * cell_m
    y = (math.floor(laea.y / cell_m) + 0.5) * cell_m
    centre = Point(x, y, srid=LAEA_EUROPE)
    centre.transform(WGS84)
    return Point(round(centre.x, 6), round(centre.y, 6), srid=WGS84)


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
    lon, lat = point.x, point.y  # each a few GEOS calls: read once
    angle = min(math.pi / 2, 1.01 * meters / EARTH_RADIUS_M)  # radians of arc
    dlat = math.degrees(angle)
    ratio = math.sin(angle) / max(math.cos(math.radians(lat)), 1e-12)
    dlon = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio))
    return BBox(
        west=max(-180.0, lon - dlon),
        south=max(-90.0, lat - dlat),
        east=min(180.0, lon + dlon),
        north=min(90.0, lat + dlat),
    )


def bucket_distance(meters: float, *, bucket_m: int) -> int:
    """A distance in metres rounded up to a whole `bucket_m`: what may be shown of the
    distance to a private location, so that searches from several places cannot pin it."""
    return max(bucket_m, math.ceil(meters / bucket_m) * bucket_m)


# Belgium, the Netherlands and a margin, in EPSG:4326 degrees: an address outside it is a
# swapped axis or a wrong coordinate system, not a real address.
BENELUX = BBox(west=2.0, south=49.0, east=7.5, north=54.0)


def in_benelux(lon: float, lat: float) -> bool:
    """Whether an EPSG:4326 lon/lat pair (degrees) lies in Belgium/the Netherlands."""
    return BENELUX.west <= lon <= BENELUX.east and BENELUX.south <= lat <= BENELUX.north
