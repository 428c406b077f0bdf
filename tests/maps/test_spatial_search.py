"""The spatial pieces of the search: radius on the sphere through the index, boxes from
outside, rounded distances, and the repair of SpatiaLite indexes after a table remake."""

import math

import pytest
from django.db import connection

from buurt.models import Organisation
from maps import spatial
from tests.factories import OrganisationFactory
from tests.maps.search_places import HOME, offset

pytestmark = pytest.mark.django_db


def test_within_sphere_finds_what_the_ellipsoid_finds_and_measures_the_same():
    # Rings of points at 100..1,900 m; none within 1% of the 1,000 m radius, where the sphere
    # and the ellipsoid may disagree.
    for distance in range(100, 2000, 200):
        for bearing in range(0, 360, 45):
            OrganisationFactory(
                point=offset(
                    HOME,
                    north_m=distance * math.cos(math.radians(bearing)),
                    east_m=distance * math.sin(math.radians(bearing)),
                )
            )
    near = Organisation.objects.filter(spatial.within_sphere("point", HOME, 1000))
    exact = Organisation.objects.filter(spatial.within_distance("point", HOME, 1000))
    assert near.count() == exact.count() == 5 * 8
    for organisation in spatial.with_sphere_distance(near, "point", HOME):
        assert organisation.distance == pytest.approx(
            spatial.great_circle_m(organisation.point, HOME), rel=0.005
        )


def test_the_distance_to_the_point_itself_is_zero():
    OrganisationFactory(point=HOME.clone())
    found = spatial.with_sphere_distance(
        Organisation.objects.filter(spatial.within_sphere("point", HOME, 1)), "point", HOME
    )
    assert [o.distance for o in found] == [0]


def test_a_disabled_spatialite_index_is_repaired():
    if connection.features.supports_geography:
        pytest.skip("SpatiaLite's R*Tree index")
    with connection.cursor() as cursor:
        cursor.execute("SELECT DisableSpatialIndex('buurt_organisation', 'point')")
    OrganisationFactory(point=offset(HOME, north_m=50))
    assert not Organisation.objects.filter(spatial.within_sphere("point", HOME, 100)).exists()
    columns = [("buurt_organisation", "point"), ("buurt_neighbourhood", "boundary")]
    assert spatial.spatialite_repair_indexes(connection, columns) == ["buurt_organisation"]
    assert Organisation.objects.filter(spatial.within_sphere("point", HOME, 100)).count() == 1
    OrganisationFactory(point=offset(HOME, north_m=60))  # kept up to date by its triggers
    assert Organisation.objects.filter(spatial.within_sphere("point", HOME, 100)).count() == 2
    assert spatial.spatialite_repair_indexes(connection, columns) == []


def test_the_repair_does_nothing_on_postgis(postgis_only):
    assert spatial.spatialite_repair_indexes(connection, [("buurt_organisation", "point")]) == []


@pytest.mark.parametrize(
    "text",
    [
        "-180,-90,180,90",
        "3.0,50.0,5.0,52.0",
        "3.75,51.0,3.70,51.1",
        "3.7,51.1,3.75,51.0",
        "3.7,51.0,3.75",
        "3.7,51.0,3.75,51.1,1",
        "3.7,51.0,3.75,inf",
        "3.7,51.0,3.75,nan",
        "3.7,51.0,181,51.1",
        "3.7,-91,3.75,51.1",
        "",
        None,
    ],
)
def test_bad_boxes(text):
    with pytest.raises(spatial.SpatialInputError):
        spatial.parse_bbox(text)


def test_a_city_box():
    box = spatial.parse_bbox("3.65,51.00,3.80,51.10")
    assert (box.west, box.south, box.east, box.north) == (3.65, 51.0, 3.8, 51.1)
    # 10.5 km east-west by 11.1 km north-south at 51 degrees: about 15 km corner to corner.
    assert spatial.bbox_diagonal_m(box) == pytest.approx(15_300, rel=0.02)


@pytest.mark.parametrize(
    ("meters", "rounded"), [(0, 250), (1, 250), (250, 250), (251, 500), (1_234.5, 1_250)]
)
def test_private_distances_are_rounded_up(meters, rounded):
    assert spatial.bucket_distance(meters, bucket_m=250) == rounded
