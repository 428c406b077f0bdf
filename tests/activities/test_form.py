"""The activity form as a volunteer fills it in: typed times, the repetition in plain words,
the first date on the rule, and the preview of the dates without JavaScript."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.forms import ActivityForm, parse_time
from activities.models import Activity
from tests.activities.test_views import _form, _member
from tests.factories import ActivityFactory, brussels

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14u", (14, 0)),
        ("14 u", (14, 0)),
        ("14U", (14, 0)),
        ("14.00", (14, 0)),
        ("14h30", (14, 30)),
        ("14 h 30", (14, 30)),
        ("14:00", (14, 0)),
        ("9u30", (9, 30)),
        ("09:05", (9, 5)),
        ("14 uur", (14, 0)),
        ("14", (14, 0)),
        ("14:00:00", (14, 0)),  # what a browser's time input sends
    ],
)
def test_times_are_read_as_people_type_them(typed, expected):
    assert parse_time(typed) == datetime.time(*expected)


@pytest.mark.parametrize("typed", ["25u", "14u75", "twee uur", "14:5", "1400", "-1u", ""])
def test_what_is_not_a_time_is_not_guessed(typed):
    assert parse_time(typed) is None


def _next(weekday: int, *, after: datetime.date | None = None) -> datetime.date:
    day = (after or timezone.localdate()) + datetime.timedelta(days=1)
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _not_a_first_monday() -> datetime.date:
    """A Monday from the 8th on: never the first Monday of its month."""
    day = _next(0)
    while day.day <= 7:
        day = _next(0, after=day)
    return day


def _first_monday_after(day: datetime.date) -> datetime.date:
    month = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return month + datetime.timedelta(days=(0 - month.weekday()) % 7)


FIRST_MONDAY = {"repeat": "monthly", "ordinal": "1", "month_weekday": "0"}


def test_a_volunteer_types_14u_and_picks_the_first_monday_of_the_month(client):
    organisation = _member(client, is_verified=True)
    chosen = _not_a_first_monday()
    first = _first_monday_after(chosen)
    data = _form(date=chosen.isoformat(), start_time="14u", end_time="16u30", **FIRST_MONDAY)
    response = client.post(reverse("activities:create", args=[organisation.slug]), data)
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.rrule == "FREQ=MONTHLY;BYDAY=1MO"
    local = timezone.localtime(activity.starts_at)
    assert (local.date(), local.time()) == (first, datetime.time(14, 0))
    assert timezone.localtime(activity.ends_at).time() == datetime.time(16, 30)
    starts = [timezone.localtime(o.starts_at).date() for o in activity.occurrences.all()]
    assert starts[0] == first
    assert all(day.weekday() == 0 and day.day <= 7 for day in starts)
    assert len(starts) >= 12
    # The form says where the series starts; the edit form reads the plain words back.
    page = client.get(response["Location"]).content.decode()
    assert f"The first time is {first:%A} {first.day} {first:%B %Y}" in page
    form = client.get(response["Location"]).context["form"]
    assert form["repeat"].value() == "monthly"
    assert (form["ordinal"].value(), form["month_weekday"].value()) == (1, 0)
    assert 'value="14:00"' in page


def test_the_preview_shows_the_dates_without_saving_and_without_javascript(client):
    organisation = _member(client)
    chosen = _not_a_first_monday()
    first = _first_monday_after(chosen)
    # The title is still empty: a preview only checks the "When" part.
    data = _form(title="", date=chosen.isoformat(), start_time="14.00", **FIRST_MONDAY)
    data["preview"] = "1"
    response = client.post(reverse("activities:create", args=[organisation.slug]), data)
    assert response.status_code == 200
    assert not Activity.objects.exists()
    html = response.content.decode()
    preview = re.search(
        r'<section class="schedule-preview" id="schedule-preview".*?</section>', html, re.S
    )
    assert preview is not None
    text = " ".join(re.sub(r"<[^>]+>", " ", preview.group(0)).split())
    assert "Every first Monday of the month at 14:00" in text
    assert f"The first time is {first:%A} {first.day} {first:%B %Y}." in text
    dates = [
        datetime.datetime.fromisoformat(value).date()
        for value in re.findall(r'<time datetime="([^"]+)"', preview.group(0))
    ]
    assert dates[0] == first
    assert len(dates) == 8
    assert all(day.weekday() == 0 and day.day <= 7 for day in dates)
    assert len({(day.year, day.month) for day in dates}) == 8  # one a month
    assert 'class="errorlist' not in html  # nothing said about the empty title yet
    # The button is an ordinary submit button: no script needed.
    assert re.search(r'<button type="submit" name="preview" value="1"', html)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Write a time as hours and minutes, for example 14:00, 14u or 9u30."),
        ("nl", "Schrijf een uur met uren en minuten, bijvoorbeeld 14:00, 14u of 9u30."),
        ("fr", "Écrivez une heure en heures et minutes, par exemple 14:00, 14h ou 9h30."),
    ],
)
def test_a_time_that_cannot_be_read_says_what_is_expected(client, language, message):
    organisation = _member(client)
    url = reverse("activities:create", args=[organisation.slug])
    response = client.post(url, _form(start_time="twee uur"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert response.context["form"].errors["start_time"] == [message]
    assert not Activity.objects.exists()


def test_weekly_on_several_days_and_every_two_weeks(client):
    organisation = _member(client)
    monday = _next(0)
    url = reverse("activities:create", args=[organisation.slug])
    client.post(url, _form(date=monday.isoformat(), weekdays=["0", "3"]))
    weekly = Activity.objects.get()
    assert weekly.rrule == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert weekly.schedule_summary == "every Monday and Thursday at 19:30"
    client.post(
        reverse("activities:edit", args=[weekly.pk]),
        _form(
            date=monday.isoformat(),
            repeat="biweekly",
            until=(monday + datetime.timedelta(days=60)).isoformat(),
        ),
    )
    weekly.refresh_from_db()
    assert weekly.rrule.startswith("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;UNTIL=")
    assert weekly.occurrences.count() == 5  # 0, 14, 28, 42, 56 days


def test_on_these_dates_and_another_rule(client):
    organisation = _member(client)
    url = reverse("activities:create", args=[organisation.slug])
    day = _next(2)
    extra = [day + datetime.timedelta(days=n) for n in (9, 30)]
    response = client.post(
        url,
        _form(
            date=day.isoformat(),
            repeat="dates",
            extras="\n".join(f"{d:%d/%m/%Y}" for d in extra),
        ),
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.rrule == ""
    assert [timezone.localtime(o.starts_at).date() for o in activity.occurrences.all()] == [
        day,
        *extra,
    ]
    # A rule under "Advanced" is used only when "another rule" is chosen: never silently.
    response = client.post(url, _form(rule="FREQ=MONTHLY;BYDAY=1MO,3MO"))
    assert response.status_code == 400
    assert "Choose “another rule” to use this rule" in response.content.decode()
    response = client.post(url, _form(repeat="custom", rule="FREQ=MONTHLY;BYDAY=1MO,3MO"))
    assert response.status_code == 302
    custom = Activity.objects.latest("pk")
    assert custom.rrule == "FREQ=MONTHLY;BYDAY=1MO,3MO"
    # Its edit form opens "Advanced", where the rule is.
    page = client.get(reverse("activities:edit", args=[custom.pk])).content.decode()
    assert re.search(r'<details class="advanced" open>', page)
    assert "FREQ=MONTHLY;BYDAY=1MO,3MO" in page


def test_advanced_is_closed_for_plain_words():
    form = ActivityForm(instance=ActivityFactory.build(rrule="FREQ=WEEKLY;BYDAY=TU"))
    assert not form.advanced_open


def test_the_service_refuses_a_first_date_off_the_rule():
    """The admin, an import or any caller of activity_save cannot store an undefined set."""
    from django.core.exceptions import ValidationError

    from activities import services

    second_monday = brussels(2027, 1, 11, 19, 0)
    activity = ActivityFactory.build(
        rrule="FREQ=MONTHLY;BYDAY=1MO",
        starts_at=second_monday,
        ends_at=second_monday + datetime.timedelta(hours=2),
    )
    activity.organisation.save()
    activity.organisation_id = activity.organisation.pk
    with pytest.raises(ValidationError) as error:
        services.activity_save(activity=activity)
    assert error.value.message_dict["starts_at"] == [
        "The first date must be a date of the repetition: it gives Monday 1 February 2027, "
        "19:00 first. Start on that date."
    ]
    assert not Activity.objects.exists()
