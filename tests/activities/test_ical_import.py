"""Calendars imported by subscription: feeds as Google Calendar, Outlook and Nextcloud write
them, served over real HTTP, give the occurrences recurring-ical-events computes from the same
feed over the next year; a second sync after edits moves, cancels and adds the right dates."""

from __future__ import annotations

import datetime
import time
import zoneinfo
from io import StringIO

import icalendar
import pytest
import recurring_ical_events
from dateutil import rrule as du_rrule
from django.core.management import CommandError, call_command
from django.utils import translation

from activities import ical, subscriptions
from activities.models import Activity, CalendarSubscription, Occurrence
from tests.factories import ActivityFactory, OrganisationFactory, brussels
from tests.http_files import File, HttpFiles

from . import ical_feeds

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
NOW = brussels(2027, 1, 4, 10, 0)
YEAR = datetime.timedelta(days=365)


@pytest.fixture
def server(settings):
    settings.ICAL_IMPORT_ALLOW_PRIVATE_HOSTS = True
    with HttpFiles() as files:
        yield files


def _aware(value, zone=BRUSSELS) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    return datetime.datetime.combine(value, datetime.time(), zone)


def theirs(body: bytes, start=NOW, end=NOW + YEAR) -> list[tuple[datetime.datetime, ...]]:
    """What a calendar program shows: (start, end) in UTC of every date not cancelled."""
    calendar = icalendar.Calendar.from_ical(body)
    found = []
    for event in recurring_ical_events.of(calendar).between(start, end):
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        begin = _aware(event["DTSTART"].dt).astimezone(UTC)
        finish = _aware(event["DTEND"].dt).astimezone(UTC)
        if start <= begin < end:
            found.append((begin, finish))
    return sorted(found)


def ours(subscription, start=NOW, end=NOW + YEAR) -> list[tuple[datetime.datetime, ...]]:
    occurrences = Occurrence.objects.filter(
        activity__subscription=subscription,
        is_cancelled=False,
        starts_at__gte=start,
        starts_at__lt=end,
    ).exclude(activity__status=Activity.Status.CANCELLED)
    return sorted((o.starts_at.astimezone(UTC), o.ends_at.astimezone(UTC)) for o in occurrences)


def _sync(subscription):
    return subscriptions.subscription_sync(subscription=subscription, now=NOW)


def _subscribe(server, path, body, *, publish=False, organisation=None):
    server.files[path] = File(body)
    return subscriptions.subscription_subscribe(
        organisation=organisation or OrganisationFactory(),
        source=server.url(path),
        publish=publish,
    )


def _first_date_on_rule(activity: Activity) -> bool:
    zone = zoneinfo.ZoneInfo(activity.time_zone)
    local = activity.starts_at.astimezone(zone).replace(tzinfo=None)
    return local in du_rrule.rrulestr(activity.rrule, dtstart=local)


@pytest.mark.parametrize(
    "feed", [ical_feeds.google, ical_feeds.outlook, ical_feeds.nextcloud], ids=lambda f: f.__name__
)
def test_feed_imports_the_dates_a_calendar_program_computes(server, feed):
    body = feed()
    subscription = _subscribe(server, "/feed.ics", body)
    report = _sync(subscription)
    assert report.error == ""
    assert report.created > 0
    assert ours(subscription) == theirs(body)
    assert len(ours(subscription)) >= 5
    for activity in subscription.activities.exclude(rrule=""):
        # A calendar counts DTSTART even off the rule; ours must start on it.
        assert _first_date_on_rule(activity), activity.title
    # First sync: drafts, for the members to publish.
    assert set(subscription.activities.values_list("status", flat=True)) == {"draft"}


