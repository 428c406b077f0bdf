"""Occurrences from RFC 5545 rules in Europe/Brussels, across daylight-saving changes."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

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


# --- The first date on the rule -------------------------------------------------------------


def test_a_first_monday_rule_from_a_second_monday_is_refused_and_aligned_across_dst():
    # Monday 8 March 2027 is the second Monday; the first Monday after it is 5 April 2027,
    # in summer time (from 28 March): 19:00 stays 19:00 and the two hours stay two hours.
    schedule = _schedule("FREQ=MONTHLY;BYDAY=1MO", start=brussels(2027, 3, 8, 19, 0), hours=2)
    with pytest.raises(ValidationError) as error:
        recurrence.check_start(schedule)
    assert error.value.code == "rrule_start"
    assert "Monday 5 April 2027, 19:00" in error.value.messages[0]

    aligned = recurrence.aligned(schedule)
    assert aligned.starts_at == brussels(2027, 4, 5, 19, 0)
    assert aligned.ends_at == brussels(2027, 4, 5, 21, 0)
    assert aligned.starts_at.astimezone(UTC).hour == 17  # 19:00 CEST
    recurrence.check_start(aligned)
    firsts = [s.date() for s, _e in _expand(aligned, days=70)]
    assert firsts == [
        datetime.date(2027, 4, 5),
        datetime.date(2027, 5, 3),
        datetime.date(2027, 6, 7),
    ]


def test_a_start_on_the_rule_and_a_one_off_are_left_alone():
    on_rule = _schedule("FREQ=WEEKLY;BYDAY=TU")  # 13 October 2026 is a Tuesday
    assert recurrence.aligned(on_rule) == on_rule
    recurrence.check_start(on_rule)
    once = _schedule("")
    assert recurrence.first_date(once) == once.starts_at
    recurrence.check_start(once)


def test_a_rule_that_ends_before_the_start_is_refused():
    schedule = _schedule("FREQ=WEEKLY;BYDAY=MO;UNTIL=20261001T235959")
    assert recurrence.first_date(schedule) is None
    with pytest.raises(ValidationError) as error:
        recurrence.check_start(schedule)
    assert error.value.code == "rrule_empty"


def test_next_dates_start_from_now_when_the_series_began():
    schedule = _schedule("FREQ=WEEKLY;BYDAY=TU")
    dates = recurrence.next_dates(schedule, now=brussels(2026, 11, 1, 12, 0), limit=3)
    assert [s.date().isoformat() for s, _e in dates] == ["2026-11-03", "2026-11-10", "2026-11-17"]


# --- Plain words ------------------------------------------------------------------------------

MONDAY_14 = datetime.datetime(2027, 1, 4, 14, 0)  # local: Monday 4 January 2027
TUESDAY_1930 = datetime.datetime(2026, 10, 13, 19, 30)
THURSDAY_10 = datetime.datetime(2026, 10, 15, 10, 0)

SUMMARIES = [
    # (rule, start, extra dates, {language: words})
    (
        "FREQ=WEEKLY;BYDAY=TU",
        TUESDAY_1930,
        (),
        {
            "nl": "elke dinsdag om 19:30",
            "fr": "chaque mardi à 19:30",
            "en": "every Tuesday at 19:30",
        },
    ),
    (
        "FREQ=MONTHLY;BYDAY=1MO",
        MONDAY_14,
        (),
        {
            "nl": "elke eerste maandag van de maand om 14:00",
            "fr": "chaque premier lundi du mois à 14:00",
            "en": "every first Monday of the month at 14:00",
        },
    ),
    (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
        THURSDAY_10,
        (),
        {
            "nl": "om de twee weken op donderdag om 10:00",
            "fr": "toutes les deux semaines le jeudi à 10:00",
            "en": "every two weeks on Thursday at 10:00",
        },
    ),
    (
        "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20270630T235959",
        datetime.datetime(2026, 10, 30, 9, 30),
        (),
        {
            "nl": "elke laatste vrijdag van de maand om 09:30, tot en met 30 juni 2027",
            "fr": "chaque dernier vendredi du mois à 09:30, jusqu'au 30 juin 2027",
            "en": "every last Friday of the month at 09:30, until 30 June 2027",
        },
    ),
    (
        "FREQ=WEEKLY;BYDAY=MO,TH",
        MONDAY_14,
        (datetime.date(2027, 1, 9),),
        {
            "nl": "elke maandag en donderdag om 14:00, en op 1 andere datum",
            "fr": "chaque lundi et jeudi à 14:00, et à 1 autre date",
            "en": "every Monday and Thursday at 14:00, and on 1 other date",
        },
    ),
    (
        "FREQ=WEEKLY",  # no BYDAY: the start's weekday
        TUESDAY_1930,
        (),
        {
            "nl": "elke dinsdag om 19:30",
            "fr": "chaque mardi à 19:30",
            "en": "every Tuesday at 19:30",
        },
    ),
    (
        "FREQ=DAILY",
        THURSDAY_10,
        (),
        {"nl": "elke dag om 10:00", "fr": "chaque jour à 10:00", "en": "every day at 10:00"},
    ),
    (
        "",
        MONDAY_14,
        (datetime.date(2027, 2, 1), datetime.date(2027, 3, 1)),
        {
            "nl": "op 4 januari, 1 februari en 1 maart om 14:00",
            "fr": "le 4 janvier, 1 février et 1 mars à 14:00",
            "en": "on 4 January, 1 February and 1 March at 14:00",
        },
    ),
]


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
@pytest.mark.parametrize(("rule", "start", "extra", "words"), SUMMARIES)
def test_describe_says_the_repetition_in_each_language(language, rule, start, extra, words):
    with translation.override(language):
        assert recurrence.describe(rule, start, extra_dates=extra) == words[language]


@pytest.mark.parametrize(
    "rule",
    ["FREQ=MONTHLY;BYDAY=1MO,3MO", "FREQ=YEARLY", "FREQ=WEEKLY;INTERVAL=3", "FREQ=DAILY;COUNT=3"],
)
def test_what_plain_words_cannot_say_is_not_summarised(rule):
    # The page then lists the dates instead of a wrong or partial sentence.
    assert recurrence.describe(rule, MONDAY_14) == ""
    assert recurrence.describe("", MONDAY_14) == ""  # a one-off: its date says it all


@pytest.mark.parametrize(
    "repetition",
    [
        recurrence.Repetition(kind="weekly", weekdays=(1, 3)),
        recurrence.Repetition(kind="biweekly", weekdays=(2,), count=10),
        recurrence.Repetition(kind="monthly", weekdays=(0,), ordinal=1),
        recurrence.Repetition(
            kind="monthly", weekdays=(4,), ordinal=-1, until=datetime.date(2027, 6, 30)
        ),
    ],
)
def test_a_repetition_and_its_rule_say_the_same(repetition):
    rule = repetition.rule()
    assert recurrence.repetition_of(rule, start=MONDAY_14.date()) == repetition
    recurrence.parse_rule(rule, dtstart=MONDAY_14)  # dateutil reads it
