import datetime
import importlib

import pytest
from django.apps import apps as django_apps

from activities import recurrence
from activities.demo import activities_demo_seed
from activities.models import Activity, Registration
from tests.factories import ActivityFactory, OrganisationFactory, UserFactory, brussels

pytestmark = pytest.mark.django_db


def test_demo_activities_are_varied_and_idempotent():
    # Associations outside the demo's table get what their kind does (test_demo_buurt.py
    # checks the seeded demo as a whole).
    for kind in ("culture", "peer_group", "public_service", "service_centre", "language_cafe"):
        OrganisationFactory(is_demo=True, kind=kind)
    created = activities_demo_seed()
    assert created == Activity.objects.count() == 5
    activities = Activity.objects.public()
    assert activities.filter(rrule="").exists()  # one-off
    assert activities.filter(rrule__contains="WEEKLY").exclude(exception_dates=[]).exists()
    assert activities.filter(rrule__contains="MONTHLY").exists()
    assert activities.filter(reduced_rate=True).exists()
    assert activities.exclude(welcome_person_name="").exists()
    activities_demo_seed()
    assert Activity.objects.count() == created


def test_the_first_monday_of_the_month_starts_on_a_first_monday():
    OrganisationFactory(is_demo=True, kind="peer_group")
    # From Tuesday 8 December 2026 the next Monday is the 14th, a second Monday: the peer
    # group starts on Monday 4 January 2027, the first Monday its rule gives.
    activities_demo_seed(today=datetime.date(2026, 12, 8))
    group = Activity.objects.get(rrule="FREQ=MONTHLY;BYDAY=1MO")
    start = group.starts_at.astimezone(group.schedule().zone)
    assert (start.date(), start.hour) == (datetime.date(2027, 1, 4), 19)
    firsts = [
        o.starts_at.astimezone(group.schedule().zone).day for o in group.occurrences.all()[:4]
    ]
    assert firsts == [4, 1, 1, 5]  # 4 January, 1 February, 1 March, 5 April 2027
    for activity in Activity.objects.exclude(rrule=""):
        recurrence.check_start(activity.schedule())


def test_the_migration_moves_stored_first_dates_onto_their_rule():
    """Rows saved before the check (bypassing it, as the old demo did) are corrected by
    0004_first_date_on_rule: the start moves to the rule's first date, the stray occurrence
    goes, and one with a registration is kept cancelled."""
    activity = ActivityFactory(
        rrule="FREQ=MONTHLY;BYDAY=1MO",
        starts_at=brussels(2027, 1, 4, 19, 0),
        ends_at=brussels(2027, 1, 4, 21, 0),
    )
    second_monday = brussels(2027, 1, 11, 19, 0)
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=second_monday, ends_at=second_monday + datetime.timedelta(hours=2)
    )
    stray = activity.occurrences.create(
        starts_at=second_monday, ends_at=second_monday + datetime.timedelta(hours=2)
    )
    # Someone registered for the stray date: it is kept, cancelled, so they can be told.
    Registration.objects.create(occurrence=stray, user=UserFactory(), name="Ann")

    migration = importlib.import_module("activities.migrations.0004_first_date_on_rule")
    migration.align_first_dates(django_apps, None)

    activity.refresh_from_db()
    assert activity.starts_at == brussels(2027, 2, 1, 19, 0)  # the first Monday after
    assert activity.ends_at == brussels(2027, 2, 1, 21, 0)
    stray.refresh_from_db()
    assert stray.is_cancelled
    recurrence.check_start(activity.schedule())
