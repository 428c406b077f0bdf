"""The printable handout ("buurtwijzer") tells the whole story on paper: how to reach a
neighbour who helps (through a worker, by the offer's number), and a map box that says what it
is — a sketch of the numbered places — when JavaScript is off or the page is printed before
the map ran. The browser's side of it is tests/e2e/test_handout.py."""

import pytest
from django.urls import reverse

import spatial
from tests.factories import ActivityFactory, HelpOfferFactory
from tests.html_tree import parse
from tests.maps.search_places import HOME, offset, organisation_at

pytestmark = pytest.mark.django_db

PRINT = reverse("maps:search-print")
NEAR = {"lat": HOME.y, "lon": HOME.x, "radius": 1200}


@pytest.fixture
def places():
    north = organisation_at(600, name="Buurthuis Noord")
    east = organisation_at(east_m=300, name="Sportclub Oost")
    offer = HelpOfferFactory(private_point=offset(HOME, north_m=-400))
    return {"north": north, "east": east, "offer": offer}


def entries(page) -> dict[str, dict[str, str]]:
    """Each handout entry's name -> {fact: text}."""
    found = {}
    for item in page.find("ol", cls="handout-list").find_all("li"):
        facts = item.find("dl", cls="handout-facts")
        terms = [dt.text for dt in facts.find_all("dt")]
        values = [dd.text for dd in facts.find_all("dd")]
        name = item.find("h2").text.split(" ", 1)[1]  # after the number
        found[name] = dict(zip(terms, values, strict=True))
    return found


@pytest.mark.parametrize(
    ("language", "contact", "within", "contact_text"),
    [
        ("nl", "Contact", "binnen", "Via je hulpverlener op Buurtkaart: aanbod nr. {n}"),
        (
            "fr",
            "Contact",
            "à moins de",
            "Par votre travailleur social sur Buurtkaart : offre n° {n}",
        ),
        ("en", "Contact", "within", "Through your social worker on Buurtkaart: offer no. {n}"),
    ],
)
def test_a_neighbour_entry_says_how_to_get_in_touch(
    client, places, language, contact, within, contact_text
):
    response = client.get(PRINT, NEAR, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    found = entries(parse(response.content))
    offer = places["offer"]
    neighbour = next(facts for name, facts in found.items() if contact in facts)
    expected = contact_text.format(n=offer.pk)
    url = f"http://testserver/burenhulp/aanbod/{offer.pk}/"
    assert neighbour[contact] == f"{expected} {url}"
    # Its distance is the rounded-up one, and says so.
    where = [v for k, v in neighbour.items() if k not in (contact,)]
    assert any(v.startswith(within) for v in where)
    # Organisations are reached by their own phone or address: no worker needed.
    assert sum(contact in facts for facts in found.values()) == 1


def test_the_offer_number_is_on_the_offers_page(client, places):
    offer = places["offer"]
    page = parse(client.get(reverse("neighbourhelp:offer-detail", args=[offer.pk])).content)
    facts = page.find("dl", cls="facts")
    terms = [dt.text for dt in facts.find_all("dt")]
    values = [dd.text for dd in facts.find_all("dd")]
    assert dict(zip(terms, values, strict=True))["Offer number"] == str(offer.pk)


def sketch_of(page):
    box = page.find("div", cls="handout-map")
    fallback = box.find("div", cls="map-fallback")
    svg = fallback.find("svg")
    places = {}
    for group in svg.find_all("g", cls="sketch-place"):
        text = group.find("text")
        places[text.text] = (float(text.attrs["x"]), float(text.attrs["y"]))
    return fallback, svg, places


def test_the_map_box_holds_a_sketch_of_the_numbered_places(client, places):
    page = parse(client.get(PRINT, NEAR).content)
    fallback, svg, drawn = sketch_of(page)
    assert svg.attrs["role"] == "img"
    assert svg.attrs["aria-label"] == "Map of the places on this handout, numbered as in the list."
    assert "the numbers are those of the list, north is up" in fallback.text
    numbers = [n.text for n in page.find_all("span", cls="handout-number")]
    assert sorted(drawn) == sorted(numbers) == ["1", "2", "3"]
    # Nearest first: 1 the sports club 300 m east, 2 the neighbour 400 m south (its public
    # cell, ± 180 m), 3 the buurthuis 600 m north. North is up, east is right.
    east, south, north = drawn["1"], drawn["2"], drawn["3"]
    assert north[1] < east[1] < south[1]
    assert east[0] > north[0]
    # A scale bar with a round distance.
    scale = svg.find("g", cls="sketch-scale").text
    assert scale in {"100 m", "200 m", "500 m"}
    # Without the client's address on the handout, the searched place is not drawn either.
    assert svg.find_all("g", cls="sketch-home") == []


def test_the_sketch_shows_the_searched_place_only_with_the_address(client, places):
    page = parse(client.get(PRINT, {**NEAR, "show_address": "1"}).content)
    _fallback, svg, drawn = sketch_of(page)
    assert len(svg.find_all("g", cls="sketch-home")) == 1
    assert "The searched place" in svg.text


def test_the_search_pages_map_box_says_what_it_is_without_javascript(client, places):
    page = parse(client.get(reverse("maps:search"), NEAR).content)
    box = page.find("div", cls="search-map")
    assert box.find("p", cls="map-fallback").text == (
        "Map of the places found; the list below has the same places. The map itself needs "
        "JavaScript, which is off or not loaded yet."
    )


def test_the_sketch_is_north_up_at_one_scale():
    centre = HOME
    points = [centre, offset(centre, north_m=1000), offset(centre, east_m=500)]
    drawn = spatial.sketch(points, width=600, height=300, margin=20)
    (cx, cy), (nx, ny), (ex, ey) = drawn.positions
    assert nx == pytest.approx(cx, abs=0.5)
    assert ny < cy
    assert ey == pytest.approx(cy, abs=0.5)
    assert ex > cx
    # One scale both ways: 1,000 m north is twice the 500 m east, on the drawing too.
    assert (cy - ny) == pytest.approx(2 * (ex - cx), rel=0.01)
    # Fitted: the 1 km span fills the height inside the margins.
    assert (cy - ny) == pytest.approx(260, rel=0.01)
    assert drawn.bar_m in {100, 200, 500, 1000}
    assert drawn.bar_units == pytest.approx(drawn.bar_m * 260 / 1000, rel=0.01)
    alone = spatial.sketch([centre], width=600, height=300, margin=20)
    assert alone.positions == [(300.0, 150.0)]


def test_places_at_one_spot_share_one_mark_with_all_their_numbers(client, places):
    """Activities at their organisation's address would hide each other's numbers."""
    organisation = places["north"]
    for title in ("Soep", "Koffie", "Yoga"):
        ActivityFactory(organisation=organisation, title=title)
    page = parse(client.get(PRINT, NEAR).content)
    _fallback, _svg, drawn = sketch_of(page)
    numbers = {n.text for n in page.find_all("span", cls="handout-number")}
    assert len(numbers) == 6
    # The organisation and its three activities, 600 m north, listed as 3 to 6.
    assert sorted(drawn) == ["1", "2", "3–6"]
