"""Dates of an activity from its RFC 5545 rule, in its own time zone, correct across DST.

The rule is expanded on local wall-clock times (19:30 stays 19:30 in summer and in winter)
and each date is then given its zone's offset for that day. No models here.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import zoneinfo
from dataclasses import dataclass

from dateutil import rrule as du_rrule
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext, ngettext, pgettext
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


# --- The first date, and the repetition in plain words -----------------------------------


def first_date(schedule: Schedule) -> datetime.datetime | None:
    """The first date-time (aware, in the activity's zone) the rule gives on or after the
    start; None when the rule gives none. Without a rule: the start itself.

    RFC 5545 leaves the set undefined when DTSTART does not match the rule, and clients differ
    (some list DTSTART, some do not): we store only starts that the rule gives."""
    if not schedule.rule:
        return schedule.starts_at.astimezone(schedule.zone)
    start = schedule.local_start()
    found = parse_rule(schedule.rule, dtstart=start).after(start, inc=True)
    return None if found is None else found.replace(tzinfo=schedule.zone)


def check_start(schedule: Schedule) -> None:
    """Refuse a start the rule does not give, naming the date it gives first."""
    first = first_date(schedule)
    if first is None:
        raise ValidationError(
            _("This repeat rule gives no date from the first date on: check its end."),
            code="rrule_empty",
        )
    if first.replace(microsecond=0) != schedule.starts_at.astimezone(schedule.zone).replace(
        microsecond=0
    ):
        raise ValidationError(
            _(
                "The first date must be a date of the repetition: it gives %(date)s first. "
                "Start on that date."
            ),
            params={"date": formats.date_format(first, "WEEKDAY_DATETIME_YEAR_FORMAT")},
            code="rrule_start",
        )


def aligned(schedule: Schedule) -> Schedule:
    """The schedule starting on the first date its rule gives (same hours and duration)."""
    first = first_date(schedule)
    if first is None or first == schedule.starts_at:
        return schedule
    local_end = (first.replace(tzinfo=None) + schedule.local_duration()).replace(
        tzinfo=schedule.zone
    )
    return dataclasses.replace(schedule, starts_at=first, ends_at=local_end)


def next_dates(
    schedule: Schedule, *, now: datetime.datetime, limit: int = 8
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The next `limit` occurrences from `now` (or from the start, when later), within a
    year: the preview of the activity form."""
    begin = max(now, schedule.starts_at)
    return occurrences(schedule, start=begin, end=begin + datetime.timedelta(days=HORIZON_DAYS))[
        :limit
    ]


WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ORDINALS = (1, 2, 3, 4, -1)


class Kind:
    ONCE = "once"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"
    DATES = "dates"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Repetition:
    """How often, as a volunteer says it: every week on Tuesday and Thursday, the first
    Monday of the month, ... `weekdays` are 0 (Monday) to 6; `ordinal` 1-4 or -1 (the last)."""

    kind: str = Kind.ONCE
    weekdays: tuple[int, ...] = ()
    ordinal: int = 0
    until: datetime.date | None = None
    count: int | None = None

    def rule(self) -> str:
        """The RFC 5545 rule (without DTSTART); "" for once or a list of dates."""
        days = ",".join(WEEKDAY_CODES[day] for day in sorted(set(self.weekdays)))
        if self.kind == Kind.WEEKLY:
            rule = f"FREQ=WEEKLY;BYDAY={days}"
        elif self.kind == Kind.BIWEEKLY:
            rule = f"FREQ=WEEKLY;INTERVAL=2;BYDAY={days}"
        elif self.kind == Kind.MONTHLY:
            rule = f"FREQ=MONTHLY;BYDAY={self.ordinal}{WEEKDAY_CODES[self.weekdays[0]]}"
        else:
            return ""
        if self.until:
            rule += f";UNTIL={self.until:%Y%m%d}T235959"
        elif self.count:
            rule += f";COUNT={self.count}"
        return rule


_NTH_DAY = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")


def _rule_parts(rule: str) -> dict[str, str]:
    parts = {}
    for part in rule.strip().upper().removeprefix("RRULE:").split(";"):
        name, _sep, value = part.partition("=")
        if name:
            parts[name.strip()] = value.strip()
    return parts


def _until(value: str) -> datetime.date | None:
    try:
        return datetime.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return None


def repetition_of(rule: str, *, start: datetime.date) -> Repetition | None:
    """The plain-words repetition a rule says, or None when it says more (BYMONTH, several
    weekdays of the month, every three weeks, ...): then it is shown as a rule.
    A weekly rule without BYDAY repeats on the start's weekday."""
    if not rule.strip():
        return Repetition()
    parts = _rule_parts(rule)
    freq = parts.pop("FREQ", "")
    interval = parts.pop("INTERVAL", "1")
    parts.pop("WKST", None)
    until = _until(parts.pop("UNTIL")) if "UNTIL" in parts else None
    count = int(parts.pop("COUNT")) if parts.get("COUNT", "").isdigit() else None
    parts.pop("COUNT", None)
    days = [_NTH_DAY.match(day) for day in parts.pop("BYDAY", "").split(",") if day]
    if parts or not all(days) or interval not in ("1", "2"):
        return None
    common = {"until": until, "count": count}
    if freq == "WEEKLY" and not any(match[1] for match in days):
        weekdays = tuple(WEEKDAY_CODES.index(match[2]) for match in days) or (start.weekday(),)
        kind = Kind.WEEKLY if interval == "1" else Kind.BIWEEKLY
        return Repetition(kind=kind, weekdays=weekdays, **common)
    if freq == "MONTHLY" and interval == "1" and len(days) == 1 and days[0][1]:
        ordinal = int(days[0][1])
        if ordinal in ORDINALS:
            return Repetition(
                kind=Kind.MONTHLY,
                weekdays=(WEEKDAY_CODES.index(days[0][2]),),
                ordinal=ordinal,
                **common,
            )
    return None


def ordinal_labels() -> dict[int, str]:
    return {
        1: pgettext("week of the month", "first"),
        2: pgettext("week of the month", "second"),
        3: pgettext("week of the month", "third"),
        4: pgettext("week of the month", "fourth"),
        -1: pgettext("week of the month", "last"),
    }


def weekday_name(day: int) -> str:
    """Monday (en) / maandag (nl) / lundi (fr): Django's own translations."""
    return str(WEEKDAYS[day])


def join_words(words: list[str]) -> str:
    """ "Monday, Tuesday and Thursday" in the active language."""
    if len(words) < 2:
        return "".join(words)
    return gettext("%(items)s and %(last)s") % {"items": ", ".join(words[:-1]), "last": words[-1]}


def describe(
    rule: str,
    start: datetime.datetime,
    *,
    extra_dates: tuple[datetime.date, ...] | list[datetime.date] = (),
) -> str:
    """The repetition in the active language's words: "every Tuesday at 19:30", "elke eerste
    maandag van de maand om 14:00", "toutes les deux semaines le jeudi à 10:00". `start` is
    the local first date-time. "" when there is nothing to summarise (a one-off) or the rule
    says more than plain words can (the dates are shown instead)."""
    time = f"{start:%H:%M}"
    repetition = repetition_of(rule, start=start.date()) if rule else None
    if rule and repetition is None:
        parts = _rule_parts(rule)
        daily = parts.get("FREQ") == "DAILY" and parts.get("INTERVAL", "1") == "1"
        if daily and set(parts) <= {"FREQ", "INTERVAL", "WKST"}:
            return gettext("every day at %(time)s") % {"time": time}
        return ""
    if repetition is None or repetition.kind == Kind.ONCE:
        if not extra_dates:
            return ""
        days = sorted({start.date(), *extra_dates})
        if len(days) > 4:
            return ngettext(
                "on %(count)d date at %(time)s", "on %(count)d dates at %(time)s", len(days)
            ) % {"count": len(days), "time": time}
        return gettext("on %(dates)s at %(time)s") % {
            "dates": join_words([formats.date_format(day, "j F") for day in days]),
            "time": time,
        }
    days = join_words([weekday_name(day) for day in repetition.weekdays])
    if repetition.kind == Kind.WEEKLY:
        text = gettext("every %(days)s at %(time)s") % {"days": days, "time": time}
    elif repetition.kind == Kind.BIWEEKLY:
        text = gettext("every two weeks on %(days)s at %(time)s") % {"days": days, "time": time}
    else:
        text = gettext("every %(ordinal)s %(day)s of the month at %(time)s") % {
            "ordinal": ordinal_labels()[repetition.ordinal],
            "day": days,
            "time": time,
        }
    if repetition.until:
        text = gettext("%(summary)s, until %(date)s") % {
            "summary": text,
            "date": formats.date_format(repetition.until, "DATE_FORMAT"),
        }
    if extra_dates:
        text = ngettext(
            "%(summary)s, and on %(count)d other date",
            "%(summary)s, and on %(count)d other dates",
            len(extra_dates),
        ) % {"summary": text, "count": len(extra_dates)}
    return text