def test_google_feed_mapping_in_detail(server):
    organisation = OrganisationFactory(street_address="Sleepstraat 12", postcode="9000")
    subscription = _subscribe(server, "/google.ics", ical_feeds.google(), organisation=organisation)
    report = _sync(subscription)
    by_key = {a.feed_key: a for a in subscription.activities.all()}
    # The series, its moved date, the walk and the all-day party; the 2025 party is past and
    # the cancelled date is no activity of its own.
    assert sorted(by_key) == [
        "3q9l1k2m8v0taalcafe@google.com",
        "3q9l1k2m8v0taalcafe@google.com|20270119T183000Z",
        "7fh2wandeling@google.com",
        "buurtfeest2027@google.com",
    ]
    assert report.created == 4
    taalcafe = by_key["3q9l1k2m8v0taalcafe@google.com"]
    assert taalcafe.time_zone == "Europe/Brussels"
    assert taalcafe.rrule.startswith("FREQ=WEEKLY")
    # Started in October 2026: it starts again a month before now, on the rule.
    assert taalcafe.starts_at == brussels(2026, 12, 8, 19, 30)
    assert "2027-01-05" in taalcafe.exception_dates  # EXDATE
    assert "2027-01-19" in taalcafe.exception_dates  # moved (RECURRENCE-ID)
    assert (taalcafe.venue, taalcafe.street_address, taalcafe.postcode, taalcafe.city) == (
        "address",
        "Sleepstraat 12",
        "9000",
        "Gent",
    )
    assert taalcafe.description == "Praat Nederlands met buren.\nMet koffie & thee."
    assert taalcafe.category == "conversation"
    cancelled = taalcafe.occurrences.get(starts_at=brussels(2027, 2, 2, 19, 30))
    assert cancelled.is_cancelled
    moved = by_key["3q9l1k2m8v0taalcafe@google.com|20270119T183000Z"]
    assert (moved.title, moved.starts_at) == ("Taalcafé (verplaatst)", brussels(2027, 1, 21, 14))
    walk = by_key["7fh2wandeling@google.com"]
    # Google writes UTC and means wall-clock time in X-WR-TIMEZONE: 10:00 all year round.
    assert walk.time_zone == "Europe/Brussels"
    starts = [o.starts_at for o in walk.occurrences.all()]
    assert starts[0] == datetime.datetime(2027, 3, 1, 9, tzinfo=UTC)
    assert {s.astimezone(BRUSSELS).hour for s in starts} == {10}
    party = by_key["buurtfeest2027@google.com"]
    assert (party.starts_at, party.ends_at) == (brussels(2027, 2, 13, 0), brussels(2027, 2, 14, 0))
    assert party.venue == "organisation"  # no LOCATION: the organisation's own place
    assert party.point == organisation.point


def test_outlook_windows_zone_and_nextcloud_details(server):
    outlook = _subscribe(server, "/outlook.ics", ical_feeds.outlook())
    _sync(outlook)
    dance = outlook.activities.get(title="Zitdansen")
    assert dance.time_zone == "Europe/Paris"  # Romance Standard Time, by Outlook's own table
    assert "UNTIL=20270624T140000" in dance.rrule  # UTC UNTIL in wall-clock time
    weekend = outlook.activities.get(title="Lenteweekend")
    assert (weekend.starts_at, weekend.ends_at) == (brussels(2027, 4, 10), brussels(2027, 4, 12))

    nextcloud = _subscribe(server, "/nextcloud.ics", ical_feeds.nextcloud())
    report = _sync(nextcloud)
    titles = sorted(nextcloud.activities.values_list("title", "feed_key"))
    assert ("Kookclub", "5c1e2b4a-9f10-4b9e-8a7e-kookclub") not in titles  # cancelled series
    repair = nextcloud.activities.get(feed_key="5c1e2b4a-9f10-4b9e-8a7e-repaircafe")
    assert repair.starts_at == brussels(2027, 1, 9, 10)  # the rule's first date (2nd Saturday)
    assert repair.extra_dates == ["2027-01-08", "2027-03-20"]  # DTSTART off the rule, RDATE
    other_hour = nextcloud.activities.get(feed_key__contains="|RDATE|")
    assert other_hour.starts_at == brussels(2027, 4, 24, 15)
    assert nextcloud.activities.get(title="Online infosessie").venue == "online"
    film = nextcloud.activities.get(title="Filmavond")
    assert film.ends_at - film.starts_at == datetime.timedelta(hours=2, minutes=30)
    assert film.category == "culture"
    assert report.skipped == []
    # In UTC without X-WR-TIMEZONE: the rule runs on UTC, 18:00 in winter, 19:00 in summer.
    chess = nextcloud.activities.get(title="Schaakclub")
    assert chess.time_zone == "UTC"
    hours = {o.starts_at.astimezone(BRUSSELS).hour for o in chess.occurrences.all()}
    assert hours == {18, 19}


