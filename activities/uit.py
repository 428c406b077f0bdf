"""Import of UiTdatabank events (search API v3 JSON-LD) as activities.

Mapping, and what is left out (said in the report):
- calendarType single: start and end; multiple: the first subEvent, the other subEvents as
  extra dates (at the first one's hour: a different hour is reported); periodic: a weekly rule
  from the first openingHours until the end date; permanent: the same without end. Periodic or
  permanent events without openingHours have no dates we can show and are skipped.
- location with geo: the point is used as given; without geo, the address is geocoded.
- organizer: the organisation with that name, else a new one that waits for a moderator.
- priceInfo: base price 0 is free, otherwise paid; a category "uitpas" (or a tariff named
  kansentarief) gives the reduced rate. terms: the event type becomes a category.
Idempotent by the event's @id.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction

from buurt.models import Organisation
from buurt.services import organisation_insert
from core.moderation import ModerationState

from .models import Activity
from .services import activity_needs_review, activity_save, activity_start_align

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
DAYS = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}
# Words in UiTdatabank event types → our categories (first match wins).
CATEGORY_WORDS = [
    (("concert", "theater", "voorstelling", "film", "tentoonstelling", "kunst", "dans"), "culture"),
    (("sport", "beweging", "wandel", "fiets"), "sports"),
    (("eten", "drank", "lunch", "maaltijd"), "meal"),
    (("cursus", "workshop", "lezing", "opleiding"), "learning"),
    (("uitstap", "rondleiding", "excursie"), "outing"),
    (("kennismaking", "babbel", "taal", "ontmoeting"), "conversation"),
]
FACILITIES = {
    "rolstoel": "wheelchair_accessible",
    "ringleiding": "hearing_loop",
    "prikkelarm": "quiet_space",
}


class Skip(Exception):
    pass


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    organisations_created: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (@id or file, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)


def read_events(path: Path) -> Iterator[tuple[str, dict | None, str]]:
    """(source, event, error) for every event in a file or in the *.json(ld) files of a folder:
    a single event, a list of events, or a search result with "member"."""
    files = sorted(
        p for p in (path.iterdir() if path.is_dir() else [path]) if p.suffix in (".json", ".jsonld")
    )
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            yield file.name, None, f"unreadable JSON: {error}"
            continue
        items = data.get("member", [data]) if isinstance(data, dict) else data
        if not isinstance(items, list):
            yield file.name, None, "neither an event nor a list of events"
            continue
        for item in items:
            if not isinstance(item, dict):
                yield file.name, None, "an item that is not an object"
                continue
            yield str(item.get("@id") or file.name), item, ""


def _text(value, default: str = "") -> str:
    """A UiTdatabank text: a plain string or {"nl": ..., "fr": ...}; Dutch first."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for language in ("nl", "fr", "en", "de"):
            if value.get(language):
                return str(value[language])
        return next((str(v) for v in value.values() if v), default)
    return default


