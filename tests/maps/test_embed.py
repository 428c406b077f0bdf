"""The embedded map and agenda: framable (those pages only), no cookie, the visitor's language,
links to the full pages in a new tab, the search's and the agenda's parameters."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ActivityFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.html_tree import parse

pytestmark = pytest.mark.django_db

MAP = reverse("maps:embed-map")
AGENDA = reverse("activities:agenda")
EMBED_AGENDA = reverse("maps:embed-agenda")
# 2 km east of the Korenmarkt: outside an 800 m radius around it.
FAR = Point(3.7480, 51.0543, srid=4326)


@pytest.fixture
def place():
    neighbourhood = NeighbourhoodFactory(name="Binnenstad")
    organisation = OrganisationFactory(name="Buurthuis De Sleep", neighbourhood=neighbourhood)
    far = OrganisationFactory(name="Verre Vereniging", point=FAR.clone(), kind="sports")
    soon = timezone.now() + datetime.timedelta(days=2)
    ActivityFactory(organisation=organisation, title="Taalcafé", starts_at=soon)
    ActivityFactory(organisation=far, title="Petanque", category="sports", starts_at=soon)
    return organisation, far, neighbourhood


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


def _assert_embeddable_without_cookies(response):
    assert response.status_code == 200, response.content[:500]
    assert "X-Frame-Options" not in response
    assert _csp(response)["frame-ancestors"] == "*"
    assert not response.cookies, response.cookies
    assert "Set-Cookie" not in str(response.serialize_headers())


def _links(response):
    return [a for a in parse(response.content).find_all("a") if "data-in-frame" not in a.attrs]


URLS = [
    MAP,
    f"{MAP}?neighbourhood={{code}}",
    f"{MAP}?organisation={{slug}}",
    f"{MAP}?lat=51.0543&lon=3.7196&radius=800",
    f"{MAP}?lat=51.0543&lon=3.7196&radius=800&category=culture&kind=organisations",
    EMBED_AGENDA,
    f"{EMBED_AGENDA}?organisation={{slug}}",
    f"{EMBED_AGENDA}?neighbourhood={{code}}&category=culture",
    f"{EMBED_AGENDA}?lat=51.0543&lon=3.7196&radius=800&when=week",
]


@pytest.mark.parametrize("url", URLS)
def test_embeds_may_be_framed_set_no_cookie_and_open_links_in_a_new_tab(client, place, url):
    organisation, _far, neighbourhood = place
    response = client.get(url.format(slug=organisation.slug, code=neighbourhood.code))
    _assert_embeddable_without_cookies(response)
    page = parse(response.content)
    assert page.find_all("header") == []
    assert page.find_all("form") == []  # nothing that posts, no CSRF token
    links = _links(response)
    assert links
    for link in links:
        assert link.attrs.get("target") == "_blank", link.attrs
        assert link.attrs.get("rel") == "noopener"
        assert link.attrs["href"].startswith("http://testserver/")
    # Our own files only: scripts and styles from /static/, nothing from another host.
    for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src")):
        for element in page.find_all(tag):
            if attribute in element.attrs:
                assert element.attrs[attribute].startswith("/static/"), element.attrs


def test_a_signed_in_visitor_gets_no_cookie_either(client, place):
    client.force_login(UserFactory())
    _assert_embeddable_without_cookies(client.get(MAP))
    _assert_embeddable_without_cookies(client.get(EMBED_AGENDA))


def test_every_other_page_still_refuses_framing(client, place):
    for url in (AGENDA, reverse("maps:search"), reverse("maps:city")):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY"
        assert _csp(response)["frame-ancestors"] == "'none'"


def test_frame_ancestors_come_from_the_setting(client, place, settings):
    settings.EMBED_FRAME_ANCESTORS = ["https://www.gent.be", "https://www.ocmw.example"]
    response = client.get(MAP)
    assert _csp(response)["frame-ancestors"] == "https://www.gent.be https://www.ocmw.example"


def test_the_visitors_language_without_a_cookie(client, place):
    french = client.get(EMBED_AGENDA, HTTP_ACCEPT_LANGUAGE="fr")
    assert parse(french.content).find("html").attrs["lang"] == "fr"
    assert "Ouvrir sur Buurtkaart" in french.content.decode()
    dutch = client.get(f"{EMBED_AGENDA}?lang=nl", HTTP_ACCEPT_LANGUAGE="fr")
    assert parse(dutch.content).find("html").attrs["lang"] == "nl"
    assert "Openen op Buurtkaart" in dutch.content.decode()
    assert not french.cookies
    assert not dutch.cookies
    # Nothing was remembered: the next visitor's own language again.
    english = client.get(EMBED_AGENDA, HTTP_ACCEPT_LANGUAGE="en")
    assert parse(english.content).find("html").attrs["lang"] == "en"


def test_the_agenda_takes_organisation_neighbourhood_category_and_radius(client, place):
    organisation, far, neighbourhood = place

    def titles(query):
        response = client.get(f"{EMBED_AGENDA}?{query}")
        assert response.status_code == 200
        return {
            a.text
            for a in parse(response.content).find_all("a")
            if "/activiteiten/" in a.attrs.get("href", "")
        }

    assert titles("") == {"Taalcafé", "Petanque"}
    assert titles(f"organisation={far.slug}") == {"Petanque"}
    assert titles("category=sports") == {"Petanque"}
    assert titles(f"neighbourhood={neighbourhood.code}") == {"Taalcafé"}
    # 800 m around the Korenmarkt: the Taalcafé there, not the Petanque 2 km away.
    assert titles("lat=51.0543&lon=3.7196&radius=800") == {"Taalcafé"}
    assert titles("lat=51.0543&lon=3.7196&radius=2400") == {"Taalcafé", "Petanque"}


def test_the_map_takes_the_search_parameters(client, place):
    response = client.get(f"{MAP}?lat=51.0543&lon=3.7196&radius=800&kind=organisations")
    text = parse(response.content).text
    assert "Buurthuis De Sleep" in text
    assert "Verre Vereniging" not in text
    response = client.get(f"{MAP}?category=sports")
    text = parse(response.content).text
    assert "Verre Vereniging" in text
    assert "Buurthuis De Sleep" not in text


def test_bad_parameters_are_a_clear_400(client, place):
    for query in (
        "organisation=bestaat-niet",
        "neighbourhood=nope",
        "lat=91&lon=3",
        "radius=-5&lat=51&lon=3",
    ):
        response = client.get(f"{MAP}?{query}")
        assert response.status_code == 400, query
        assert parse(response.content).find(role="alert") is not None
        assert not response.cookies
    assert client.get(f"{EMBED_AGENDA}?date_from=gisteren").status_code == 400


def test_dashboard_and_neighbourhood_page_offer_the_snippet(client, place):
    organisation, _far, neighbourhood = place
    membership = MembershipFactory(organisation=organisation)
    client.force_login(membership.user)
    for url, query in (
        (
            reverse("accounts:organisation-edit", args=[organisation.slug]),
            f"organisation={organisation.slug}",
        ),
        (neighbourhood.get_absolute_url(), f"neighbourhood={neighbourhood.code}"),
    ):
        page = parse(client.get(url).content)
        codes = [t.text for t in page.find_all("textarea")]
        assert any(f'src="http://testserver{MAP}?{query}"' in c for c in codes), codes
        assert any(f'src="http://testserver{EMBED_AGENDA}?{query}"' in c for c in codes)
        previews = [f.attrs["src"] for f in page.find_all("iframe")]
        assert f"http://testserver{MAP}?{query}" in previews
        assert all(f.attrs.get("title") for f in page.find_all("iframe"))
        # The code's <iframe> is text to copy, not markup of this page.
        assert re.search(r"&lt;iframe src=", client.get(url).content.decode())
