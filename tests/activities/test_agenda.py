"""The agenda on a phone: the filters folded in a <details> (checkboxes, native date inputs),
results under a heading per day in the reader's language, each activity once (a weekly one
at its next date in the period), pagination kept. The browser's side: tests/e2e/test_agenda.py."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from buurt.models import Language
from tests.factories import ActivityFactory, OrganisationFactory, brussels
from tests.html_tree import parse

pytestmark = pytest.mark.django_db

AGENDA = reverse("activities:agenda")


def listed(page) -> list[tuple[str, list[str]]]:
    """(day heading, [activity titles]) in page order."""
    return [
        (
            section.find("h2").text,
            [li.find("a").text for li in section.find("ol", cls="agenda").find_all("li")],
        )
        for section in page.find_all("section", cls="agenda-day")
    ]


@pytest.fixture
def week_of_activities():
    """Fixed dates in a week to come: Monday 8 to Sunday 14 February 2027."""
    club = OrganisationFactory(name="Buurthuis De Brug")
    return {
        "weekly": ActivityFactory(
            organisation=club,
            title="Breicafé",
            starts_at=brussels(2027, 2, 9, 14, 0),  # a Tuesday
            rrule="FREQ=WEEKLY",
        ),
        "monday": ActivityFactory(
            organisation=club, title="Soepmoment", starts_at=brussels(2027, 2, 8, 12, 0)
        ),
        "tuesday": ActivityFactory(
            organisation=club, title="Taalcafé", starts_at=brussels(2027, 2, 9, 19, 30)
        ),
    }


@pytest.mark.parametrize(
    ("language", "monday", "tuesday", "summary"),
    [
        ("nl", "maandag 8 februari 2027", "dinsdag 9 februari 2027", "Elke dinsdag om 14:00"),
        ("fr", "lundi 8 février 2027", "mardi 9 février 2027", "Chaque mardi à 14:00"),
        ("en", "Monday 8 February 2027", "Tuesday 9 February 2027", "Every Tuesday at 14:00"),
    ],
)
def test_results_are_grouped_by_day_in_the_readers_language(
    client, week_of_activities, language, monday, tuesday, summary
):
    response = client.get(
        AGENDA,
        {"date_from": "2027-02-08", "date_to": "2027-02-28"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    # The weekly café is listed once, at its first date in the period, with the others of
    # that day in time order.
    page = parse(response.content)
    assert listed(page) == [
        (monday, ["Soepmoment"]),
        (tuesday, ["Breicafé", "Taalcafé"]),
    ]
    # The weekly one says how it repeats (activities.models.Activity.schedule_summary).
    summaries = {
        item.find("a").text: [s.text for s in item.find_all("span", cls="schedule-summary")]
        for item in page.find_all("li", cls="agenda-item")
    }
    assert summaries == {"Soepmoment": [], "Breicafé": [summary], "Taalcafé": []}


def test_a_repeating_activity_is_listed_at_its_next_date_in_the_period(client, week_of_activities):
    page = parse(client.get(AGENDA, {"date_from": "2027-02-20", "date_to": "2027-03-31"}).content)
    assert listed(page) == [("Tuesday 23 February 2027", ["Breicafé"])]
    item = page.find("li", cls="agenda-item")
    assert item.find("time").attrs["datetime"].startswith("2027-02-23T14:00:00")
    assert item.find("time").text == "14:00"


def test_today_and_tomorrow_are_named(client):
    now = timezone.localtime()
    today = now.date()
    ActivityFactory(title="Vandaag", starts_at=now + datetime.timedelta(minutes=30))
    ActivityFactory(
        title="Morgen",
        starts_at=timezone.make_aware(
            datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(10))
        ),
    )
    headings = [day for day, _titles in listed(parse(client.get(AGENDA).content))]
    starts = [h.split(" · ")[0] for h in headings]
    # Half an hour from now may already be tomorrow just before midnight.
    assert starts[-1] == "Tomorrow"
    assert starts[0] in ("Today", "Tomorrow")


def test_each_activity_once_across_pages(client):
    club = OrganisationFactory()
    for n in range(25):
        ActivityFactory(
            organisation=club,
            title=f"Wekelijks {n}",
            starts_at=timezone.now() + datetime.timedelta(hours=2 + n),
            rrule="FREQ=WEEKLY",
        )
    first = parse(client.get(AGENDA).content)
    second = parse(client.get(AGENDA, {"page": 2}).content)
    titles = [t for page in (first, second) for _day, ts in listed(page) for t in ts]
    assert sorted(titles) == sorted(f"Wekelijks {n}" for n in range(25))
    nav = first.find("nav", cls="pagination")
    assert nav.text.startswith("Page 1 of 2")
    assert nav.find("a", rel="next").attrs["href"] == "?page=2"


def test_the_agenda_reads_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    club = OrganisationFactory()
    for n in range(30):
        ActivityFactory(
            organisation=club, starts_at=timezone.now() + datetime.timedelta(hours=n + 1)
        )
    with django_assert_max_num_queries(6):
        client.get(AGENDA)


def test_the_filters_are_folded_with_checkboxes_and_date_inputs(client):
    Language.objects.get_or_create(code="nl", defaults={"name_local": "Nederlands"})
    page = parse(client.get(AGENDA).content)
    box = page.find("details", cls="agenda-filters-box")
    assert "open" not in box.attrs  # folded by default
    assert box.find("summary").text == "Filters"
    form = box.find("form")
    assert form.find_all("select", multiple="") == []
    languages = form.find_all("input", name="language")
    assert languages
    assert {i.attrs["type"] for i in languages} == {"checkbox"}
    assert form.find("input", name="date_from").attrs["type"] == "date"
    assert form.find("input", name="date_to").attrs["type"] == "date"


@pytest.mark.parametrize(
    ("language", "summary"),
    [("nl", "Filters (2 gekozen)"), ("fr", "Filtres (2 choisis)"), ("en", "Filters (2 chosen)")],
)
def test_the_folded_filters_say_how_many_are_chosen(client, language, summary):
    Language.objects.get_or_create(code="nl", defaults={"name_local": "Nederlands"})
    response = client.get(
        AGENDA, {"language": "nl", "reduced_rate": "on", "when": ""}, HTTP_ACCEPT_LANGUAGE=language
    )
    page = parse(response.content)
    box = page.find("details", cls="agenda-filters-box")
    assert box.find("summary").text == summary
    checked = [
        i.attrs["value"] for i in box.find_all("input", name="language") if "checked" in i.attrs
    ]
    assert checked == ["nl"]


def test_a_bad_filter_opens_the_box_with_its_error(client):
    response = client.get(AGENDA, {"date_from": "2027-02-31"})
    assert response.status_code == 400
    box = parse(response.content).find("details", cls="agenda-filters-box")
    assert "open" in box.attrs
    assert "Enter a valid date." in box.text
