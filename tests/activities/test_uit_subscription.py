"""An organiser's events from the UiTdatabank search API v3, by subscription: the API is faked
at the HTTP boundary (a local server answering /events/ with JSON-LD, checking the key), the
events go through the JSON-LD mapping of activities_import_uit."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command

from activities import subscriptions
from activities.models import Activity, CalendarSubscription
from tests.factories import ActivityFactory, OrganisationFactory
from tests.http_files import File, HttpFiles

pytestmark = pytest.mark.django_db

EVENTS = json.loads((Path(__file__).parent / "uit" / "events.json").read_text())
ORGANIZER = "5e0c4a1b-7f3d-4c2e-9b8a-0123456789ab"


def _answer(events: list[dict]) -> File:
    data = copy.deepcopy(EVENTS)
    data["member"], data["totalItems"] = events, len(events)
    return File(json.dumps(data).encode(), "application/ld+json", validators=False)


@pytest.fixture
def uit(settings):
    with HttpFiles() as server:
        settings.UITDATABANK_API_KEY = "sleutel-123"
        settings.UITDATABANK_SEARCH_URL = server.url("")
        server.files["/events/"] = _answer(EVENTS["member"])
        yield server


def test_subscription_imports_the_organisers_events_as_drafts_and_follows_them(uit):
    organisation = OrganisationFactory(name="Muziekclub De Bijloke")
    hand_made = ActivityFactory(organisation=organisation, title="Met de hand")
    subscription = subscriptions.subscription_subscribe(
        organisation=organisation, source=ORGANIZER, kind=CalendarSubscription.Kind.UIT
    )
    report = subscriptions.subscription_sync(subscription=subscription)
    assert report.error == ""
    # The same mapping as the file import: 3 events shown, 2 skipped with their reason.
    assert report.created == 3
    assert {reason for _id, reason in report.skipped} >= {"no @id"}
    imported = subscription.activities.all()
    assert {a.organisation_id for a in imported} == {organisation.pk}
    assert set(imported.values_list("status", flat=True)) == {"draft"}
    concert = imported.get(title="Koffieconcert in de Bijloke")
    assert (concert.cost, concert.reduced_rate, concert.category) == ("paid", True, "culture")
    path, headers = uit.requests[-1]
    assert headers["x-api-key"] == "sleutel-123"
    query = parse_qs(urlsplit(path).query)
    assert query["organizerId"] == [ORGANIZER]
    assert query["embed"] == ["true"]

    # The organiser removed an event: the draft goes; the others are updated in place.
    uit.files["/events/"] = _answer(EVENTS["member"][1:])
    report = subscriptions.subscription_sync(subscription=subscription)
    assert (report.updated, report.deleted) == (2, 1)
    assert not subscription.activities.filter(title="Koffieconcert in de Bijloke").exists()
    hand_made.refresh_from_db()
    assert (hand_made.subscription, hand_made.status) == (None, "published")


def test_without_a_key_or_with_a_bad_answer_it_says_why(uit, settings):
    subscription = subscriptions.subscription_subscribe(
        organisation=OrganisationFactory(), source=ORGANIZER, kind=CalendarSubscription.Kind.UIT
    )
    settings.UITDATABANK_API_KEY = ""
    assert subscriptions.subscription_sync(subscription=subscription).error == "uit_key"
    assert "API key" in subscriptions.error_message(subscription)
    assert uit.requests == []
    settings.UITDATABANK_API_KEY = "sleutel-123"
    uit.files["/events/"] = File(b"<html>maintenance</html>", "text/html")
    assert subscriptions.subscription_sync(subscription=subscription).error == "uit_answer"
    assert Activity.objects.filter(subscription=subscription).count() == 0


def test_command_with_uit(uit):
    organisation = OrganisationFactory(slug="bijloke")
    out = StringIO()
    call_command(
        "activities_import_ical",
        f"https://www.uitdatabank.be/organizers/{ORGANIZER}",
        "--uit",
        "--organisation",
        "bijloke",
        "--publish",
        stdout=out,
        stderr=StringIO(),
    )
    assert "3 activities created" in out.getvalue()
    subscription = CalendarSubscription.objects.get(organisation=organisation)
    assert subscription.source == ORGANIZER
    assert subscription.activities.filter(status="published").count() == 3


def test_an_organiser_with_more_events_than_a_page(uit):
    concert = EVENTS["member"][0]
    events = []
    for n in range(60):
        event = copy.deepcopy(concert)
        event["@id"] = f"https://io.uitdatabank.be/event/page-test-{n:03d}"
        event["name"] = {"nl": f"Concert {n}"}
        events.append(event)
    del uit.files["/events/"]
    for start in (0, 50):
        data = copy.deepcopy(EVENTS)
        data["member"], data["totalItems"] = events[start : start + 50], len(events)
        path = f"/events/?organizerId={ORGANIZER}&embed=true&start={start}&limit=50"
        uit.files[path] = File(json.dumps(data).encode(), "application/ld+json")
    subscription = subscriptions.subscription_subscribe(
        organisation=OrganisationFactory(), source=ORGANIZER, kind=CalendarSubscription.Kind.UIT
    )
    report = subscriptions.subscription_sync(subscription=subscription)
    assert (report.error, report.created) == ("", 60)
    assert [parse_qs(urlsplit(path).query)["start"] for path, _h in uit.requests] == [["0"], ["50"]]
