"""The activity form in a real browser (issue 17): a volunteer types "14u", picks "the first
Monday of the month" from a Monday that is not a first Monday, sees the right dates in the
preview, saves, and finds them on the activity page and in the iCal feed. Once with
JavaScript, once without: the preview is computed on the server."""

import datetime

import icalendar
import pytest
import recurring_ical_events
from django.utils import timezone

from activities.models import Activity
from tests.e2e.conftest import is_local
from tests.e2e.layout import page_width
from tests.e2e.test_activities import log_in
from tests.e2e.test_search import axe_problems
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _monday_not_first() -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=1)
    while day.weekday() != 0 or day.day <= 7:
        day += datetime.timedelta(days=1)
    return day


def _first_mondays(after: datetime.date, count: int) -> list[datetime.date]:
    found, day = [], after
    while len(found) < count:
        day += datetime.timedelta(days=1)
        if day.weekday() == 0 and day.day <= 7:
            found.append(day)
    return found


def _fill_in(page, chosen: datetime.date) -> None:
    page.get_by_label("Title").fill("Lotgenotengroep")
    page.get_by_label("Category").select_option("peer_group")
    page.get_by_label("Date (the first date of a series)").fill(chosen.isoformat())
    page.get_by_label("From:", exact=True).fill("14u")
    page.get_by_label("Until:", exact=True).fill("16u")
    page.get_by_label("Once a month, on a weekday (for example the first Monday)").check()
    page.get_by_label("Which one of the month").select_option(label="first")
    page.get_by_label("Weekday:", exact=True).select_option(label="Monday")


def _check_preview(page, expected: list[datetime.date]) -> None:
    page.get_by_role("button", name="Preview the dates").click()
    preview = page.locator("#schedule-preview")
    preview.wait_for()
    text = preview.inner_text()
    assert "Every first Monday of the month at 14:00" in text
    first = expected[0]
    assert f"The first time is {first:%A} {first.day} {first:%B %Y}." in text
    shown = [
        datetime.datetime.fromisoformat(value)
        for value in preview.locator("ol.schedule-dates time").evaluate_all(
            "times => times.map(t => t.getAttribute('datetime'))"
        )
    ]
    assert [s.date() for s in shown] == expected
    assert {(s.hour, s.minute) for s in shown} == {(14, 0)}
    # Nothing saved by a preview.
    assert not Activity.objects.exists()


def _save_and_check_page_and_feed(page, live_server, organisation, expected) -> None:
    page.get_by_role("button", name="Save").click()
    first = expected[0]
    page.get_by_text(f"The first time is {first:%A} {first.day} {first:%B %Y}").wait_for()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("The activity is published.").wait_for()
    activity = Activity.objects.get()
    assert activity.rrule == "FREQ=MONTHLY;BYDAY=1MO"

    page.goto(f"{live_server.url}{activity.get_absolute_url()}")
    page.get_by_text("Every first Monday of the month at 14:00").wait_for()
    dates = page.locator("ul.occurrences time").evaluate_all(
        "times => times.map(t => t.getAttribute('datetime'))"
    )
    listed = [timezone.localtime(datetime.datetime.fromisoformat(d)).date() for d in dates]
    assert listed[: len(expected)] == expected

    feed = page.request.get(f"{live_server.url}/organisaties/{organisation.slug}/agenda.ics")
    assert feed.ok
    calendar = icalendar.Calendar.from_ical(feed.body())
    start = datetime.datetime.combine(expected[0], datetime.time(0, 0))
    end = datetime.datetime.combine(expected[-1], datetime.time(23, 59))
    events = recurring_ical_events.of(calendar).between(start, end)
    starts = sorted(e["DTSTART"].dt for e in events)
    assert [s.date() for s in starts] == expected
    assert {(s.hour, s.minute) for s in starts} == {(14, 0)}
    assert {str(e["SUMMARY"]) for e in events} == {"Lotgenotengroep"}


def _member(email: str):
    organisation = OrganisationFactory(name="Lotgenoten Gent", is_verified=True)
    MembershipFactory(organisation=organisation, user__email=email)
    return organisation


def test_a_volunteer_plans_the_first_monday_of_the_month(
    page, live_server, requested_urls, page_errors
):
    organisation = _member("vrijwilliger@example.org")
    chosen = _monday_not_first()
    expected = _first_mondays(chosen, 8)

    log_in(page, live_server, "vrijwilliger@example.org")
    page.goto(f"{live_server.url}/organisaties/{organisation.slug}/activiteiten/nieuw/")
    # The rule and the time zone wait under "Advanced".
    assert not page.get_by_label("Repeat rule (RFC 5545)").is_visible()
    assert not page.get_by_label("Time zone").is_visible()
    # With JavaScript, only the details of the chosen repetition are shown.
    assert not page.get_by_label("Which one of the month").is_visible()
    page.get_by_label("Every week", exact=True).check()
    assert page.get_by_label("Tuesday").is_visible()
    assert not page.get_by_label("Which one of the month").is_visible()
    _fill_in(page, chosen)
    assert not page.get_by_label("Tuesday").is_visible()
    _check_preview(page, expected)
    # The form with its preview passes axe-core, and fits a 360 px phone.
    assert axe_problems(page) == []
    page.set_viewport_size({"width": 360, "height": 740})
    assert page_width(page) <= 360
    assert axe_problems(page) == []
    page.set_viewport_size({"width": 1280, "height": 800})
    # What was typed is kept after the preview.
    assert page.get_by_label("From:", exact=True).input_value() == "14u"
    _save_and_check_page_and_feed(page, live_server, organisation, expected)
    assert all(is_local(url) for url in requested_urls)
    assert page_errors == []


def test_the_form_works_without_javascript(browser, live_server):
    organisation = _member("zonderjs@example.org")
    chosen = _monday_not_first()
    expected = _first_mondays(chosen, 8)
    context = browser.new_context(java_script_enabled=False, locale="en")
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if is_local(route.request.url) else route.abort("blockedbyclient")
        ),
    )
    page = context.new_page()
    page.set_default_timeout(5_000)
    try:
        log_in(page, live_server, "zonderjs@example.org")
        page.goto(f"{live_server.url}/organisaties/{organisation.slug}/activiteiten/nieuw/")
        # Without JavaScript every detail is there, under a legend saying when it applies.
        assert page.get_by_label("Which one of the month").is_visible()
        assert page.get_by_label("Tuesday").is_visible()
        _fill_in(page, chosen)
        _check_preview(page, expected)
        _save_and_check_page_and_feed(page, live_server, organisation, expected)
    finally:
        context.close()