def test_second_sync_moves_cancels_and_adds_and_leaves_hand_made_alone(server):
    organisation = OrganisationFactory()
    hand_made = ActivityFactory(organisation=organisation, title="Met de hand")
    hand_made_updated = hand_made.updated_at
    subscription = _subscribe(
        server, "/google.ics", ical_feeds.google(1), publish=True, organisation=organisation
    )
    _sync(subscription)
    assert set(subscription.activities.values_list("status", flat=True)) == {"published"}
    taalcafe = subscription.activities.get(feed_key="3q9l1k2m8v0taalcafe@google.com")
    taalcafe_ids = set(taalcafe.occurrences.values_list("pk", flat=True))
    before = ours(subscription)

    server.files["/google.ics"] = File(ical_feeds.google(2))
    report = _sync(subscription)
    assert report.error == ""
    assert ours(subscription) == theirs(ical_feeds.google(2))
    after = set(ours(subscription))
    jan = lambda *a: datetime.datetime(2027, *a, tzinfo=UTC)  # noqa: E731
    # Skipped now, moved elsewhere, cancelled now, restored, added.
    assert (jan(1, 12, 18, 30), jan(1, 12, 20, 30)) in set(before) - after
    assert (jan(1, 21, 13), jan(1, 21, 15)) in set(before) - after
    assert (jan(1, 20, 17), jan(1, 20, 19)) in after - set(before)
    assert (jan(2, 9, 18, 30), jan(2, 9, 20, 30)) in set(before) - after
    assert (jan(2, 2, 18, 30), jan(2, 2, 20, 30)) in after - set(before)
    assert (jan(12, 18, 14), jan(12, 18, 19)) in after - set(before)
    # The moved date kept its activity (same UID and RECURRENCE-ID); the series kept its rows.
    moved = subscription.activities.get(feed_key="3q9l1k2m8v0taalcafe@google.com|20270119T183000Z")
    assert moved.starts_at == brussels(2027, 1, 20, 18)
    assert taalcafe_ids & set(taalcafe.occurrences.values_list("pk", flat=True))
    # The party left the feed: cancelled with a notice, still visible.
    party = subscription.activities.get(feed_key="buurtfeest2027@google.com")
    assert party.status == "cancelled"
    assert "removed" in party.cancel_notice
    walk = subscription.activities.get(feed_key="7fh2wandeling@google.com")
    assert walk.title == "Wandeling langs de Leie"
    assert (report.created, report.cancelled) == (1, 1)
    hand_made.refresh_from_db()
    assert (hand_made.updated_at, hand_made.status, hand_made.subscription) == (
        hand_made_updated,
        "published",
        None,
    )
    # Third sync: the server says nothing changed (ETag), and nothing is read or written.
    report = _sync(subscription)
    assert report.not_modified
    path, headers = server.requests[-1]
    assert headers["if-none-match"] == server.files["/google.ics"].etag
    assert headers["if-modified-since"] == server.files["/google.ics"].last_modified
    assert server.answers[-1] == 304


def test_draft_that_left_the_feed_is_removed_and_last_modified_alone_is_used(server):
    server.files["/nc.ics"] = File(ical_feeds.nextcloud())
    subscription = _subscribe(server, "/nc.ics", ical_feeds.nextcloud())
    server.files["/nc.ics"].validators = True
    _sync(subscription)
    count = subscription.activities.count()
    server.files["/nc.ics"] = File(
        ical_feeds.nextcloud().replace(b"SUMMARY:Online infosessie", b"SUMMARY:Infosessie")
    )
    report = _sync(subscription)
    assert (report.updated, report.deleted) == (1, 0)
    body = ical_feeds.nextcloud()
    start = body.index(b"BEGIN:VEVENT\r\nUID:5c1e2b4a-9f10-4b9e-8a7e-online")
    end = body.index(b"END:VEVENT", start) + len(b"END:VEVENT\r\n")
    server.files["/nc.ics"] = File(body[:start] + body[end:])
    report = _sync(subscription)
    assert report.deleted == 1
    assert subscription.activities.count() == count - 1


