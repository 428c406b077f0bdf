"""The spatial pieces of the search: radius on the sphere through the index, boxes from
outside, rounded distances, and the repair of SpatiaLite indexes after a table remake."""

import math
import random

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

import spatial
from activities.models import Activity
from buurt.models import Organisation
from neighbourhelp.models import HelpOffer
from tests.factories import ActivityFactory, OrganisationFactory
from tests.maps.search_places import HOME, crowd, offset, offsets

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


@pytest.fixture
def seeded_places():
    """130 organisations within 1 km of HOME, from a seeded generator, and ties: five at HOME
    itself (distance 0), six on one point 300 m north, four on one point 700 m east."""
    rng = random.Random(5)
    moves = [(rng.uniform(-700, 700), rng.uniform(-700, 700)) for _ in range(115)]
    moves += [(0, 0)] * 5 + [(300, 0)] * 6 + [(0, 700)] * 4
    points = offsets(HOME, moves)
    rng.shuffle(points)  # so that primary keys do not follow the distance
    return Organisation.objects.bulk_create(OrganisationFactory.build(point=p) for p in points)


def _exact_order(queryset) -> list[int]:
    """Primary keys by (ST_Distance on the sphere, key): the order before the KNN index."""
    measured = spatial.with_sphere_distance(queryset, "point", HOME)
    return list(measured.order_by("distance", "pk").values_list("pk", flat=True))


def test_nearest_first_is_the_exact_order(seeded_places):
    near = Organisation.objects.filter(spatial.within_sphere("point", HOME, 1_000))
    exact = _exact_order(near)
    assert len(exact) == 130
    nearest = spatial.nearest_first(near, "point", HOME)
    assert list(nearest.values_list("pk", flat=True)) == exact
    distances = list(nearest.values_list("distance", flat=True))
    assert distances[:5] == [0, 0, 0, 0, 0]
    assert distances == sorted(distances)


@pytest.mark.parametrize("meters", [600, 1_000])
@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, 25, 200])
def test_pages_of_nearest_keys_are_the_exact_order(seeded_places, size, meters):
    # Sizes that end pages inside every group of ties (at 0 m, 300 m and 700 m); 600 m leaves
    # out the group at 700 m and the corners of the box around the circle.
    exact = _exact_order(Organisation.objects.filter(spatial.within_sphere("point", HOME, meters)))
    paged, more = [], []
    for start in range(0, len(exact), size):
        found = spatial.nearest_keys(
            Organisation.objects.all(), "point", HOME, meters=meters, start=start, end=start + size
        )
        paged += [pk for _distance, pk in found.rows]
        more.append(found.more)
    assert paged == exact
    assert more == [True] * (len(more) - 1) + [False]
    assert spatial.nearest_keys(
        Organisation.objects.all(), "point", HOME, meters=meters, start=len(exact), end=999
    ) == spatial.NearestRows(rows=[], more=False)


def test_a_tie_across_the_end_of_a_page_costs_one_query(
    seeded_places, django_assert_max_num_queries
):
    everything = Organisation.objects.all()
    with django_assert_max_num_queries(2):
        found = spatial.nearest_keys(everything, "point", HOME, meters=1_000, start=0, end=3)
    # The five at HOME itself, in key order: the three smallest keys.
    at_home = sorted(o.pk for o in seeded_places if o.point.equals_exact(HOME, 1e-9))
    assert found.rows == [(0, pk) for pk in at_home[:3]]
    assert found.more
    with django_assert_max_num_queries(1):  # the group ends with the page
        spatial.nearest_keys(everything, "point", HOME, meters=1_000, start=0, end=5)


def test_occupied_asks_each_spatial_index_for_anything_in_the_box(
    django_assert_num_queries,
):
    OrganisationFactory(point=offset(HOME, north_m=500), status="draft")  # unpublished counts
    far = OrganisationFactory(point=offset(HOME, east_m=3_000))
    activity = ActivityFactory(organisation=far, point=far.point)
    places = [(Organisation, "point"), (Activity, "point"), (HelpOffer, "public_point")]
    with django_assert_num_queries(1):
        assert spatial.occupied(places, HOME, 600) == [True, False, False]
    # The box holds the circle, and a little more: 3 km east is in the box of 2,990 m.
    assert spatial.great_circle_m(activity.point, HOME) > 2_990
    assert spatial.occupied(places, HOME, 2_990) == [True, True, False]
    assert spatial.occupied(places, offset(HOME, north_m=-5_000), 1_000) == [False] * 3


@pytest.mark.parametrize(("start", "end"), [(0, 3), (0, 5), (0, 7), (2, 9), (0, 200)])
def test_rows_read_as_objects_are_the_same_rows(seeded_places, start, end):
    # (0, 3) and (2, 9) end inside a tie (five at HOME; six 300 m north), (0, 5) after it.
    everything = Organisation.objects.only("name", "point")
    bounds = {"meters": 1_000, "start": start, "end": end}
    keys = spatial.nearest_keys(everything, "point", HOME, **bounds)
    read = spatial.nearest_objects(everything, "point", HOME, **bounds)
    assert [(distance, obj.pk) for distance, obj in read.rows] == keys.rows
    assert (read.more, read.total) == (keys.more, keys.total)
    assert {type(obj) for _distance, obj in read.rows} == {Organisation}


def test_counting_the_nearest_stops_at_the_limit(seeded_places, django_assert_num_queries):
    everything = Organisation.objects.all()
    exact = _exact_order(everything.filter(spatial.within_sphere("point", HOME, 600)))
    with django_assert_num_queries(1):
        assert spatial.nearest_count(everything, "point", HOME, meters=600, limit=999) == len(exact)
    assert spatial.nearest_count(everything, "point", HOME, meters=600, limit=10) == 10
    # The nearest eight: the five at HOME and the three nearest after them (no ties there).
    some = Q(pk__in=[exact[0], exact[5], exact[7], exact[8]])  # the ninth is not looked at
    with django_assert_num_queries(1):
        tally = spatial.nearest_tally(
            everything, "point", HOME, meters=600, limit=8, condition=some
        )
    assert tally == (8, 3)
    widest = spatial.nearest_tally(everything, "point", HOME, meters=600, limit=999, condition=some)
    assert widest == (len(exact), 4)  # the box's corners are left out


def test_postgis_walks_its_index_nearest_first(postgis_only):
    # Enough rows, spread over ~3 km, for PostgreSQL to prefer the index to reading them all.
    crowd(3_000, spacing_m=0.5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE buurt_organisation")
    everything = Organisation.objects.all()
    with CaptureQueriesContext(connection) as page:
        spatial.nearest_keys(everything, "point", HOME, meters=800, start=0, end=25)
    with CaptureQueriesContext(connection) as count:
        # A limit well below the ~2,000 rows of the box, as 1,001 is at a million listings.
        spatial.nearest_count(everything, "point", HOME, meters=800, limit=101)
    for query in (page.captured_queries[0], count.captured_queries[0]):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + query["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Index Scan using buurt_organisation_point" in plan
        assert "Order By: (point <-> " in plan
        assert "Sort" not in plan


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
