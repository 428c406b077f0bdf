"""The helpers in spatial that prepare geometry for drawing on a Leaflet map."""

from django.contrib.gis.geos import Point

import spatial
from tests.factories import KORENMARKT, box

STATION_DAMPOORT = Point(3.7404, 51.0563, srid=4326)


def test_latlng_puts_latitude_first():
    assert spatial.latlng(KORENMARKT) == [51.0543, 3.7196]
    assert spatial.latlng(Point(3.71962345678, 51.05431234567, srid=4326)) == [51.054312, 3.719623]


def test_extent_covers_points_and_polygons():
    bbox = spatial.extent([box(3.70, 51.045, 3.74, 51.065), STATION_DAMPOORT, None])
    assert bbox == spatial.BBox(west=3.70, south=51.045, east=3.7404, north=51.065)


def test_extent_of_a_single_point_is_that_point():
    assert spatial.extent([KORENMARKT]) == spatial.BBox(3.7196, 51.0543, 3.7196, 51.0543)


def test_extent_of_nothing_is_none():
    assert spatial.extent([]) is None
    assert spatial.extent([None]) is None


def test_geojson_geometry_rounds_to_about_a_metre():
    geometry = spatial.geojson_geometry(box(3.700001234, 51.045004321, 3.74, 51.065))
    assert geometry["type"] == "MultiPolygon"
    ring = geometry["coordinates"][0][0]
    assert ring[0] == [3.7, 51.045]  # x (longitude) first, as GeoJSON wants
    assert len(ring) == 5
    assert spatial.geojson_geometry(STATION_DAMPOORT) == {
        "type": "Point",
        "coordinates": [3.7404, 51.0563],
    }
