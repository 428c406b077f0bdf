"""The spatial module on both backends, with landmarks in Gent at known distances.

Expected distances come from the haversine formula on the WGS 84 mean radius; PostGIS measures
on the spheroid and SpatiaLite on its own model, so they agree to well under 1%.
"""

import math

import pytest
from django.contrib.gis.geos import Point
from hypothesis import given
from hypothesis import strategies as st

import spatial
from buurt.models import Neighbourhood, Organisation
from tests.factories import KORENMARKT, NeighbourhoodFactory, OrganisationFactory, box

pytestmark = pytest.mark.django_db

GRAVENSTEEN = Point(3.7207, 51.0572, srid=4326)  # ~331 m north of the Korenmarkt
SINT_BAAFS = Point(3.7269, 51.0531, srid=4326)  # ~527 m east
STATION_SINT_PIETERS = Point(3.7106, 51.0357, srid=4326)  # ~2.16 km south


def north_of(point: Point, meters: float) -> Point:
    """A point `meters` due north on the mean sphere (1° of latitude = 111,195 m)."""
    return Point(point.x, point.y + meters / (math.pi * spatial.EARTH_RADIUS_M / 180), srid=4326)


@pytest.fixture
def landmarks():
    return {
        name: OrganisationFactory(name=name, point=point)
        for name, point in {
            "gravensteen": GRAVENSTEEN,
            "sint-baafs": SINT_BAAFS,
            "station": STATION_SINT_PIETERS,
        }.items()
    }


def test_known_distances_agree_with_haversine():
    assert spatial.great_circle_m(KORENMARKT, GRAVENSTEEN) == pytest.approx(331, abs=5)
    assert spatial.great_circle_m(KORENMARKT, SINT_BAAFS) == pytest.approx(527, abs=5)
    assert spatial.great_circle_m(KORENMARKT, STATION_SINT_PIETERS) == pytest.approx(2162, abs=10)


def test_near_keeps_only_points_within_the_radius(landmarks):
    # 400 m: the Gravensteen (331 m) is in, the cathedral (527 m) is out.
    names = [o.name for o in Organisation.objects.near(KORENMARKT, meters=400)]
    assert names == ["gravensteen"]
    names = [o.name for o in Organisation.objects.near(KORENMARKT, meters=600)]
    assert names == ["gravensteen", "sint-baafs"]


def test_near_orders_nearest_first_and_annotates_metres(landmarks):
    found = list(Organisation.objects.near(KORENMARKT, meters=5000))
    assert [o.name for o in found] == ["gravensteen", "sint-baafs", "station"]
    for organisation in found:
        expected = spatial.great_circle_m(KORENMARKT, organisation.point)
        assert spatial.distance_m(organisation.distance) == pytest.approx(expected, rel=0.01)


@pytest.mark.parametrize(("radius", "found"), [(790, False), (810, True)])
def test_radius_edge_is_measured_in_metres(radius, found):
    # 800 m north: a degrees/metres mix-up would put it millions of metres in or out.
    OrganisationFactory(point=north_of(KORENMARKT, 800))
    assert Organisation.objects.near(KORENMARKT, meters=radius).exists() is found


def test_containing_finds_the_neighbourhood_of_a_point():
    centre = NeighbourhoodFactory(code="centrum", boundary=box(3.70, 51.045, 3.74, 51.065))
    NeighbourhoodFactory(code="zuid", boundary=box(3.70, 51.025, 3.74, 51.045))
    assert list(Neighbourhood.objects.containing(KORENMARKT)) == [centre]
    assert Neighbourhood.objects.containing(STATION_SINT_PIETERS).get().code == "zuid"
    assert not Neighbourhood.objects.containing(Point(4.40, 51.22, srid=4326)).exists()  # Antwerp


def test_in_bbox_selects_points_inside_the_box(landmarks):
    bbox = spatial.BBox(west=3.715, south=51.050, east=3.730, north=51.060)
    assert {o.name for o in Organisation.objects.in_bbox(bbox)} == {"gravensteen", "sint-baafs"}


def test_coarsen_is_deterministic_and_within_half_a_cell_diagonal():
    coarse = spatial.coarsen(KORENMARKT, cell_m=250)
    assert coarse == spatial.coarsen(KORENMARKT, cell_m=250)
    # The centre of a 250 m cell is at most 250·√2/2 ≈ 177 m from any point in it.
    assert spatial.great_circle_m(KORENMARKT, coarse) <= 177 + 1
    # Every point of the same cell gives the same public point: nothing to average out.
    centre = coarse.transform(spatial.LAEA_EUROPE, clone=True)
    for dx, dy in [(-100, -100), (-100, 100), (100, -100), (100, 100), (0, 0)]:
        same_cell = Point(centre.x + dx, centre.y + dy, srid=spatial.LAEA_EUROPE)
        assert spatial.coarsen(same_cell.transform(4326, clone=True), cell_m=250) == coarse
    # ... and a point in the next cell does not.
    next_cell = Point(centre.x + 250, centre.y, srid=spatial.LAEA_EUROPE).transform(
        4326, clone=True
    )
    assert spatial.coarsen(next_cell, cell_m=250) != coarse


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(91, 3.7), (-91, 3.7), (51, 181), ("nan", 3.7), (51, "inf"), ("abc", 3.7), (None, 3.7)],
)
def test_make_point_rejects_impossible_coordinates(lat, lon):
    with pytest.raises(spatial.SpatialInputError):
        spatial.make_point(lat=lat, lon=lon)


def test_make_point_puts_longitude_on_x():
    point = spatial.make_point(lat="51.0543", lon="3.7196")
    assert (point.x, point.y, point.srid) == (3.7196, 51.0543, 4326)


@pytest.mark.parametrize("radius", [0, -5, "nan", "inf", 1e9, "ten"])
def test_make_radius_rejects_absurd_values(radius):
    with pytest.raises(spatial.SpatialInputError):
        spatial.make_radius(radius)


@given(lat=st.floats(-90, 90), lon=st.floats(-180, 180))
def test_make_point_accepts_every_valid_coordinate(lat, lon):
    point = spatial.make_point(lat=lat, lon=lon)
    assert (point.y, point.x) == (lat, lon)


def test_walking_minutes_match_the_presets():
    assert [spatial.walking_minutes(m) for m in (400, 800, 1200, 2400)] == [5, 10, 15, 30]
    assert spatial.walking_minutes(650) == 9
