"""An iCalendar feed (Google Calendar, Outlook, Nextcloud, WordPress plugins) read as the
fields of our activities. No writes here: activities/subscriptions.py saves what this gives.

How a feed maps to our schedule model (a first date, an RFC 5545 rule expanded on wall-clock
time in one zone, days to skip, extra days at the usual hour, cancelled dates):
- A VEVENT without RECURRENCE-ID is one activity (key: its UID). Its zone is its TZID's
  (a Windows or custom VTIMEZONE is matched to the IANA zone with the same offsets over the
  next year), "UTC" for times in UTC (a weekly 18:00Z stays 18:00Z), X-WR-TIMEZONE or ours
  for floating times and all-day events (midnight to midnight).
- RRULE is kept as it is, its UTC UNTIL written in the zone's wall-clock time. The first
  date must be on the rule: a DTSTART off the rule (a calendar counts it anyway) becomes an
  extra date. A series that started long ago starts again at its first date of the last
  month (COUNT turned into UNTIL first), checked to give the same dates.
- EXDATE: days to skip. RDATE: extra days when at the usual hour, otherwise one-off
  activities of their own (key: UID|RDATE|instant).
- A RECURRENCE-ID override that moves or changes one date: the day is skipped in the
  series and the override is a one-off activity (key: UID|instant of RECURRENCE-ID). One
  with STATUS:CANCELLED: that date of the series is cancelled (shown as cancelled).
- STATUS:CANCELLED on the whole event cancels the activity.
- LOCATION: an http(s) link is online, an address is placed like any address, none is the
  organisation's own place.
"""

from __future__ import annotations

import datetime
import html
import re
import zoneinfo
from dataclasses import dataclass, field
from functools import lru_cache

import icalendar
from dateutil import rrule as du_rrule
from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from . import recurrence
from .models import MAX_DESCRIPTION_CHARS, Activity
from .uit import CATEGORY_WORDS

UTC = datetime.UTC
# A series is re-anchored no further back than this, so that years of past dates are not
# materialised; past one-off events older than this are not imported.
KEEP_PAST = datetime.timedelta(days=30)
POSTCODE_AND_CITY = re.compile(
    r"^\s*(?:[A-Z]{1,2}-)?(?P<postcode>\d{4}(?:\s?[A-Z]{2})?)\s+(?P<city>.+?)\s*$"
)
COUNTRIES = {"belgië", "belgie", "belgium", "belgique", "nederland", "netherlands", "pays-bas"}


class NotICalendar(ValueError):
    """The body is not an iCalendar file."""


class SkipEvent(ValueError):
    """This event cannot become an activity (the reason is the message, in English)."""


@dataclass
class FeedEvent:
    """What one activity gets from the feed."""

    key: str
    fields: dict
    cancelled: bool = False  # STATUS:CANCELLED on the whole event
    cancelled_starts: list[datetime.datetime] = field(default_factory=list)  # aware, UTC
    # The end of its last date, or of a date after the cut-off (enough to tell it is not past);
    # None: a series without end.
    ends_at_last: datetime.datetime | None = None


@dataclass
class FeedReading:
    events: list[FeedEvent] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (UID, reason)
    past: set[str] = field(default_factory=set)  # keys of events wholly in the past


def parse(body: bytes) -> icalendar.Calendar:
    if not body.lstrip(b"\xef\xbb\xbf \r\n\t").upper().startswith(b"BEGIN:VCALENDAR"):
        raise NotICalendar("no BEGIN:VCALENDAR")
    # A NUL means nothing in iCalendar text, and PostgreSQL refuses it in any text column (a
    # failed reading every hour): dropped before anything is read.
    body = body.replace(b"\x00", b"")
    try:
        calendar = icalendar.Calendar.from_ical(body)
    except (ValueError, IndexError, KeyError) as error:
        raise NotICalendar(str(error)) from None
    if isinstance(calendar, list):
        calendar = calendar[0]
    return calendar


# --- zones --------------------------------------------------------------------------------


