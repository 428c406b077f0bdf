"""The home page answers the first question: a search box for an address or postcode, and what
is on in the city this week (free and reduced-rate first), above the map; it works without
JavaScript (a plain GET form) and stays small (a bounded list). The browser's side of it,
with JavaScript off, is tests/e2e/test_home.py."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.selectors import WEEK_HIGHLIGHTS
from tests.buurt.gazetteer_data import load_gazetteer
from tests.factories import ActivityFactory, NeighbourhoodFactory, OrganisationFactory
from tests.html_tree import parse
from tests.maps.search_places import HOME_ADDRESS, neighbourhood_of_places

pytestmark = pytest.mark.django_db

HOME_URL = reverse("maps:city")


def soon(days: float):
    return timezone.now() + timedelta(days=days)


@pytest.fixture
def week():
    """Activities of the coming days: paid first in time, the affordable ones later."""
    NeighbourhoodFactory(name="Sint-Pieters")
    club = OrganisationFactory(name="Buurthuis De Brug")
    return {
        "paid": ActivityFactory(
            organisation=club, title="Kookles", cost="paid", price=Decimal("12"), starts_at=soon(1)
        ),
        "daily": ActivityFactory(
            organisation=club, title="Koffie", cost="free", starts_at=soon(2), rrule="FREQ=DAILY"
        ),
        "free": ActivityFactory(
            organisation=club, title="Wandeling", cost="free", starts_at=soon(3)
        ),
        "reduced": ActivityFactory(
            organisation=club,
            title="Theater",
            cost="paid",
            price=Decimal("8"),
            reduced_rate=True,
            starts_at=soon(5),
        ),
        "later": ActivityFactory(organisation=club, title="Later", cost="free", starts_at=soon(9)),
    }


def week_items(page) -> list[str]:
    section = page.find("section", cls="home-week")
    return [li.find("a").text for li in section.find("ul", cls="home-week-list").find_all("li")]


def test_this_week_lists_free_and_reduced_first_each_activity_once(client, week):
    page = parse(client.get(HOME_URL).content)
    # Affordable first, soonest first within each; the daily coffee once (its next date); the
    # walk in nine days is not this week.
    assert week_items(page) == ["Koffie", "Wandeling", "Theater", "Kookles"]
    first = page.find("ul", cls="home-week-list").find("li")
    assert [tag.text for tag in first.find_all("strong", cls="tag")] == ["Free"]
    assert "Buurthuis De Brug" in first.text
    # The daily coffee says how it repeats, next to its next date.
    assert first.find("span", cls="home-week-repeats").text.startswith("Every day at ")


@pytest.mark.parametrize(
    ("language", "heading", "free"),
    [
        ("nl", "Deze week in Gent", "Gratis"),
        ("fr", "Cette semaine à Gent", "Gratuit"),
        ("en", "This week in Gent", "Free"),
    ],
)
def test_the_page_speaks_the_readers_language(client, week, language, heading, free):
    page = parse(client.get(HOME_URL, HTTP_ACCEPT_LANGUAGE=language).content)
    assert page.find("h2", id="home-week-heading").text == heading
    first = page.find("ul", cls="home-week-list").find("li")
    assert first.find("strong", cls="tag").text == free
    # Dates in the reader's language: Dutch and French weekday names, not English ones.
    when = first.find("time").text
    weekdays = {
        "nl": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"],
        "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
        "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    }[language]
    assert when.split()[0] in weekdays


def test_the_search_box_and_the_week_come_before_the_map(client, week):
    page = parse(client.get(HOME_URL).content)
    order = [
        node
        for node in page.find("main").iter()
        if node.tag == "form"
        and "home-search" in node.classes
        or node.tag == "section"
        and "home-week" in node.classes
        or node.tag == "div"
        and "map" in node.classes
    ]
    assert [n.tag for n in order] == ["form", "section", "div"]
    form = order[0]
    assert form.attrs["method"] == "get"
    assert form.attrs["action"] == reverse("maps:search")
    field = form.find("input", name="address")
    label = form.find("label", for_=field.attrs["id"])
    assert "address or postcode" in label.text
    # The agenda link covers the same seven days.
    link = page.find("section", cls="home-week").find_all("a")[-1]
    today = timezone.localdate()
    assert link.attrs["href"] == (
        f"{reverse('activities:agenda')}?date_from={today}&date_to={today + timedelta(days=6)}"
    )


def test_the_search_box_works_as_a_plain_form(client, tmp_path):
    """What a browser without JavaScript does: GET the form's action with the field's name."""
    load_gazetteer(tmp_path)
    neighbourhood_of_places()
    form = parse(client.get(HOME_URL).content).find("form", cls="home-search")
    field = form.find("input", name="address")
    response = client.get(form.attrs["action"], {field.attrs["name"]: HOME_ADDRESS})
    assert response.status_code == 200
    heading = parse(response.content).find("h2", id="results-heading").text
    assert heading == f"3 places within 10 minutes' walk (800 m) of {HOME_ADDRESS}"


def test_the_week_is_bounded_in_rows_and_queries(client, django_assert_max_num_queries):
    club = OrganisationFactory()
    for day in range(WEEK_HIGHLIGHTS + 6):
        ActivityFactory(organisation=club, cost="free", starts_at=soon(0.2 + day * 0.4))
    with django_assert_max_num_queries(3):
        page = parse(client.get(HOME_URL).content)
    assert len(week_items(page)) == WEEK_HIGHLIGHTS


def test_an_empty_week_says_so(client):
    page = parse(client.get(HOME_URL).content)
    section = page.find("section", cls="home-week")
    assert "Nothing on the agenda for the coming seven days yet." in section.text
    # Without neighbourhoods there is no city to name.
    assert page.find("h2", id="home-week-heading").text == "This week"
