"""An association's page shows what it does: its coming activities, its calendar feed (a
visible link and <link rel="alternate"> in the head, also on neighbourhood pages), and
schema.org JSON-LD for the organisation, read back with a JSON parser."""

import json
from datetime import timedelta

import icalendar
import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone

from buurt.json_ld import opening_hours_specification
from tests.factories import (
    ActivityFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
)
from tests.html_tree import parse

pytestmark = pytest.mark.django_db

WEEKDAYS = "https://schema.org/{}".format


def json_ld(response) -> dict:
    scripts = parse(response.content).find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].children[0])


def calendar_link(response):
    links = parse(response.content).find("head").find_all("link", rel="alternate")
    assert [link.attrs["type"] for link in links] == ["text/calendar"]
    return links[0].attrs["href"]


def test_the_organisation_page_carries_its_json_ld(client):
    organisation = OrganisationFactory(
        name='Buurthuis "De Sleep" </script>',
        slug="de-sleep",
        street_address="Sint-Pietersnieuwstraat 33",
        postcode="9000",
        city="Gent",
        point=Point(3.7253, 51.0448, srid=4326),
        phone="09 123 45 67",
        website="https://desleep.be",
        enterprise_number="0123456749",
        opening_hours="Mo-Fr 09:00-17:00\nzaterdag 10u00 - 12u00",
    )
    MembershipFactory(organisation=organisation)

    data = json_ld(client.get(organisation.get_absolute_url()))

    url = "http://testserver/organisaties/de-sleep/"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert (data["name"], data["url"], data["@id"]) == (organisation.name, url, url)
    assert data["telephone"] == "09 123 45 67"
    assert data["sameAs"] == ["https://desleep.be"]
    assert data["vatID"] == "BE0123456749"
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Sint-Pietersnieuwstraat 33",
        "postalCode": "9000",
        "addressLocality": "Gent",
        "addressCountry": "BE",
    }
    place = data["location"]
    assert place["@type"] == "Place"
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 51.0448, "longitude": 3.7253}
    assert place["openingHoursSpecification"] == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [
                WEEKDAYS(d) for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
            ],
            "opens": "09:00",
            "closes": "17:00",
        },
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [WEEKDAYS("Saturday")],
            "opens": "10:00",
            "closes": "12:00",
        },
    ]


def test_free_text_hours_and_missing_fields_are_left_out(client):
    organisation = OrganisationFactory(
        opening_hours="Elke dinsdag, behalve in juli", point=None, phone="", website=""
    )
    data = json_ld(client.get(organisation.get_absolute_url()))
    assert "openingHoursSpecification" not in data["location"]
    assert "geo" not in data["location"]
    assert {"telephone", "sameAs", "vatID", "email"}.isdisjoint(data)


@pytest.mark.parametrize(
    ("text", "days", "opens", "closes"),
    [
        ("Tu 19:30-22:00", ["Tuesday"], "19:30", "22:00"),
        ("dinsdag 19.30 - 22.00", ["Tuesday"], "19:30", "22:00"),
        ("mercredi 14h00-16h00", ["Wednesday"], "14:00", "16:00"),
        (
            "maandag tot woensdag 9:00 tot 12:00",
            ["Monday", "Tuesday", "Wednesday"],
            "09:00",
            "12:00",
        ),
        ("lundi, jeudi: 14:00-16:00", ["Monday", "Thursday"], "14:00", "16:00"),
    ],
)
def test_opening_hours_lines_a_machine_can_read(text, days, opens, closes):
    [spec] = opening_hours_specification(text)
    assert spec["dayOfWeek"] == [WEEKDAYS(d) for d in days]
    assert (spec["opens"], spec["closes"]) == (opens, closes)


@pytest.mark.parametrize("text", ["", "Op afspraak", "Fr-Mo 10:00-12:00", "Mo 25:00-26:00"])
def test_opening_hours_that_are_not_structured_give_nothing(text):
    assert opening_hours_specification(text) == []


def test_a_dutch_postcode_is_in_the_netherlands(client):
    organisation = OrganisationFactory(postcode="1011 AB", city="Amsterdam")
    assert json_ld(client.get(organisation.get_absolute_url()))["address"]["addressCountry"] == "NL"


def test_coming_activities_with_their_next_dates_and_the_feed(
    client, django_assert_max_num_queries
):
    organisation = OrganisationFactory()
    soon = timezone.now() + timedelta(days=1)
    weekly = ActivityFactory(
        organisation=organisation, title="Toneelrepetitie", starts_at=soon, rrule="FREQ=WEEKLY"
    )
    once = ActivityFactory(
        organisation=organisation, title="Open deur", starts_at=soon + timedelta(days=3)
    )
    ActivityFactory(organisation=organisation, title="Nog geheim", status="draft")
    ActivityFactory(title="Van een ander")

    with django_assert_max_num_queries(12):
        response = client.get(organisation.get_absolute_url())

    section = parse(response.content).find("section", **{"aria-labelledby": "upcoming-heading"})
    titles = [a.text for a in section.find_all("a") if "/activiteiten/" in a.attrs["href"]]
    assert titles == ["Toneelrepetitie", "Open deur"]
    weekly_dates = section.find_all("time")[:3]
    expected = list(weekly.occurrences.order_by("starts_at")[:3])
    assert [t.attrs["datetime"] for t in weekly_dates] == [
        o.starts_at.astimezone(timezone.get_current_timezone()).isoformat() for o in expected
    ]
    assert len(section.find_all("time")) == 4  # three of the weekly one, the one of once
    assert once.get_absolute_url() in [a.attrs["href"] for a in section.find_all("a")]
    assert "Nog geheim" not in response.text
    assert "Van een ander" not in response.text

    feed = reverse("activities:organisation-ics", args=[organisation.slug])
    assert calendar_link(response) == feed
    assert feed in [a.attrs["href"] for a in section.find_all("a")]
    calendar = icalendar.Calendar.from_ical(client.get(feed).content)
    assert sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT")) == [
        "Open deur",
        "Toneelrepetitie",
    ]


def test_the_neighbourhood_page_links_its_feed_in_the_head(client):
    neighbourhood = NeighbourhoodFactory()
    response = client.get(neighbourhood.get_absolute_url())
    feed = reverse("activities:neighbourhood-ics", args=[neighbourhood.code])
    assert calendar_link(response) == feed
    assert client.get(feed)["Content-Type"].startswith("text/calendar")


def test_the_description_in_json_ld_is_the_sanitised_text(client):
    organisation = OrganisationFactory(
        description="Wij spelen **toneel**.\n\n<script>alert(1)</script> [x](javascript:alert(1))"
    )
    data = json_ld(client.get(organisation.get_absolute_url()))
    assert data["description"] == "Wij spelen toneel. <script>alert(1)</script> x"