def test_feed_that_is_not_icalendar_or_fails_says_why(server, settings):
    server.files["/page.html"] = File(b"<html><body>Agenda</body></html>", "text/html")
    subscription = _subscribe(server, "/page.html", b"")
    server.files["/page.html"] = File(b"<html><body>Agenda</body></html>", "text/html")
    report = _sync(subscription)
    assert report.error == "not_ical"
    subscription.refresh_from_db()
    assert "does not give an iCalendar" in subscriptions.error_message(subscription)

    gone = subscriptions.subscription_subscribe(
        organisation=subscription.organisation, source=server.url("/missing.ics")
    )
    assert _sync(gone).error == "status"
    gone.refresh_from_db()
    assert "HTTP 404" in subscriptions.error_message(gone)

    settings.ICAL_IMPORT_MAX_BYTES = 1000
    big = _subscribe(server, "/big.ics", ical_feeds.google(), organisation=gone.organisation)
    assert _sync(big).error == "too_large"
    assert big.activities.count() == 0


def test_a_feed_with_more_events_than_we_read_changes_nothing(server, settings):
    subscription = _subscribe(server, "/nextcloud.ics", ical_feeds.nextcloud())
    assert _sync(subscription).error == ""
    before = sorted(subscription.activities.values_list("feed_key", "status"))
    assert len(before) >= 4
    settings.ICAL_IMPORT_MAX_EVENTS = 3
    server.files["/nextcloud.ics"] = File(
        ical_feeds.nextcloud().replace(b"SUMMARY:", b"SUMMARY:X ")
    )
    assert _sync(subscription).error == "too_many_events"
    assert sorted(subscription.activities.values_list("feed_key", "status")) == before
    assert not subscription.activities.filter(title__startswith="X ").exists()
    subscription.refresh_from_db()
    assert subscriptions.error_message(subscription) == (
        "The calendar has more coming events than we read (at most 3)."
    )
    with translation.override("nl"):
        assert subscriptions.error_message(subscription) == (
            "De agenda heeft meer komende activiteiten dan we lezen (hoogstens 3)."
        )


def test_a_feed_that_never_answers_times_out(settings):
    from tests.silent_server import SilentServer

    settings.ICAL_IMPORT_ALLOW_PRIVATE_HOSTS = True
    settings.ICAL_IMPORT_TIMEOUT = 0.5
    with SilentServer() as silent:
        subscription = subscriptions.subscription_subscribe(
            organisation=OrganisationFactory(), source=f"http://127.0.0.1:{silent.port}/x.ics"
        )
        started = datetime.datetime.now()
        assert _sync(subscription).error == "timeout"
        assert datetime.datetime.now() - started < datetime.timedelta(seconds=3)


def test_command_subscribes_syncs_and_updates_the_subscription(server):
    organisation = OrganisationFactory(slug="de-sleep")
    server.files["/g.ics"] = File(ical_feeds.google())
    out = StringIO()
    call_command(
        "activities_import_ical",
        server.url("/g.ics"),
        "--organisation",
        "de-sleep",
        "--publish",
        stdout=out,
        stderr=StringIO(),
    )
    assert "activities created" in out.getvalue()
    subscription = CalendarSubscription.objects.get(organisation=organisation)
    assert subscription.publish
    assert subscription.activities.filter(status="published").exists()
    call_command(
        "activities_import_ical",
        server.url("/g.ics"),
        "--organisation",
        "de-sleep",
        stdout=out,
        stderr=StringIO(),
    )
    assert CalendarSubscription.objects.get(organisation=organisation).publish is False
    assert "did not change" in out.getvalue()
    with pytest.raises(CommandError, match="no organisation"):
        call_command("activities_import_ical", server.url("/g.ics"), "--organisation", "nope")
    with pytest.raises(CommandError, match="http"):
        call_command("activities_import_ical", "file:///etc/passwd", "--organisation", "de-sleep")


def test_beat_task_syncs_every_subscription(server, settings):
    from activities.tasks import subscriptions_sync_task

    first = _subscribe(server, "/a.ics", ical_feeds.google())
    second = _subscribe(server, "/b.ics", ical_feeds.outlook())
    assert "activities-calendar-subscriptions" in settings.CELERY_BEAT_SCHEDULE
    assert subscriptions_sync_task() == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.activities.exists()
    assert second.activities.exists()
    assert first.succeeded_at
    assert second.succeeded_at


def test_a_subscription_stopped_while_its_feed_was_read_does_not_come_back(server):
    subscription = _subscribe(server, "/g.ics", ical_feeds.google())
    CalendarSubscription.objects.filter(pk=subscription.pk).delete()
    report = _sync(subscription)  # the instance a task loaded before the member stopped it
    assert report.created == 0
    assert not CalendarSubscription.objects.filter(pk=subscription.pk).exists()
    assert not Activity.objects.filter(feed_key__contains="@google.com").exists()


