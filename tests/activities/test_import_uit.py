"""activities_import_uit with hand-made files that follow UiTdatabank's public JSON-LD."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from activities.models import Activity
from buurt.models import Organisation
from tests.factories import OrganisationFactory, brussels

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "uit"


def _import(*args):
    out, err = StringIO(), StringIO()
    call_command("activities_import_uit", *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_maps_events_and_is_idempotent():
    OrganisationFactory(name="Vereniging Bestaand", is_verified=True)
    out, err = _import(str(FILES))
    assert "3 activities created, 0 updated, 3 skipped, 1 new organisations" in out
    assert "without openingHours" in err
    assert "no @id" in err
    assert "unreadable JSON" in err

    concert = Activity.objects.get(title="Koffieconcert in de Bijloke")
    assert concert.starts_at == brussels(2026, 12, 5, 15, 0)
    assert (concert.cost, concert.price, concert.reduced_rate) == ("paid", 8, True)
    assert concert.category == "culture"
    assert concert.wheelchair_accessible
    assert round(concert.point.x, 4) == 3.7147
    assert concert.geocode_status == "manual"
    new = Organisation.objects.get(name="Muziekclub De Bijloke")
    assert new.moderation_state == "pending"
    assert new.email == "info@bijloke.example.org"

    walk = Activity.objects.get(title="Wandelclub")
    assert walk.rrule == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20261231T235959"
    assert walk.cost == "free"
    assert walk.category == "sports"
    assert walk.moderation_state == "approved"  # a verified organisation

    talks = Activity.objects.get(title="Reeks lezingen")
    assert talks.extra_dates == ["2026-11-24"]
    assert sorted(o.starts_at for o in talks.occurrences.all())[:2] == [
        brussels(2026, 11, 10, 20, 0),
        brussels(2026, 11, 24, 20, 0),
    ]

    out, _err = _import(str(FILES / "events.json"))
    assert "0 activities created, 3 updated" in out
    assert Activity.objects.count() == 3


def test_dry_run_saves_nothing():
    out, _err = _import(str(FILES / "events.json"), "--dry-run")
    assert "Dry run" in out
    assert not Activity.objects.exists()
    assert not Organisation.objects.exists()


def test_occurrences_of_a_periodic_event_keep_local_time_across_dst():
    OrganisationFactory(name="Vereniging Bestaand")
    _import(str(FILES / "events.json"))
    walk = Activity.objects.get(title="Wandelclub")
    hours = {o.starts_at.astimezone(datetime.UTC).hour for o in walk.occurrences.all()}
    assert hours <= {17, 18}
    # Periodic from Thursday 1 October on Tuesdays: the first date is Tuesday 6 October, not
    # the start date the rule does not give (RFC 5545 leaves that set undefined).
    assert walk.starts_at == brussels(2026, 10, 6, 19, 30)
    assert walk.occurrences.order_by("starts_at").first().starts_at == walk.starts_at