def _datetime(value) -> datetime.datetime:
    try:
        parsed = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise Skip(f"not a date: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=BRUSSELS)


def _time(value: str) -> datetime.time:
    try:
        return datetime.time.fromisoformat(value)
    except (TypeError, ValueError):
        raise Skip(f"not a time: {value!r}") from None


def _schedule(event: dict, warnings: list[str]) -> dict:
    kind = event.get("calendarType")
    if kind == "single":
        starts = _datetime(event.get("startDate"))
        ends = _datetime(event.get("endDate") or event.get("startDate"))
        return {"starts_at": starts, "ends_at": ends if ends > starts else starts + _hours(2)}
    if kind == "multiple":
        subs = sorted(
            (_datetime(s["startDate"]), _datetime(s.get("endDate") or s["startDate"]))
            for s in event.get("subEvent") or []
            if isinstance(s, dict) and s.get("startDate")
        )
        if not subs:
            raise Skip("calendarType multiple without subEvent")
        starts, ends = subs[0]
        first_time = starts.astimezone(BRUSSELS).time()
        if any(s.astimezone(BRUSSELS).time() != first_time for s, _e in subs[1:]):
            warnings.append("subEvents at different hours: all shown at the first one's hour")
        return {
            "starts_at": starts,
            "ends_at": ends if ends > starts else starts + _hours(2),
            "extra_dates": sorted(
                {s.astimezone(BRUSSELS).date().isoformat() for s, _e in subs[1:]}
            ),
        }
    if kind in ("periodic", "permanent"):
        hours = [h for h in event.get("openingHours") or [] if isinstance(h, dict)]
        if not hours:
            raise Skip(f"calendarType {kind} without openingHours")
        first = hours[0]
        days = [DAYS[d] for d in first.get("dayOfWeek") or [] if d in DAYS]
        if not days:
            raise Skip("openingHours without days")
        if len(hours) > 1:
            warnings.append("several openingHours: only the first is used")
        opens, closes = _time(first.get("opens")), _time(first.get("closes"))
        begin = (
            _datetime(event["startDate"]).astimezone(BRUSSELS).date()
            if event.get("startDate")
            else datetime.date.today()
        )
        starts = datetime.datetime.combine(begin, opens, BRUSSELS)
        ends = datetime.datetime.combine(begin, closes, BRUSSELS)
        rule = f"FREQ=WEEKLY;BYDAY={','.join(days)}"
        if kind == "periodic" and event.get("endDate"):
            until = _datetime(event["endDate"]).astimezone(BRUSSELS).date()
            rule += f";UNTIL={until:%Y%m%d}T235959"
        # The rule's first date is the first listed day on or after the start date: the import
        # moves the start there (activity_start_align) before saving.
        return {
            "starts_at": starts,
            "ends_at": ends if ends > starts else starts + _hours(2),
            "rrule": rule,
        }
    raise Skip(f"unknown calendarType {kind!r}")


def _hours(n: int) -> datetime.timedelta:
    return datetime.timedelta(hours=n)


def _price(event: dict) -> dict:
    infos = [p for p in event.get("priceInfo") or [] if isinstance(p, dict)]
    fields: dict = {"cost": Activity.Cost.FREE, "price": None, "reduced_rate": False}
    base = next((p for p in infos if p.get("category") == "base"), None)
    if base is not None and float(base.get("price") or 0) > 0:
        fields.update(cost=Activity.Cost.PAID, price=round(float(base["price"]), 2))
    for info in infos:
        name = _text(info.get("name")).lower()
        if info.get("category") == "uitpas" or "kansentarief" in name:
            fields["reduced_rate"] = True
    return fields


def _terms(event: dict) -> dict:
    fields: dict = {"category": Activity.Category.OTHER}
    for term in event.get("terms") or []:
        label = str(term.get("label", "")).lower() if isinstance(term, dict) else ""
        if term.get("domain") == "eventtype" and fields["category"] == Activity.Category.OTHER:
            fields["category"] = next(
                (cat for words, cat in CATEGORY_WORDS if any(w in label for w in words)),
                Activity.Category.OTHER,
            )
        for word, name in FACILITIES.items():
            if word in label:
                fields[name] = True
    return fields


def _location(event: dict) -> dict:
    location = event.get("location") or {}
    if not isinstance(location, dict):
        return {"venue": Activity.Venue.ONLINE}
    if location.get("isDummyPlaceForEducationEvents") or event.get("attendanceMode") == "online":
        return {"venue": Activity.Venue.ONLINE}
    address = location.get("address") or {}
    address = (
        address.get("nl") or next(iter(address.values()), {})
        if "streetAddress" not in address
        else address
    )
    fields = {
        "venue": Activity.Venue.ADDRESS,
        "street_address": str(address.get("streetAddress", ""))[:200],
        "postcode": str(address.get("postalCode", ""))[:10],
        "city": str(address.get("addressLocality", ""))[:100],
    }
    geo = location.get("geo") or {}
    with contextlib.suppress(KeyError, TypeError, ValueError):
        fields["point"] = Point(float(geo["longitude"]), float(geo["latitude"]), srid=4326)
    if not fields["street_address"]:
        raise Skip("location without an address")
    return fields


def _organisation(event: dict, report: ImportReport) -> Organisation:
    organizer = event.get("organizer") or {}
    name = _text(organizer.get("name")).strip()[:200] if isinstance(organizer, dict) else ""
    if not name:
        raise Skip("no organizer")
    organisation = Organisation.objects.filter(name__iexact=name).first()
    if organisation:
        return organisation
    emails = organizer.get("email") or []
    organisation = Organisation(
        name=name,
        kind=Organisation.Kind.OTHER,
        status=Organisation.Status.PUBLISHED,
        moderation_state=ModerationState.PENDING,
        email=emails[0] if isinstance(emails, list) and emails else "",
    )

    def insert():
        organisation.full_clean()
        organisation.save()

    organisation_insert(organisation=organisation, name=name, insert=insert)
    report.organisations_created += 1
    return organisation


def event_import(
    event: dict,
    *,
    report: ImportReport,
    organisation: Organisation | None = None,
    publish: bool = True,
) -> Activity:
    """Create or update the activity of one event; raises Skip with the reason. With an
    `organisation` (a subscription's), the event is its own whoever the organizer is;
    `publish` False makes new events drafts."""
    uit_id = str(event.get("@id") or "").strip()
    if not uit_id:
        raise Skip("no @id")
    title = _text(event.get("name")).strip()
    if not title:
        raise Skip("no name")
    warnings: list[str] = []
    fields = {
        "title": title[:200],
        "description": _text(event.get("description"))[:10_000],
        **_schedule(event, warnings),
        **_price(event),
        **_terms(event),
        **_location(event),
    }
    with transaction.atomic():
        activity = Activity.objects.filter(uit_id=uit_id).first()
        created = activity is None
        if created:
            activity = Activity(
                uit_id=uit_id, organisation=organisation or _organisation(event, report)
            )
        for name, value in fields.items():
            setattr(activity, name, value)
        if created and not publish:
            activity.status = Activity.Status.DRAFT
        elif created:
            activity.status = Activity.Status.PUBLISHED
            needs_review = activity_needs_review(AnonymousUser(), activity)
            activity.moderation_state = (
                ModerationState.PENDING if needs_review else ModerationState.APPROVED
            )
        activity_start_align(activity)
        try:
            activity_save(activity=activity)
        except ValidationError as error:
            raise Skip(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from None
    if created:
        report.created += 1
    else:
        report.updated += 1
    report.warnings += [(uit_id, w) for w in warnings]
    return activity


class DryRun(Exception):
    """Raised at the end of a dry run to roll everything back."""


def events_import(path: Path, *, dry_run: bool = False, progress=None) -> ImportReport:
    """Import every event under `path`; skipped items are listed with their reason."""
    report = ImportReport()
    events = list(read_events(path))
    try:
        with transaction.atomic():
            for source, event, error in events:
                if progress:
                    progress(1)
                if error:
                    report.skipped.append((source, error))
                    continue
                try:
                    event_import(event, report=report)
                except Skip as skip:
                    report.skipped.append((source, str(skip)))
            if dry_run:
                raise DryRun
    except DryRun:
        pass
    return report


def count_events(path: Path) -> int:
    return sum(1 for _item in read_events(path))