def _offsets_match(tz: datetime.tzinfo, zone: zoneinfo.ZoneInfo, around: datetime.datetime):
    # Two samples a month over a year and a half from the event's start: every change of
    # offset in that time is seen.
    for days in range(0, 550, 15):
        naive = around.replace(tzinfo=None) + datetime.timedelta(days=days)
        if naive.replace(tzinfo=tz).utcoffset() != naive.replace(tzinfo=zone).utcoffset():
            return False
    return True


@lru_cache(maxsize=64)
def _all_zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def zone_name(value: datetime.datetime, *, fallback: str) -> str:
    """The IANA zone (or "UTC") of an aware datetime from the feed."""
    tz = value.tzinfo
    if isinstance(tz, zoneinfo.ZoneInfo):
        return "UTC" if tz.key in ("UTC", "Etc/UTC", "Z") else tz.key
    if value.utcoffset() == datetime.timedelta(0) and tz is UTC:
        return "UTC"
    name = str(getattr(tz, "_tzid", "") or tz.tzname(value) or "")
    candidates = [WINDOWS_TO_OLSON.get(name, ""), name, fallback, *_all_zones()]
    for candidate in candidates:
        try:
            zone = zoneinfo.ZoneInfo(candidate)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
        if _offsets_match(tz, zone, value):  # type: ignore[arg-type]
            return candidate
    raise SkipEvent(f"time zone {name!r} matches no known zone")


def _calendar_zone(calendar: icalendar.Calendar) -> str:
    """The calendar's X-WR-TIMEZONE when it names a known zone, else ""."""
    name = str(calendar.get("X-WR-TIMEZONE", "")).strip()
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    return name


@dataclass(frozen=True)
class When:
    """An event's start, end and zone as our schedule keeps them."""

    starts_at: datetime.datetime  # aware, in `zone`
    ends_at: datetime.datetime
    zone: str
    all_day: bool

    @property
    def local_start(self) -> datetime.datetime:
        return self.starts_at.astimezone(zoneinfo.ZoneInfo(self.zone)).replace(tzinfo=None)


