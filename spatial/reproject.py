"""From other coordinate systems to EPSG:4326: a file's boundaries, a million addresses."""

from __future__ import annotations

import functools
import struct

from django.contrib.gis.gdal import CoordTransform, OGRGeometry, SpatialReference
from django.contrib.gis.gdal.error import GDALException, SRSException
from django.contrib.gis.geos import GeometryCollection, GEOSGeometry, MultiPolygon, Polygon
from django.utils.translation import gettext as _

from .points import WGS84, SpatialInputError

LAMBERT_72 = 31370  # Belgian Lambert 72, metres (BeST, Basisregisters Vlaanderen)
LAMBERT_2008 = 3812  # Belgian Lambert 2008, metres (newer BeST files)
RD_NEW = 28992  # Dutch Rijksdriehoekstelsel, metres (BAG, PDOK)


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
        srs = geom.srs
        if srs is None:
            raise SpatialInputError(_("The geometry has no coordinate system."))
        flat: OGRGeometry = geom.clone()
        flat.set_3d(False)  # the boundary columns are 2D; a PolygonZ would not fit
        flat.transform(_to_wgs84(srs.wkt))
        geom = flat.geos
    elif geom.srid and geom.srid != WGS84:
        geom = geom.transform(WGS84, clone=True)
    if geom.empty:
        raise SpatialInputError(_("The boundary is empty."))
    if not geom.valid:
        geom = geom.make_valid()
    if type(geom) is GeometryCollection:
        # make_valid may split a bow-tie into polygons plus stray lines: keep the areas.
        polygons: list[GEOSGeometry] = []
        for part in geom:
            if isinstance(part, MultiPolygon):
                polygons.extend(part)
            elif isinstance(part, Polygon):
                polygons.append(part)
        if not polygons:
            raise SpatialInputError(_("The boundary has no area."))
        geom = MultiPolygon(polygons)
    if isinstance(geom, Polygon):
        geom = MultiPolygon(geom)
    if not isinstance(geom, MultiPolygon):
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


class LonLatTransformer:
    """Reproject many (x, y) pairs from one EPSG coordinate system to EPSG:4326 (lon, lat).

    The PROJ pipeline is built once per instance, and coordinates are sent to GDAL in batches
    as one line string, so a million-row import does not create a million geometry objects.
    Django's SpatialReference uses the traditional GIS axis order: x=easting/lon, y=northing/lat.
    """

    def __init__(self, srid: int):
        self.srid = srid
        self._source = SpatialReference(srid)
        self._transform = (
            None if srid == WGS84 else CoordTransform(self._source, SpatialReference(WGS84))
        )

    def __call__(self, coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
        if self._transform is None or not coords:
            return list(coords)
        # A line string needs two points; a lone point is sent twice.
        points = coords if len(coords) > 1 else [coords[0], coords[0]]
        line = OGRGeometry(
            "LINESTRING (" + ",".join(f"{x!r} {y!r}" for x, y in points) + ")",
            srs=self._source,
        )
        line.transform(self._transform)
        # WKB of a 2D line string: byte order (1), type (4), count (4), then x/y doubles.
        wkb = bytes(line.wkb)
        order = "<" if wkb[0] == 1 else ">"
        out = list(struct.iter_unpack(order + "dd", wkb[9:]))
        return out[: len(coords)]
