"""Neighbours' help offers in the map search: which filters narrow them, how the page and the
API schema say which do not, and how a rounded-up distance is explained."""

import pytest
from django.http import QueryDict
from django.urls import reverse

import spatial
from maps.search import service
from maps.search.forms import parse_search
from tests.factories import KORENMARKT, HelpOfferFactory
from tests.html_tree import parse
from tests.maps.search_places import offset

pytestmark = pytest.mark.django_db

NEAR = f"lat={KORENMARKT.y}&lon={KORENMARKT.x}&radius=2400"


@pytest.fixture
def offers():
    """Three neighbours near the Korenmarkt, helping with different things."""
    return {
        "shopping": HelpOfferFactory(categories=["shopping"], languages=["nl"]),
        "company": HelpOfferFactory(
            categories=["company", "garden"],
            languages=["nl", "fr"],
            private_point=offset(KORENMARKT, north_m=300),
        ),
        "digital": HelpOfferFactory(
            categories=["digital"], languages=["ar"], private_point=offset(KORENMARKT, east_m=300)
        ),
    }


def found(query: str) -> set[int]:
    params = parse_search(QueryDict(query))
    page = service.search(params, location=service.search_location(params))
    return {r.id for r in page.results if r.kind == "help_offers"}


@pytest.mark.parametrize(
    ("models", "expected"),
    [
        # The issue's case: a peer-group search no longer lists neighbours who help.
        (["peers"], set()),
        (["volunteering"], set()),
        (["own_network"], set()),
        (["context"], set()),
        # Company and being a buddy: a personal friend.
        (["buddy"], {"company"}),
        # Digital help and practising Dutch build skills.
        (["competence"], {"digital"}),
        # Every offer is neighbours helping neighbours: community building.
        (["community"], {"shopping", "company", "digital"}),
        # Any of the models.
        (["peers", "buddy"], {"company"}),
        (["buddy", "competence"], {"company", "digital"}),
    ],
)
def test_the_network_model_filter_narrows_help_offers(offers, models, expected):
    query = NEAR + "&kind=help_offers" + "".join(f"&model={m}" for m in models)
    assert found(query) == {offers[name].pk for name in expected}


def test_the_model_filter_applies_in_the_api_too(client, offers):
    url = reverse("maps-api:search") + f"?{NEAR}&kind=help_offers&model=peers"
    assert client.get(url).json()["features"] == []
    url = reverse("maps-api:search") + f"?{NEAR}&kind=help_offers&model=buddy"
    ids = [f["id"] for f in client.get(url).json()["features"]]
    assert ids == [f"help_offers-{offers['company'].pk}"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ("category=company", {"company"}),
        ("language=fr", {"company"}),
        ("no_dutch=1", {"company", "digital"}),
        ("reduced_rate=1", {"shopping", "company", "digital"}),  # neighbour help is free
    ],
)
def test_the_filters_that_apply_to_offers_still_do(offers, filters, expected):
    assert found(f"{NEAR}&kind=help_offers&{filters}") == {offers[n].pk for n in expected}


@pytest.mark.parametrize(
    ("filters", "ignored"),
    [
        ("access=wheelchair", ("access",)),
        ("age=seniors&come_alone=1", ("come_alone", "age")),
        ("when=week", ("when",)),
    ],
)
def test_filters_without_meaning_for_offers_leave_them_and_are_listed(offers, filters, ignored):
    query = f"{NEAR}&kind=help_offers&{filters}"
    assert found(query) == {o.pk for o in offers.values()}
    params = parse_search(QueryDict(query))
    page = service.search(params, location=service.search_location(params))
    assert [(i.kind_label, i.names) for i in page.ignored] == [("Neighbours who help", ignored)]
    assert "no venue" in page.ignored[0].note


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Not applied to neighbours who help: “Accessibility”, “Age group”."),
        ("nl", "Niet toegepast op buren die helpen: “Toegankelijkheid”, “Leeftijdsgroep”."),
        ("fr", "Sans effet sur « voisins qui aident » : “Accessibilité”, “Tranche d'âge”."),
    ],
)
def test_the_page_says_which_filters_do_not_apply_to_which_kind(client, offers, language, expected):
    url = reverse("maps:search") + f"?{NEAR}&access=wheelchair&age=adults"
    page = parse(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content)
    notices = [p.text for p in page.find_all("p", cls="filters-not-applied")]
    # Organisations apply both; activities too: only neighbours' offers are named.
    assert len(notices) == 1
    assert notices[0].startswith(expected)


def test_the_page_lists_no_notice_when_every_filter_applies(client, offers):
    url = reverse("maps:search") + f"?{NEAR}&language=fr"
    page = parse(client.get(url).content)
    assert page.find_all("p", cls="filters-not-applied") == []


def test_a_rounded_up_distance_beyond_the_radius_is_explained(client):
    """A neighbour 650-ish m away under a "10 minutes" (800 m) search is listed as "within
    1.0 km": the page says why, and each such distance links to the explanation."""
    offer = HelpOfferFactory()
    # Search from 650 m south of the offer's public point (what every answer is computed
    # from): inside 800 m, and rounded up to the next 500 m, 1 km.
    origin = offset(offer.public_point, north_m=-650)
    url = reverse("maps:search") + f"?lat={origin.y}&lon={origin.x}&radius=800"
    page = parse(client.get(url).content)
    result = page.find("li", id=f"result-help_offers-{offer.pk}")
    distance = result.find("span", cls="result-distance")
    assert distance.text.startswith("within 1.0 km (rounded up for privacy)")
    assert distance.find("a").attrs["href"] == "#rounded-distances"
    notice = page.find("p", id="rounded-distances")
    assert "rounded up to the next 500 m" in notice.text
    # Measured between public points, never the exact one: the distance the page shows is the
    # bucket of the public point's distance.
    assert spatial.bucket_distance(650, bucket_m=500) == 1000


def test_no_rounding_notice_without_neighbours(client, offers):
    url = reverse("maps:search") + f"?{NEAR}&kind=organisations"
    page = parse(client.get(url).content)
    assert page.find_all("p", id="rounded-distances") == []


def test_the_api_schema_says_which_filters_each_kind_ignores(client):
    schema = client.get(reverse("api-schema") + "?format=json").json()
    operation = schema["paths"]["/api/search/"]["get"]
    assert "- `help_offers`: `when`, `access`, `come_alone`, `age`." in operation["description"]
    assert "- `organisations`: `when`." in operation["description"]
    parameters = {p["name"]: p.get("description", "") for p in operation["parameters"]}
    assert parameters["access"].endswith("Does not narrow: `help_offers`.")
    assert parameters["when"].endswith("Does not narrow: `organisations`, `help_offers`.")
    assert "Does not narrow" not in parameters["model"]
    assert "Does not narrow" not in parameters["language"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "Niet toegepast op buren die helpen: “Wanneer”, “Toegankelijkheid”"),
        ("en", "Not applied to neighbours who help: “When”, “Accessibility”"),
    ],
)
def test_the_form_says_which_filters_do_not_apply_before_a_search(client, language, expected):
    page = parse(client.get(reverse("maps:search"), HTTP_ACCEPT_LANGUAGE=language).content)
    hints = [p.text for p in page.find_all("p", cls="filters-not-applied-hint")]
    assert any(hint.startswith(expected) for hint in hints)
    assert len(hints) == 2  # associations (dates) and neighbours; activities take them all