def _daily_until(until: str, dtstart: str = "20261207T100000") -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:far@example.org\r\nSUMMARY:Koffie\r\n"
        f"DTSTART;TZID=Europe/Brussels:{dtstart}\r\n"
        f"DTEND;TZID=Europe/Brussels:{dtstart[:9]}110000\r\n"
        f"RRULE:FREQ=DAILY;UNTIL={until}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def test_a_rule_until_the_year_9999_is_read_without_listing_its_dates():
    """Whether a series is past needs its dates up to the cut-off, not every date to UNTIL:
    FREQ=DAILY;UNTIL=9999 is about 2.9 million dates (25 s and 170 MB per event before),
    which a feed could repeat thousands of times within its size limit."""
    started = time.monotonic()
    reading = ical.read(_daily_until("99991231T000000Z"), default_zone="Europe/Brussels", now=NOW)
    assert time.monotonic() - started < 3
    assert [event.key for event in reading.events] == ["far@example.org"]
    assert reading.past == set()
    # A series whose UNTIL is long gone is still known as past.
    gone = ical.read(
        _daily_until("20250131T000000Z", dtstart="20250101T100000"),
        default_zone="Europe/Brussels",
        now=NOW,
    )
    assert gone.past == {"far@example.org"}
    assert gone.events == []


def test_nul_characters_in_a_feed_do_not_break_its_reading(server):
    """PostgreSQL stores no NUL in text: a feed's NUL is dropped, not a failed reading."""
    body = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:nul\x00@example.org\r\nSUMMARY:Koffie\x00klets\r\n"
        b"DESCRIPTION:Elke\x00 week\r\nLOCATION:Sint-Pietersnieuwstraat 1\x00\\, 9000 Gent\r\n"
        b"DTSTART;TZID=Europe/Brussels:20270111T100000\r\n"
        b"DTEND;TZID=Europe/Brussels:20270111T110000\r\n"
        b"RRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    subscription = _subscribe(server, "/nul.ics", body)
    report = _sync(subscription)
    assert report.error == ""
    activity = subscription.activities.get()
    assert (activity.title, activity.feed_key) == ("Koffieklets", "nul@example.org")
    assert "\x00" not in activity.description + activity.street_address


def test_an_event_with_a_broken_property_is_skipped_and_the_others_are_read(server):
    """One unreadable event (a date that is not one, a PERIOD for DTSTART, DTSTART twice, an
    EXDATE that is not a date, a COUNT beyond any integer) made the whole reading fail with an
    exception, every hour, with nothing recorded on the subscription."""
    broken = [
        "DTSTART:notadate",
        "DTSTART;VALUE=PERIOD:20270111T100000Z/20270111T110000Z",
        "DTSTART:20270111T100000Z\r\nDTSTART:20270112T100000Z",
        "DTSTART:20270111T100000Z\r\nRRULE:FREQ=WEEKLY\r\nEXDATE:garbage",
        "DTSTART:20270111T100000Z\r\nRRULE:FREQ=DAILY;COUNT=99999999999",
        "DTSTART:20270111T100000Z\r\nRECURRENCE-ID:garbage",
    ]
    events = [
        f"BEGIN:VEVENT\r\nUID:broken{n}@example.org\r\nSUMMARY:Kapot\r\n{lines}\r\nEND:VEVENT\r\n"
        for n, lines in enumerate(broken)
    ]
    events.append(
        "BEGIN:VEVENT\r\nUID:good@example.org\r\nSUMMARY:Koffie\r\n"
        "DTSTART;TZID=Europe/Brussels:20270111T100000\r\n"
        "DTEND;TZID=Europe/Brussels:20270111T110000\r\nEND:VEVENT\r\n"
    )
    body = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + "".join(events)
    subscription = _subscribe(server, "/broken.ics", (body + "END:VCALENDAR\r\n").encode())
    report = _sync(subscription)
    assert report.error == ""
    assert list(subscription.activities.values_list("feed_key", flat=True)) == ["good@example.org"]
    assert {uid for uid, _reason in report.skipped} >= {
        f"broken{n}@example.org" for n in (0, 1, 2, 3, 4)
    }
