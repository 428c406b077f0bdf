"""A snapshot computed in the database, on PostGIS and SpatiaLite, over real geometries.

Distances: at latitude 51.046 one degree of longitude is 111,195 m x cos(51.046°) = 69,925 m
on the sphere both databases measure on, so 0.00286° of longitude west is 200 m.
"""

import datetime
import random

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from activities.models import Activity, Occurrence
from buurt.models import Organisation
from regie.indicators import ACTIVITY_REACH_HORIZON, DISTANCES
from regie.models import AddressBasis, AreaFigures, GridPoint
from regie.services import snapshot_take
from spatial.reach import Listings, reach_counts, reach_points_prepare
from tests.factories import (
    ActivityFactory,
    AddressFactory,
    HelpOfferFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    box,
)

from .conftest import PLACE, west_of_place

pytestmark = pytest.mark.django_db


def figures(neighbourhood):
    return AreaFigures.objects.get(neighbourhood=neighbourhood)


def test_reach_counts_addresses_within_each_walking_distance(town):
    a, _b = town

    snapshot_take(today=datetime.date(2026, 12, 1))

    row = figures(a)
    assert (row.address_basis, row.points) == (AddressBasis.GAZETTEER, 4)
    # 200 m is within 400; 600 within 800; 1,000 within 1,200; 2,000 m is out of every reach.
    assert row.reach["reduced_rate_come_alone"] == {"400": 1, "800": 2, "1200": 3}
    # The sports club 50 m from the furthest address reaches it for "any association".
    assert row.reach["any"] == {"400": 2, "800": 3, "1200": 4}
    assert row.reach["peer_group"] == {"400": 1, "800": 2, "1200": 3}
    assert row.reach["wheelchair"] == {"400": 0, "800": 0, "1200": 0}


def test_an_area_without_addresses_is_measured_on_a_100_m_grid(town):
    _a, b = town

    snapshot_take()

    row = figures(b)
    assert row.address_basis == AddressBasis.GRID
    # 0.01° x 0.01° at 51.05° is about 700 m x 1,112 m = 0.78 km², about 78 cells of 1 ha.
    assert 65 <= row.points <= 90
    assert GridPoint.objects.filter(neighbourhood=b).count() == row.points
    # The association at 3.738 is 140 m west of B's edge: B's west part is within 400 m.
    reached = row.reach["reduced_rate_come_alone"]
    assert 0 < reached["400"] < reached["800"] <= reached["1200"] <= row.points


def test_counts_by_kind_model_and_flag(town):
    a, _b = town

    snapshot_take()

    counts = figures(a).counts
    assert counts["organisations"] == 2
    assert (counts["kind_culture"], counts["kind_sports"]) == (1, 1)
    assert counts["model_peers"] == 1
    assert (counts["reduced_rate"], counts["welcome_person"], counts["wheelchair"]) == (1, 1, 0)


def test_people_counts_under_5_are_stored_as_fewer_than_5(town):
    a, b = town
    for _ in range(4):
        HelpOfferFactory(neighbourhood=a)
    for _ in range(5):
        HelpOfferFactory(neighbourhood=b)

    snapshot_take()

    assert figures(a).counts["help_offers"] is None
    assert figures(b).counts["help_offers"] == 5


def test_taking_a_snapshot_again_the_same_day_replaces_it(town):
    snapshot_take(today=datetime.date(2026, 12, 1))
    snapshot_take(today=datetime.date(2026, 12, 1))

    assert AreaFigures.objects.count() == 2


def test_beat_takes_a_snapshot_monthly_through_the_task(town, settings):
    from regie.tasks import snapshot_take_task

    entry = settings.CELERY_BEAT_SCHEDULE["regie-snapshot"]
    assert entry["task"] == snapshot_take_task.name
    assert entry["schedule"].day_of_month == {1}

    snapshot_take_task.delay()

    assert AreaFigures.objects.count() == 2


def test_freshness_counts_listings_confirmed_in_the_last_12_months(town):
    from regie.selectors import freshness_share

    a, _b = town
    today = datetime.date(2026, 12, 1)
    Organisation.objects.filter(neighbourhood=a, kind="culture").update(
        assured_on=today - datetime.timedelta(days=30)
    )
    Organisation.objects.filter(neighbourhood=a, kind="sports").update(
        assured_on=today - datetime.timedelta(days=400)
    )

    snapshot_take(today=today, now=timezone.make_aware(datetime.datetime(2026, 12, 1, 12)))

    row = figures(a)
    assert (row.counts["organisations"], row.counts["listings_confirmed"]) == (2, 1)
    assert freshness_share(row) == 50


def test_the_command_takes_a_snapshot_on_demand(town):
    from io import StringIO

    from django.core.management import call_command
    from django.utils import translation

    out = StringIO()
    with translation.override("en"):
        call_command("regie_snapshot", stdout=out)

    assert AreaFigures.objects.count() == 2
    assert ": 2 neighbourhoods in " in out.getvalue()


def _next_sunday_at_10(now):
    local = timezone.localtime(now)
    days = (6 - local.weekday()) % 7 or 7
    day = (local + datetime.timedelta(days=days)).date()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _at(activity, point):
    """Put an activity at another address's point, as placing that address would."""
    Activity.objects.filter(pk=activity.pk).update(point=point, venue=Activity.Venue.ADDRESS)


