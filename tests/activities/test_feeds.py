"""Our iCal feeds, read back with icalendar and recurring-ical-events, give our occurrences."""

import datetime
import gzip
import json
import re

import icalendar
import pytest
import recurring_ical_events
from django.urls import reverse

from activities import services
from tests.factories import ActivityFactory, MembershipFactory, NeighbourhoodFactory, brussels

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def _expanded(body: bytes, start, end) -> list[datetime.datetime]:
    calendar = icalendar.Calendar.from_ical(body)
    events = recurring_ical_events.of(calendar).between(start, end)
    return sorted(e["DTSTART"].dt.astimezone(UTC) for e in events)


def test_organisation_feed_expands_to_our_occurrences_across_dst(client):
    # Weekly on Tuesday 19:30 from 6 October 2026: summer time ends on 25 October.
    start = brussels(2026, 10, 6, 19, 30)
    now = brussels(2026, 10, 1, 12, 0)
    activity = ActivityFactory(
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2, minutes=30),
        rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20261201T235959",
        exception_dates=["2026-10-20"],
        extra_dates=["2026-10-22"],
    )
    services.occurrences_refresh(activity=activity, now=now)
    cancelled = activity.occurrences.get(starts_at=brussels(2026, 11, 10, 19, 30))
    cancelled.is_cancelled = True
    cancelled.save()

    response = client.get(reverse("activities:organisation-ics", args=[activity.organisation.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content
    assert b"BEGIN:VTIMEZONE" in body
    assert b"TZID:Europe/Brussels" in body
    assert b"RRULE:FREQ=WEEKLY;UNTIL=20261201T225959Z;BYDAY=TU" in body
    assert b"EXDATE;TZID=Europe/Brussels" in body

    ours = sorted(
        o.starts_at.astimezone(UTC) for o in activity.occurrences.filter(is_cancelled=False)
    )
    theirs = _expanded(body, datetime.datetime(2026, 10, 1), datetime.datetime(2027, 1, 1))
    assert theirs == ours
    assert datetime.datetime(2026, 10, 13, 17, 30, tzinfo=UTC) in theirs  # summer time
    assert datetime.datetime(2026, 10, 27, 18, 30, tzinfo=UTC) in theirs  # winter time
    assert datetime.datetime(2026, 10, 22, 17, 30, tzinfo=UTC) in theirs  # the extra date
    assert len(ours) == 8


def test_a_cancelled_series_says_so_in_the_feed(client):
    member = MembershipFactory().user
    activity = ActivityFactory(organisation=member.memberships.get().organisation)
    services.activity_cancel(activity=activity, user=member, notice="De zaal is onder water.")
    body = client.get(reverse("activities:organisation-ics", args=[activity.organisation.slug]))
    event = icalendar.Calendar.from_ical(body.content).walk("VEVENT")[0]
    assert event["STATUS"] == "CANCELLED"
    assert "onder water" in str(event["DESCRIPTION"])


def test_neighbourhood_and_agenda_feeds_filter(client):
    neighbourhood = NeighbourhoodFactory()
    inside = ActivityFactory(title="Binnen", reduced_rate=True)
    ActivityFactory(title="Betalend", cost="paid", price=5)
    assert inside.neighbourhood is None  # organisation's neighbourhood was not derived yet
    services.activity_save(activity=inside)
    body = client.get(reverse("activities:neighbourhood-ics", args=[neighbourhood.code])).content
    assert [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")] == []
    inside.organisation.neighbourhood = neighbourhood
    inside.organisation.save()
    services.activity_save(activity=inside)
    body = client.get(reverse("activities:neighbourhood-ics", args=[neighbourhood.code])).content
    assert [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")] == [
        "Binnen"
    ]
    body = client.get(reverse("activities:agenda-ics"), {"reduced_rate": "on"}).content
    assert [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")] == [
        "Binnen"
    ]


def test_detail_page_has_escaped_event_json_ld_and_feed_link(client):
    activity = ActivityFactory(
        title='Koffie & taart </title><b>"vet"</b>',
        rrule="FREQ=MONTHLY;BYDAY=1MO",
        starts_at=brussels(2026, 11, 2, 10, 0),
        ends_at=brussels(2026, 11, 2, 12, 0),
    )
    html = client.get(activity.get_absolute_url()).content.decode()
    assert "<b>" not in html
    feed = reverse("activities:organisation-ics", args=[activity.organisation.slug])
    assert '<link rel="alternate" type="text/calendar"' in html
    assert feed in html
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "Event"
    assert data["name"] == activity.title
    assert data["eventSchedule"]["byDay"] == ["https://schema.org/Monday"]
    assert data["eventSchedule"]["byMonthWeek"] == [1]
    assert data["eventSchedule"]["repeatFrequency"] == "P1M"


def test_an_empty_feed_still_has_a_component(client):
    """RFC 5545 (3.6) wants one component or more: a neighbourhood without activities yet
    gets the VTIMEZONE its X-WR-TIMEZONE names."""
    neighbourhood = NeighbourhoodFactory()
    response = client.get(reverse("activities:neighbourhood-ics", args=[neighbourhood.code]))
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [c.name for c in calendar.subcomponents] == ["VTIMEZONE"]
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Brussels"
    assert calendar.walk("VEVENT") == []
    window = (datetime.datetime(2026, 1, 1), datetime.datetime(2027, 1, 1))
    assert recurring_ical_events.of(calendar).between(*window) == []


def test_feeds_are_gzipped_and_answer_if_none_match_with_304(client):
    activity = ActivityFactory(title="Koffieklets", rrule="FREQ=WEEKLY")
    url = reverse("activities:organisation-ics", args=[activity.organisation.slug])
    plain = client.get(url)
    assert "Content-Encoding" not in plain
    etag = plain["ETag"]

    zipped = client.get(url, headers={"accept-encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert len(zipped.content) < len(plain.content)
    assert gzip.decompress(zipped.content) == plain.content

    again = client.get(url, headers={"if-none-match": etag})
    assert (again.status_code, again.content) == (304, b"")
    # The gzipped answer's weak ETag names the same content.
    again = client.get(url, headers={"if-none-match": zipped["ETag"], "accept-encoding": "gzip"})
    assert again.status_code == 304

    activity.title = "Koffieklets en taart"
    services.activity_save(activity=activity)
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert b"taart" in changed.content
