"""Dates of an activity from its RFC 5545 rule, in its own time zone, correct across DST.

The rule is expanded on local wall-clock times (19:30 stays 19:30 in summer and in winter)
and each date is then given its zone's offset for that day. No models here.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from dateutil import rrule as du_rrule
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

HORIZON_DAYS = 366
# More than one a day on average over a year, or more dates than anyone keeps up to date,
# is a mistake (FREQ=HOURLY, a forgotten BYHOUR), not an activity.
MAX_PER_YEAR = 366
MAX_COUNT = 1000
REFUSED_FREQUENCIES = {du_rrule.SECONDLY, du_rrule.MINUTELY, du_rrule.HOURLY}


@dataclass(frozen=True)
class Schedule:
    starts_at: datetime.datetime  # aware
    ends_at: datetime.datetime  # aware
    time_zone: str
    rule: str = ""  # without DTSTART, e.g. "FREQ=WEEKLY;BYDAY=TU"
    exception_dates: tuple[datetime.date, ...] = ()
    extra_dates: tuple[datetime.date, ...] = ()

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_start(self) -> datetime.datetime:
        # dateutil drops microseconds from its dates: so do we, or the first date doubles.
        return self.starts_at.astimezone(self.zone).replace(tzinfo=None, microsecond=0)

    def local_duration(self) -> datetime.timedelta:
        """Wall-clock duration: 19:30-22:00 lasts 2.5 h also on the night the clocks change."""
        zone = self.zone
        end = self.ends_at.astimezone(zone).replace(tzinfo=None, microsecond=0)
        return end - self.local_start()


def parse_rule(rule: str, *, dtstart: datetime.datetime) -> du_rrule.rrule:
    """The dateutil rule for `rule` (naive local `dtstart`); ValidationError if unusable."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if "DTSTART" in text.upper() or "\n" in text:
        raise ValidationError(_("Give only the repeat rule, without DTSTART."), code="rrule")
    try:
        parsed = du_rrule.rrulestr(text, dtstart=dtstart)
    except (ValueError, TypeError, OverflowError):
        raise ValidationError(
            _("This repeat rule is not valid (RFC 5545), for example FREQ=WEEKLY;BYDAY=TU."),
            code="rrule",
        ) from None
    if not isinstance(parsed, du_rrule.rrule):
        raise ValidationError(_("Give one repeat rule."), code="rrule")
    if parsed._freq in REFUSED_FREQUENCIES:
        raise ValidationError(
            _("An activity repeats at most daily: hourly or more often is refused."),
            code="rrule_too_often",
        )
    if parsed._count and parsed._count > MAX_COUNT:
        raise ValidationError(
            _("At most %(max)d repetitions.") % {"max": MAX_COUNT}, code="rrule_count"
        )
    return parsed


def check(schedule: Schedule) -> None:
    """Refuse a schedule that would produce an absurd number of dates."""
    if not schedule.rule:
        return
    start = schedule.local_start()
    rule = parse_rule(schedule.rule, dtstart=start)
    year_later = start + datetime.timedelta(days=365)
    for count, date in enumerate(rule.xafter(start, inc=True), start=1):
        if date > year_later:
            break
        if count > MAX_PER_YEAR:
            raise ValidationError(
                _(
                    "This rule gives more than %(max)d dates in a year. "
                    "Check the rule: an activity takes place at most once a day."
                )
                % {"max": MAX_PER_YEAR},
                code="rrule_too_many",
            )


def occurrences(
    schedule: Schedule, *, start: datetime.datetime, end: datetime.datetime
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """(start, end) pairs, aware in the activity's zone, of occurrences that start in
    [start, end). Exception dates (local days) are left out; extra dates are added at the
    activity's usual time."""
    zone = schedule.zone
    first = schedule.local_start()
    duration = schedule.local_duration()
    local_times: set[datetime.datetime] = {first}
    if schedule.rule:
        rule = parse_rule(schedule.rule, dtstart=first)
        window_start = start.astimezone(zone).replace(tzinfo=None) - datetime.timedelta(days=1)
        window_end = end.astimezone(zone).replace(tzinfo=None) + datetime.timedelta(days=1)
        local_times.update(rule.between(window_start, window_end, inc=True))
    for day in schedule.extra_dates:
        local_times.add(datetime.datetime.combine(day, first.time()))
    skipped = set(schedule.exception_dates)
    found = []
    for local in sorted(local_times):
        if local.date() in skipped:
            continue
        begin = local.replace(tzinfo=zone)
        if start <= begin < end:
            finish = (local + duration).replace(tzinfo=zone)
            found.append((begin, finish))
    return found