def test_sunday_and_activities_count_as_listings_at_their_place(town):
    a, _b = town
    welcoming = Organisation.objects.get(point=PLACE)
    sunday = _next_sunday_at_10(timezone.now())
    # Every Sunday at the association's own place: 200, 600 and 1,000 m away.
    ActivityFactory(
        organisation=welcoming,
        starts_at=sunday,
        ends_at=sunday + datetime.timedelta(hours=2),
        rrule="FREQ=WEEKLY;BYDAY=SU",
    )
    # At the furthest address, wheelchair accessible, on a Saturday: reaches it (and, 1,000 m
    # away, the address at 1,000 m) for "wheelchair", not for Sunday.
    saturday = sunday - datetime.timedelta(days=1)
    _at(
        ActivityFactory(
            organisation=welcoming,
            starts_at=saturday,
            ends_at=saturday + datetime.timedelta(hours=2),
            wheelchair_accessible=True,
        ),
        west_of_place(2_000),
    )
    # Sundays there too, but only after the horizon, or cancelled: neither counts.
    later = sunday + ACTIVITY_REACH_HORIZON + datetime.timedelta(days=7)
    _at(
        ActivityFactory(
            organisation=welcoming, starts_at=later, ends_at=later + datetime.timedelta(hours=1)
        ),
        west_of_place(2_000),
    )
    cancelled = ActivityFactory(
        organisation=welcoming, starts_at=sunday, ends_at=sunday + datetime.timedelta(hours=1)
    )
    _at(cancelled, west_of_place(2_000))
    Occurrence.objects.filter(activity=cancelled).update(is_cancelled=True)

    snapshot_take()

    row = figures(a)
    assert row.reach["sunday"] == {"400": 1, "800": 2, "1200": 3}
    assert row.reach["wheelchair"] == {"400": 1, "800": 1, "1200": 2}
    # The association alone reaches 3 for "reduced rate and come alone"; the Saturday
    # activity is free but promises no "come alone": still 3.
    assert row.reach["reduced_rate_come_alone"] == {"400": 1, "800": 2, "1200": 3}


def test_addresses_sharing_a_point_are_each_counted(town):
    a, _b = town
    # Three more flats in the building 200 m away (one point): 7 addresses, 4 within 400 m.
    for _ in range(3):
        AddressFactory(point=west_of_place(200))

    snapshot_take()

    row = figures(a)
    assert row.points == 7
    assert row.reach["reduced_rate_come_alone"] == {"400": 4, "800": 5, "1200": 6}


def test_reach_counts_as_the_old_per_address_walk_did_on_a_random_town():
    """The old spatial.reach (tests/regie/old_reach.py: one index walk or EXISTS per address
    and filter) and the new one (each distinct point once) count the same, per area and band,
    on random addresses and listings, many sharing a point."""
    from django.db import connection

    from regie import services
    from regie.indicators import REACH_FILTERS

    from .old_reach import old_reach_counts

    rng = random.Random(7)
    NeighbourhoodFactory(code="W", boundary=box(3.70, 51.03, 3.73, 51.05))
    NeighbourhoodFactory(code="E", boundary=box(3.72, 51.03, 3.76, 51.06))  # overlaps W
    # Buildings in 12 quarters about 150 m across (so that cells of 100 m hold several).
    quarters = [(rng.uniform(3.69, 3.77), rng.uniform(51.02, 51.07)) for _ in range(12)]
    buildings = []
    for _ in range(250):
        x, y = rng.choice(quarters)
        buildings.append(Point(rng.gauss(x, 0.002), rng.gauss(y, 0.0013), srid=4326))
    for _ in range(500):
        AddressFactory(point=rng.choice(buildings).clone())
    for index in range(60):
        OrganisationFactory(
            point=Point(rng.uniform(3.69, 3.77), rng.uniform(51.02, 51.07), srid=4326),
            reduced_rate=rng.random() < 0.5,
            welcome_person=rng.random() < 0.5,
            wheelchair_accessible=rng.random() < 0.3,
            kind=rng.choice([Organisation.Kind.PEER_GROUP, Organisation.Kind.SPORTS]),
            status=Organisation.Status.PUBLISHED if index % 10 else Organisation.Status.DRAFT,
        )
    services._reach_points()
    now = timezone.now()
    *_rest, organisations = services._tables()
    rows = []
    for reach_filter in REACH_FILTERS:
        if not reach_filter.organisations:
            continue
        ids = Organisation.objects.on_map().filter(reach_filter.organisations(now))
        ids_sql, ids_params = ids.order_by().values("pk").query.sql_with_params()
        old = old_reach_counts(
            connection,
            points_sql=services._points_sql(),
            listings=organisations,
            listing_ids_sql=ids_sql,
            listing_ids_params=ids_params,
            bands=DISTANCES,
        )
        reach_points_prepare(connection, services._points_sql())
        new = reach_counts(
            connection, listings=[Listings(organisations, ids_sql, ids_params)], bands=DISTANCES
        )
        assert new == old, reach_filter.code
        rows.extend(new.values())
    # Both areas, in five filters, and somewhere every band tells points apart.
    assert len(rows) == 10
    assert any(0 < row[1] < row[2] < row[3] < row[0] for row in rows)
