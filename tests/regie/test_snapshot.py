"""A snapshot computed in the database, on PostGIS and SpatiaLite, over real geometries.

Distances: at latitude 51.046 one degree of longitude is 111,195 m x cos(51.046°) = 69,925 m
on the sphere both databases measure on, so 0.00286° of longitude west is 200 m.
"""

import datetime

import pytest
from django.utils import timezone

from buurt.models import Organisation
from regie.models import AddressBasis, AreaFigures, GridPoint
from regie.services import snapshot_take
from tests.factories import (
    HelpOfferFactory,
)

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
