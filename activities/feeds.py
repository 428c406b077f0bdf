"""iCalendar feeds and schema.org Event data of activities.

A recurring activity is one VEVENT with its RRULE, RDATE and EXDATE in its own time zone
(with a VTIMEZONE), so that calendar programs expand the same dates as our occurrences.
A cancelled date is an EXDATE; a cancelled series has STATUS:CANCELLED and the notice.
"""

from __future__ import annotations

import datetime
import zoneinfo

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services
from .models import Activity

PRODID = "-//Buurtkaart//Activiteiten//NL"
FEED_TIME_ZONE = "Europe/Brussels"


def _rule(activity: Activity, zone: zoneinfo.ZoneInfo) -> icalendar.vRecur:
    """Our rule as a vRecur; a local UNTIL becomes UTC, as RFC 5545 asks with a TZID start."""
    recur = icalendar.vRecur.from_ical(activity.rrule.removeprefix("RRULE:"))
    until = recur.get("UNTIL")
    if until:
        value = until[0]
        if isinstance(value, datetime.datetime) and value.tzinfo is None:
            recur["UNTIL"] = [value.replace(tzinfo=zone).astimezone(datetime.UTC)]
        elif not isinstance(value, datetime.datetime):
            end_of_day = datetime.datetime.combine(value, datetime.time(23, 59, 59), zone)
            recur["UNTIL"] = [end_of_day.astimezone(datetime.UTC)]
    return recur


def activity_event(activity: Activity, *, base_url: str) -> icalendar.Event:
    zone = zoneinfo.ZoneInfo(activity.time_zone)
    schedule = services.schedule_of(activity)
    start = activity.starts_at.astimezone(zone)
    first_local = schedule.local_start()
    event = icalendar.Event()
    event.add("uid", f"activity-{activity.pk}@buurtkaart")
    event.add("summary", activity.title)
    event.add("dtstamp", activity.updated_at or timezone.now())
    event.add("dtstart", start)
    event.add("dtend", start + schedule.local_duration())
    description = activity.description
    if activity.status == Activity.Status.CANCELLED:
        event.add("status", "CANCELLED")
        description = f"{_('Cancelled')}: {activity.cancel_notice}\n\n{description}".strip()
    else:
        event.add("status", "CONFIRMED")
    if description:
        event.add("description", description)
    if activity.address:
        event.add("location", activity.address)
    event.add("url", base_url + activity.get_absolute_url())
    if activity.rrule:
        event.add("rrule", _rule(activity, zone))
    for day in schedule.extra_dates:
        event.add("rdate", datetime.datetime.combine(day, first_local.time(), zone))
    exdates = {
        datetime.datetime.combine(d, first_local.time(), zone) for d in schedule.exception_dates
    }
    exdates |= {
        o.starts_at.astimezone(zone) for o in getattr(activity, "cancelled_occurrences", [])
    }
    for value in sorted(exdates):
        event.add("exdate", value)
    return event


def calendar(activities, *, name: str, base_url: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", FEED_TIME_ZONE)
    for activity in activities:
        cal.add_component(activity_event(activity, base_url=base_url))
    cal.add_missing_timezones()
    if not cal.subcomponents:
        # RFC 5545 wants at least one component in a calendar: a feed with no activities
        # (yet) carries the time zone it names.
        cal.add_component(icalendar.Timezone.from_tzid(FEED_TIME_ZONE))
    return cal.to_ical()


# --- schema.org -----------------------------------------------------------------------------

EVENT_STATUS = "https://schema.org/EventScheduled"
CANCELLED_STATUS = "https://schema.org/EventCancelled"
DAY_NAMES = {
    "MO": "https://schema.org/Monday",
    "TU": "https://schema.org/Tuesday",
    "WE": "https://schema.org/Wednesday",
    "TH": "https://schema.org/Thursday",
    "FR": "https://schema.org/Friday",
    "SA": "https://schema.org/Saturday",
    "SU": "https://schema.org/Sunday",
}
FREQUENCIES = {"DAILY": "P1D", "WEEKLY": "P1W", "MONTHLY": "P1M", "YEARLY": "P1Y"}


def _schedule_ld(activity: Activity) -> dict:
    zone = zoneinfo.ZoneInfo(activity.time_zone)
    schedule = services.schedule_of(activity)
    start = schedule.local_start()
    end = start + schedule.local_duration()
    recur = icalendar.vRecur.from_ical(activity.rrule.removeprefix("RRULE:"))
    data = {
        "@type": "Schedule",
        "startDate": start.date().isoformat(),
        "startTime": start.time().isoformat("minutes"),
        "endTime": end.time().isoformat("minutes"),
        "scheduleTimezone": activity.time_zone,
    }
    freq = recur.get("FREQ", [""])[0]
    interval = recur.get("INTERVAL", [1])[0]
    if freq in FREQUENCIES:
        data["repeatFrequency"] = FREQUENCIES[freq].replace("1", str(interval), 1)
    days = [str(d) for d in recur.get("BYDAY", [])]
    if days:
        data["byDay"] = [DAY_NAMES.get(d[-2:], d) for d in days]
        if any(d[:-2] for d in days):
            data["byMonthWeek"] = [int(d[:-2]) for d in days if d[:-2]]
    if recur.get("UNTIL"):
        until = recur["UNTIL"][0]
        data["endDate"] = (
            until.date() if isinstance(until, datetime.datetime) else until
        ).isoformat()
    if recur.get("COUNT"):
        data["repeatCount"] = recur["COUNT"][0]
    if schedule.exception_dates:
        data["exceptDate"] = [
            datetime.datetime.combine(d, start.time(), zone).isoformat()
            for d in schedule.exception_dates
        ]
    return data


def activity_json_ld(activity: Activity, *, base_url: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": activity.title,
        "description": activity.description,
        "url": base_url + activity.get_absolute_url(),
        "startDate": activity.starts_at.astimezone(
            zoneinfo.ZoneInfo(activity.time_zone)
        ).isoformat(),
        "endDate": activity.ends_at.astimezone(zoneinfo.ZoneInfo(activity.time_zone)).isoformat(),
        "eventStatus": CANCELLED_STATUS
        if activity.status == Activity.Status.CANCELLED
        else EVENT_STATUS,
        "organizer": {
            "@type": "Organization",
            "name": activity.organisation.name,
            "url": base_url + activity.organisation.get_absolute_url(),
        },
        "isAccessibleForFree": activity.cost == Activity.Cost.FREE,
    }
    if activity.venue in (Activity.Venue.ONLINE, Activity.Venue.PHONE):
        data["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
        data["location"] = {"@type": "VirtualLocation", "url": data["url"]}
    else:
        data["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
        place = {"@type": "Place", "address": activity.address}
        if activity.point:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": activity.point.y,
                "longitude": activity.point.x,
            }
        data["location"] = place
    if activity.cost == Activity.Cost.PAID and activity.price is not None:
        data["offers"] = {"@type": "Offer", "price": str(activity.price), "priceCurrency": "EUR"}
    if activity.rrule:
        data["eventSchedule"] = _schedule_ld(activity)
    return data