def _aware(value, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    return datetime.datetime.combine(value, datetime.time(), zone)


@dataclass(frozen=True)
class Zones:
    floating: str  # for floating times and dates: X-WR-TIMEZONE, else ours
    utc: str  # for times in UTC: X-WR-TIMEZONE, else UTC itself


def _when(event: icalendar.Event, zones: Zones) -> When:
    """Google writes times in UTC and means wall-clock time in the calendar's X-WR-TIMEZONE,
    as calendar programs (and recurring-ical-events) read them."""
    calendar_zone = zones.floating
    start_prop = event.get("DTSTART")
    if start_prop is None:
        raise SkipEvent("no DTSTART")
    start = start_prop.dt
    all_day = not isinstance(start, datetime.datetime)
    if isinstance(start, datetime.datetime) and start.tzinfo:
        zone_key = zone_name(start, fallback=calendar_zone)
        if zone_key == "UTC":
            zone_key = zones.utc
    else:
        zone_key = calendar_zone
    zone = zoneinfo.ZoneInfo(zone_key)
    starts_at = _aware(start, zone).astimezone(zone)
    if event.get("DTEND") is not None:
        ends_at = _aware(event["DTEND"].dt, zone).astimezone(zone)
    elif event.get("DURATION") is not None:
        local = starts_at.replace(tzinfo=None) + event["DURATION"].dt
        ends_at = local.replace(tzinfo=zone)
    else:
        ends_at = starts_at + (datetime.timedelta(days=1) if all_day else datetime.timedelta(0))
    if ends_at <= starts_at:
        # Our activities last: a calendar's zero-length event gets an hour.
        ends_at = starts_at + datetime.timedelta(hours=1)
    return When(starts_at, ends_at, zone_key, all_day)


# --- dates and rules ---------------------------------------------------------------------


def _values(event: icalendar.Event, name: str) -> list:
    """Every date of a (possibly repeated) EXDATE or RDATE property."""
    props = event.get(name)
    if props is None:
        return []
    found = []
    for prop in props if isinstance(props, list) else [props]:
        for value in prop.dts:
            dt = value.dt
            found.append(dt[0] if isinstance(dt, tuple) else dt)
    return found


def _local(value, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """Naive wall-clock time in `zone` of a feed value (aware, floating or a date)."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(zone).replace(tzinfo=None) if value.tzinfo else value
    return datetime.datetime.combine(value, datetime.time())


def _rule_text(event: icalendar.Event, zone: zoneinfo.ZoneInfo) -> str:
    prop = event.get("RRULE")
    if prop is None:
        return ""
    if isinstance(prop, list):
        if len(prop) > 1:
            raise SkipEvent("more than one RRULE")
        prop = prop[0]
    rule = icalendar.vRecur(dict(prop))
    if "UNTIL" in rule:
        until = rule["UNTIL"][0]
        if isinstance(until, datetime.datetime):
            # Our rules run on wall-clock time without a zone: UNTIL is said the same way.
            rule["UNTIL"] = [_local(until, zone)]
    return rule.to_ical().decode()


def _rule(text: str, start: datetime.datetime) -> du_rrule.rrule:
    try:
        return recurrence.parse_rule(text, dtstart=start)
    except ValidationError as error:
        raise SkipEvent(f"repeat rule {text!r}: {' '.join(error.messages)}") from None


def _without_count(text: str, start: datetime.datetime) -> str:
    """The same rule with COUNT turned into UNTIL (its last date), so that it can start later."""
    rule = _rule(text, start)
    if not rule._count:
        return text
    last = list(rule)[-1] if rule._count else None
    parts = [p for p in text.split(";") if not p.upper().startswith("COUNT=")]
    parts.append(f"UNTIL={last:%Y%m%dT%H%M%S}")
    return ";".join(parts)


def _anchor(
    text: str, start: datetime.datetime, *, not_before: datetime.datetime
) -> tuple[str, datetime.datetime | None]:
    """(rule, first date): the rule's first date on or after both `start` and `not_before`,
    when the rule started there gives the same dates as from `start`; else `start`'s first
    date on the rule. (rule, None) when the rule gives no date from there."""
    rule = _rule(text, start)
    first_on_rule = rule.after(start, inc=True)
    if first_on_rule is None:
        return text, None
    if not_before <= first_on_rule:
        return text, first_on_rule
    moved_text = _without_count(text, start)
    moved = rule.after(not_before, inc=True)
    if moved is None:
        return text, None
    horizon = not_before + datetime.timedelta(days=recurrence.HORIZON_DAYS + 31)
    if list(_rule(moved_text, moved).between(moved, horizon, inc=True)) == list(
        rule.between(moved, horizon, inc=True)
    ):
        return moved_text, moved
    return text, first_on_rule


# --- text and place ----------------------------------------------------------------------


def _text(value) -> str:
    text = str(value or "")
    if "<" in text and ">" in text:
        # Google writes HTML into DESCRIPTION: keep the words and the line breaks.
        text = re.sub(r"(?i)<br\s*/?>|</p>", "\n", text)
        text = html.unescape(strip_tags(text))
    return text.strip()


def category(summary: str, categories: list[str]) -> str:
    words = " ".join([summary, *categories]).lower()
    for keys, code in CATEGORY_WORDS:
        if any(key in words for key in keys):
            return code
    return Activity.Category.OTHER


def _categories(event: icalendar.Event) -> list[str]:
    props = event.get("CATEGORIES")
    if props is None:
        return []
    found = []
    for prop in props if isinstance(props, list) else [props]:
        found += [str(c) for c in getattr(prop, "cats", [prop])]
    return found


def place(location: str) -> dict:
    """Venue and address fields from a LOCATION text: "Kerkstraat 12, 9000 Gent, België"."""
    text = " ".join(location.split())
    if not text:
        return {
            "venue": Activity.Venue.ORGANISATION,
            "street_address": "",
            "postcode": "",
            "city": "",
        }
    if re.match(r"(?i)^https?://", text):
        return {"venue": Activity.Venue.ONLINE, "street_address": "", "postcode": "", "city": ""}
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if parts and parts[-1].lower() in COUNTRIES:
        parts = parts[:-1]
    fields = {"venue": Activity.Venue.ADDRESS, "postcode": "", "city": ""}
    for index in range(len(parts) - 1, 0, -1):
        match = POSTCODE_AND_CITY.match(parts[index])
        if match:
            fields["postcode"] = match["postcode"].replace(" ", "")[:10]
            fields["city"] = match["city"][:100]
            parts = parts[:index]
            break
    fields["street_address"] = ", ".join(parts)[:200]
    return fields


# --- events ------------------------------------------------------------------------------


def _instant_key(value) -> str:
    if isinstance(value, datetime.datetime):
        return (
            value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
            if value.tzinfo
            else f"{value:%Y%m%dT%H%M%S}"
        )
    return f"{value:%Y%m%d}"


def _is_cancelled(event: icalendar.Event) -> bool:
    return str(event.get("STATUS", "")).upper() == "CANCELLED"


def _common(event: icalendar.Event, when: When) -> dict:
    summary = _text(event.get("SUMMARY"))
    if not summary:
        raise SkipEvent("no SUMMARY")
    return {
        "title": summary[:200],
        "description": _text(event.get("DESCRIPTION"))[:MAX_DESCRIPTION_CHARS],
        "starts_at": when.starts_at,
        "ends_at": when.ends_at,
        "time_zone": when.zone,
        "rrule": "",
        "exception_dates": [],
        "extra_dates": [],
        "category": category(summary, _categories(event)),
        **place(_text(event.get("LOCATION"))),
    }


def _one_off(key: str, event: icalendar.Event, when: When) -> FeedEvent:
    return FeedEvent(
        key=key,
        fields=_common(event, when),
        cancelled=_is_cancelled(event),
        ends_at_last=when.ends_at,
    )


def _series(
    uid: str,
    master: icalendar.Event,
    overrides: list[icalendar.Event],
    zones: Zones,
    now: datetime.datetime,
) -> list[FeedEvent]:
    """The activity of a VEVENT with its rule, and the one-off activities its single dates
    need (moved or changed dates, dates at another hour)."""
    when = _when(master, zones)
    zone = zoneinfo.ZoneInfo(when.zone)
    dtstart = when.local_start
    duration = when.ends_at.astimezone(zone).replace(tzinfo=None) - dtstart
    cutoff = (now - KEEP_PAST).astimezone(zone).replace(tzinfo=None)
    exdates = [_local(v, zone) for v in _values(master, "EXDATE")]
    excluded_instants = set(exdates)
    excluded_days = {d.date() for d in exdates}
    extra_days: set[datetime.date] = set()
    one_offs: list[tuple[str, datetime.datetime]] = []  # (key, local start)
    cancelled: list[datetime.datetime] = []

    text, first = _rule_text(master, zone), dtstart
    if text:
        text, rule_first = _anchor(text, dtstart, not_before=cutoff)
        if rule_first is None:
            text = ""  # the rule gives nothing from the cut-off on: DTSTART alone is left
        else:
            first = rule_first
            if dtstart != first and dtstart >= cutoff and dtstart not in excluded_instants:
                # DTSTART off the rule: calendars count it, and our first date is on the rule.
                if dtstart.time() == first.time():
                    extra_days.add(dtstart.date())
                else:
                    one_offs.append((f"{uid}|DTSTART", dtstart))

    for value in _values(master, "RDATE"):
        local = _local(value, zone)
        if local in excluded_instants or local < cutoff:
            continue
        if local.time() == first.time():
            extra_days.add(local.date())
        else:
            one_offs.append((f"{uid}|RDATE|{_instant_key(value)}", local))

    events: list[FeedEvent] = []
    for override in overrides:
        rid_prop = override["RECURRENCE-ID"]
        if str(rid_prop.params.get("RANGE", "")).upper() == "THISANDFUTURE":
            raise SkipEvent("RECURRENCE-ID with RANGE=THISANDFUTURE")
        rid_local = _local(rid_prop.dt, zone)
        if _is_cancelled(override):
            cancelled.append(rid_local.replace(tzinfo=zone).astimezone(UTC))
            continue
        excluded_days.add(rid_local.date())
        events.append(
            _one_off(f"{uid}|{_instant_key(rid_prop.dt)}", override, _when(override, zones))
        )

    fields = _common(master, when)
    fields.update(
        starts_at=first.replace(tzinfo=zone),
        ends_at=(first + duration).replace(tzinfo=zone),
        rrule=text,
        exception_dates=sorted(d.isoformat() for d in excluded_days if d >= first.date()),
        extra_dates=sorted(d.isoformat() for d in extra_days if d not in excluded_days),
    )
    dates = [datetime.datetime.combine(d, first.time()) for d in extra_days] + [first]
    last_end: datetime.datetime | None = None
    rule = _rule(text, first) if text else None
    if rule is None or rule._until or rule._count:
        # Only whether the series ended before the cut-off matters (FeedReading.past): read
        # the rule's dates up to its first one from the cut-off on, never every date up to an
        # UNTIL in 9999 (FREQ=DAILY gives 2.9 million of them, 25 s per event).
        upcoming = rule.after(cutoff, inc=True) if rule is not None else None
        if upcoming is not None:
            dates.append(upcoming)
        elif rule is not None:
            dates.extend(rule.between(first, cutoff, inc=True))
        last_end = (max(dates) + duration).replace(tzinfo=zone)
    master_event = FeedEvent(
        key=uid,
        fields=fields,
        cancelled=_is_cancelled(master),
        cancelled_starts=cancelled,
        ends_at_last=last_end,
    )
    for key, local in one_offs:
        one_when = When(
            local.replace(tzinfo=zone), (local + duration).replace(tzinfo=zone), when.zone, False
        )
        events.append(_one_off(key, master, one_when))
    return [master_event, *events]


def read(body: bytes, *, default_zone: str, now: datetime.datetime) -> FeedReading:
    """Every activity the feed describes (NotICalendar when it is not a calendar)."""
    calendar = parse(body)
    wr_zone = _calendar_zone(calendar)
    zones = Zones(floating=wr_zone or default_zone, utc=wr_zone or "UTC")
    masters: dict[str, icalendar.Event] = {}
    overrides: dict[str, list[icalendar.Event]] = {}
    reading = FeedReading()
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("UID", "")).strip()[:400]
        if not uid:
            reading.skipped.append(("?", "no UID"))
            continue
        if event.get("RECURRENCE-ID") is not None:
            overrides.setdefault(uid, []).append(event)
        else:
            masters[uid] = event
    for uid in sorted(set(masters) | set(overrides)):
        try:
            if uid in masters:
                found = _series(uid, masters[uid], overrides.get(uid, []), zones, now)
            else:
                # Single dates whose series is not in the feed: each is an event of its own.
                found = [
                    _one_off(f"{uid}|{_instant_key(o['RECURRENCE-ID'].dt)}", o, _when(o, zones))
                    for o in overrides[uid]
                ]
        except SkipEvent as skip:
            reading.skipped.append((uid, str(skip)))
            continue
        except (ValueError, TypeError, AttributeError, KeyError, IndexError) as error:
            # A property icalendar could not read (DTSTART:garbage, a PERIOD where a date
            # belongs, DTSTART twice): this event is left out, the rest of the feed is read.
            reading.skipped.append((uid, f"unreadable: {error}"[:300]))
            continue
        for event in found:
            if event.ends_at_last is not None and event.ends_at_last < now - KEEP_PAST:
                reading.past.add(event.key)
            else:
                reading.events.append(event)
    return reading
