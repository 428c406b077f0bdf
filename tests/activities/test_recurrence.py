"""Occurrences from RFC 5545 rules in Europe/Brussels, across daylight-saving changes."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from activities import recurrence
from activities.recurrence import Schedule
from tests.factories import brussels

BRUSSELS = ZoneInfo("Europe/Brussels")
UTC = datetime.UTC


def _schedule(rule="", start=None, hours=2.5, **kwargs):
    start = start or brussels(2026, 10, 13, 19, 30)  # a Tuesday
    return Schedule(
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=hours),
        time_zone="Europe/Brussels",
        rule=rule,
        **kwargs,
    )


def _expand(schedule, days=60):
    start = schedule.starts_at
    return recurrence.occurrences(schedule, start=start, end=start + datetime.timedelta(days=days))


def test_weekly_tuesday_keeps_its_local_time_across_the_autumn_dst_change():
    # Summer time ends on Sunday 25 October 2026: 19:30 is 17:30 UTC before, 18:30 UTC after.
    dates = _expand(_schedule("FREQ=WEEKLY;BYDAY=TU;COUNT=3"))
    assert [s.astimezone(UTC).hour for s, _e in dates] == [17, 17, 18]
    assert [s.astimezone(BRUSSELS).strftime("%a %H:%M") for s, _e in dates] == ["Tue 19:30"] * 3
    assert all(e - s == datetime.timedelta(hours=2.5) for s, e in dates)


def test_spring_dst_change():
    start = brussels(2027, 3, 23, 19, 30)  # Tuesday; summer time starts 28 March 2027
    dates = _expand(_schedule("FREQ=WEEKLY;BYDAY=TU;COUNT=2", start=start))
    assert [s.astimezone(UTC).hour for s, _e in dates] == [18, 17]


def test_every_second_monday():
    start = brussels(2026, 11, 2, 14, 0)
    dates = _expand(_schedule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", start=start), days=30)
    assert [s.date() for s, _e in dates] == [
        datetime.date(2026, 11, 2),
        datetime.date(2026, 11, 16),
        datetime.date(2026, 11, 30),
    ]


def test_first_monday_of_the_month_until_a_date():
    start = brussels(2026, 11, 2, 10, 0)
    rule = "FREQ=MONTHLY;BYDAY=1MO;UNTIL=20270201T235959"
    dates = _expand(_schedule(rule, start=start), days=400)
    assert [s.date() for s, _e in dates] == [
        datetime.date(2026, 11, 2),
        datetime.date(2026, 12, 7),
        datetime.date(2027, 1, 4),
        datetime.date(2027, 2, 1),
    ]


def test_exception_and_extra_dates():
    schedule = _schedule(
        "FREQ=WEEKLY;BYDAY=TU;COUNT=3",
        exception_dates=(datetime.date(2026, 10, 20),),
        extra_dates=(datetime.date(2026, 10, 22),),
    )
    assert [s.date().isoformat() for s, _e in _expand(schedule)] == [
        "2026-10-13",
        "2026-10-22",
        "2026-10-27",
    ]


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=HOURLY",
        "FREQ=MINUTELY;COUNT=5",
        "FREQ=DAILY;BYHOUR=8,12,18",  # without an end: over a thousand dates a year
        "FREQ=WEEKLY;COUNT=5000",
        "FREQ=WEEKLY;BYDAY=XX",
        "DTSTART:20260101T000000\nRRULE:FREQ=DAILY",
        "not a rule",
    ],
)
def test_absurd_or_broken_rules_are_refused(rule):
    with pytest.raises(ValidationError):
        recurrence.check(_schedule(rule))


def test_a_weekly_rule_without_end_is_fine():
    recurrence.check(_schedule("FREQ=WEEKLY;BYDAY=TU"))
