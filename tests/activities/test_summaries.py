"""A repeating activity is summarised ("elke dinsdag om 19:30") wherever it is listed: its
page (with the next dates below), the agenda, the search results, the handout, the API."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import KORENMARKT, ActivityFactory, MembershipFactory, OrganisationFactory
from tests.html_tree import parse

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
NEAR = {"lat": KORENMARKT.y, "lon": KORENMARKT.x, "radius": 800, "kind": "activities"}


def _next_local(weekday: int, hour: int, minute: int) -> datetime.datetime:
    today = timezone.localdate()
    day = today + datetime.timedelta(days=(weekday - today.weekday()) % 7 or 7)
    return datetime.datetime.combine(day, datetime.time(hour, minute), BRUSSELS)


@pytest.fixture
def listed():
    organisation = OrganisationFactory(name="Toneelgroep", point=KORENMARKT)
    start = _next_local(1, 19, 30)  # a Tuesday
    weekly = ActivityFactory(
        organisation=organisation,
        title="Repetitie",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        rrule="FREQ=WEEKLY;BYDAY=TU",
    )
    once = ActivityFactory(organisation=organisation, title="Eenmalig")
    return weekly, once


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("language", "words", "next_dates"),
    [
        ("nl", "Elke dinsdag om 19:30", "De volgende data"),
        ("fr", "Chaque mardi à 19:30", "Les prochaines dates"),
        ("en", "Every Tuesday at 19:30", "The next dates"),
    ],
)
def test_the_activity_page_says_when_it_repeats_above_its_dates(
    client, listed, language, words, next_dates
):
    weekly, once = listed
    html = client.get(weekly.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    text = _text(html)
    assert f"{words} {next_dates}" in text
    assert len(re.findall(r'<ul class="occurrences">.*?</ul>', html, re.S)) == 1
    assert text.count("19:30–21:30") == 12  # the next dates are still listed, below
    once_page = _text(client.get(once.get_absolute_url()).content.decode())
    assert "The next dates" not in once_page


DUTCH_DAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def test_the_home_pages_week_summarises_it(client):
    # Tomorrow's weekday: the home page shows the next seven days, and "next Tuesday" is a
    # week away on a Tuesday.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    start = datetime.datetime.combine(tomorrow, datetime.time(19, 30), BRUSSELS)
    ActivityFactory(
        organisation=OrganisationFactory(name="Toneelgroep", point=KORENMARKT),
        title="Repetitie",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        rrule=f"FREQ=WEEKLY;BYDAY={BYDAY[tomorrow.weekday()]}",
    )
    home = _text(client.get(reverse("maps:city"), HTTP_ACCEPT_LANGUAGE="nl").content.decode())
    assert "Repetitie" in home
    assert f"Elke {DUTCH_DAYS[tomorrow.weekday()]} om 19:30" in home


def test_the_agenda_search_and_handout_summarise_it(client, listed):
    weekly, _once = listed
    own_page = client.get(weekly.organisation.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr")
    upcoming = r'<section aria-labelledby="upcoming-heading">.*?</section>'
    section = re.search(upcoming, own_page.content.decode(), re.S)
    assert "Repetitie · Chaque mardi à 19:30" in _text(section.group(0))
    agenda = parse(client.get(reverse("activities:agenda"), HTTP_ACCEPT_LANGUAGE="nl").content)
    item = next(li for li in agenda.find_all("li", cls="agenda-item") if "Repetitie" in li.text)
    assert item.find("span", cls="agenda-who").text == "Toneelgroep"
    assert item.find("span", cls="schedule-summary").text == "Elke dinsdag om 19:30"

    search = client.get(reverse("maps:search"), NEAR, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    result = re.search(
        rf'<li class="result" id="result-activities-{weekly.pk}">.*?</li>', search, re.S
    )
    assert "Wanneer: elke dinsdag om 19:30" in _text(result.group(0))

    handout = client.get(reverse("maps:search-print"), NEAR, HTTP_ACCEPT_LANGUAGE="fr")
    assert handout.status_code == 200
    first = timezone.localtime(weekly.occurrences.first().starts_at)
    assert "Chaque mardi à 19:30" in _text(handout.content.decode())
    assert "Prochaine fois" in _text(handout.content.decode())
    assert str(first.day) in _text(handout.content.decode())


def test_the_search_api_gives_schedule_summary(client, listed):
    weekly, once = listed
    response = client.get(reverse("maps-api:search"), NEAR, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    summaries = {
        f["properties"]["title"]: f["properties"]["schedule_summary"]
        for f in response.json()["features"]
    }
    assert summaries == {"Repetitie": "elke dinsdag om 19:30", "Eenmalig": ""}


def test_the_members_dashboard_says_how_each_series_repeats(client, listed):
    weekly, once = listed
    member = MembershipFactory(organisation=weekly.organisation).user
    client.force_login(member)
    page = _text(
        client.get(reverse("activities:dashboard"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    )
    start = timezone.localtime(weekly.starts_at)
    assert f"Repetitie · Elke dinsdag om 19:30, vanaf {start.day} " in page
    assert "Eenmalig · " in page
