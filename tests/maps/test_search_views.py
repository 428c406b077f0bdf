"""The search page and the printable handout, without a browser."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import formats, translation

import spatial
from buurt.models import Organisation
from maps import rendering
from tests.buurt.gazetteer_data import load_gazetteer
from tests.factories import NeighbourhoodFactory, OrganisationFactory, box
from tests.maps.search_places import HOME, HOME_ADDRESS, grid, neighbourhood_of_places, offset

pytestmark = pytest.mark.django_db

SEARCH = reverse("maps:search")
PRINT = reverse("maps:search-print")
XSS = "<script>alert(1)</script>"


@pytest.fixture
def places(tmp_path):
    load_gazetteer(tmp_path)
    NeighbourhoodFactory(name="Sint-Pieters", boundary=box(3.70, 51.03, 3.74, 51.05))
    return neighbourhood_of_places()


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_the_empty_form(client):
    response = client.get(SEARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="address"' in html
    assert 'value="800" checked' in html
    assert "search.js" in html
    assert "<script>" not in html  # nothing inline (CSP)
    # A tracking parameter alone is not a search.
    assert client.get(SEARCH, {"fbclid": "x"}).status_code == 200


def test_results_by_distance(client, places):
    response = client.get(SEARCH, {"address": HOME_ADDRESS, "radius": 800})
    assert response.status_code == 200
    page = text(response)
    assert f"3 places within 10 minutes' walk (800 m) of {HOME_ADDRESS}" in page
    assert "650 m, ±9 min walk" in page
    assert page.index("Toneelgroep Tinnen Pot") < page.index("Buurthuis De Brug")
    assert "Hearing loop" in page  # a flag, in words next to its icon
    assert "We only found" not in page
    assert response.context["neighbourhood"].name == "Sint-Pieters"


def test_the_form_keeps_the_search(client, places):
    response = client.get(
        SEARCH, {"address": HOME_ADDRESS, "radius": 3000, "access": "quiet", "fbclid": "x"}
    )
    html = response.content.decode()
    assert f'value="{HOME_ADDRESS}"' in html
    assert 'value="custom" checked' in html
    assert 'name="radius_km" type="number"' in html
    assert 'value="3"' in html
    assert 'value="quiet" checked' in html
    assert "Taalcafé Babbel" in html


def test_a_postcode_only_is_said_honestly(client, places):
    page = text(client.get(SEARCH, {"address": "9000"}))
    assert "We only found the postcode 9000 Gent" in page


def test_bad_input_is_a_message_on_the_page(client, places):
    response = client.get(SEARCH, {"lat": "91", "lon": "3.7"})
    assert response.status_code == 400
    assert "Latitude must be between -90 and 90." in text(response)
    response = client.get(SEARCH, {"address": "Qwxyzstraat 5"})
    assert response.status_code == 400
    assert "We could not find this address." in text(response)
    assert 'value="Qwxyzstraat 5"' in response.content.decode()  # nothing typed is lost
    response = client.get(f"{SEARCH}?" + "&".join(f"p{i}=1" for i in range(2_000)))
    assert response.status_code == 400
    assert "at most 100 parameters" in text(response)


def test_nothing_found_offers_alternatives_with_counts(client, places):
    response = client.get(
        SEARCH, {"address": HOME_ADDRESS, "radius": 400, "access": "hearing_loop"}
    )
    page = text(response)
    assert "Nothing found with this search." in page
    assert "a wider search, within 10 minutes' walk (800 m): 1 place" in page
    assert "without “Hearing loop”: 2 places" in page
    links = re.findall(r'<li><a href="\?([^"]+)">', response.content.decode())
    wider = parse_qs(links[0].replace("&amp;", "&"))
    assert wider["radius"] == ["800"]
    assert wider["access"] == ["hearing_loop"]


def test_pages(client, places):
    for i in range(30):
        OrganisationFactory(point=offset(HOME, north_m=5 * i + 1))
    response = client.get(SEARCH, {"address": HOME_ADDRESS, "radius": 400})
    html = response.content.decode()
    assert "Page 1 of 2" in text(response)
    next_link = re.search(r'<a href="\?([^"]+)" rel="next">', html).group(1)
    assert parse_qs(next_link.replace("&amp;", "&"))["page"] == ["2"]
    second = client.get(f"{SEARCH}?{next_link.replace('&amp;', '&')}")
    assert '<ol class="results" start="26">' in second.content.decode()


def test_user_text_is_escaped(client, places):
    OrganisationFactory(name=XSS, point=offset(HOME, north_m=20), opening_hours=XSS)
    html = client.get(SEARCH, {"address": HOME_ADDRESS}).content.decode()
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_page_queries_do_not_grow_with_the_results(
    client, places, django_assert_max_num_queries
):
    # Both more than a page, so that the map's markers are loaded apart from the list. Each
    # at its own distance: a tie across the end of a page costs one query more (tested in
    # test_search_service.py).
    placed = []

    def count_queries(n):
        for i in range(len(placed), len(placed) + n):
            placed.append(OrganisationFactory(point=offset(HOME, east_m=-5 * i - 1)))
        with django_assert_max_num_queries(20) as captured:
            client.get(SEARCH, {"address": HOME_ADDRESS, "radius": 800})
        return len(captured)

    assert count_queries(30) == count_queries(60)


def test_the_handout(client, places):
    response = client.get(PRINT, {"address": HOME_ADDRESS, "radius": 2400})
    assert response.status_code == 200
    html = response.content.decode()
    page = text(response)
    assert "Buurtwijzer" in page
    assert HOME_ADDRESS not in page  # not unless the worker asks for it
    assert "Places within 30 minutes' walk (2.4 km)" in page
    numbers = re.findall(r'<span class="handout-number" aria-hidden="true">(\d+)</span>', html)
    assert numbers == ["1", "2", "3", "4", "5"]
    assert "Toneelgroep Tinnen Pot" in page
    assert re.search(r'<img src="data:image/svg\+xml[^"]+" width="120"', html)
    # The QR code opens the same search around the 250 m grid cell, not the address.
    online = urlsplit(response.context["online_url"])
    query = parse_qs(online.query)
    assert online.path == SEARCH
    assert "address" not in query
    assert query["radius"] == ["2400"]
    cell = spatial.make_point(lat=query["lat"][0], lon=query["lon"][0])
    assert 0 < spatial.great_circle_m(cell, HOME) < 250
    assert cell.equals_exact(spatial.coarsen(HOME), tolerance=1e-6)


def test_the_handout_with_the_address(client, places):
    response = client.get(PRINT, {"address": HOME_ADDRESS, "radius": 800, "show_address": "1"})
    assert f"Places within 10 minutes' walk (800 m) of {HOME_ADDRESS}" in text(response)
    query = parse_qs(urlsplit(response.context["online_url"]).query)
    assert query["address"] == [HOME_ADDRESS]
    assert "show_address" not in query


def test_the_handout_shows_phone_and_cost(client, places):
    Organisation.objects.filter(pk=places["theatre"].pk).update(phone="09 123 45 67")
    page = text(client.get(PRINT, {"address": HOME_ADDRESS, "radius": 400}))
    assert "Phone 09 123 45 67" in page
    assert "Cost Paid" in page


def test_more_than_the_cap_is_said_honestly(client, places, django_assert_max_num_queries):
    grid(40, spacing_m=20)  # about 1,250 within 400 m
    with django_assert_max_num_queries(20):
        response = client.get(SEARCH, {"address": HOME_ADDRESS, "radius": 400})
    page = text(response)
    count = response.context["page"].count
    if connection.features.supports_geography:
        # PostGIS estimates from the nearest places.
        assert f"About {count:,} places within 5 minutes' walk (400 m) of {HOME_ADDRESS}" in page
        assert (
            "An estimate from the nearest places, not a count. The 1,000 nearest are listed."
            in page
        )
    else:
        assert f"1,000+ places within 5 minutes' walk (400 m) of {HOME_ADDRESS}" in page
        assert (
            "We stopped counting here: more places may match further away, and only those "
            "counted are listed." in page
        )
    assert "Page 1 of 40" in page
    assert response.context["page"].markers is None  # the map loads them by box
    last = client.get(SEARCH, {"address": HOME_ADDRESS, "radius": 400, "page": 40})
    assert "Page 40 of 40" in text(last)
    assert 'rel="next"' not in last.content.decode()  # nothing listed past the cap
    assert '<ol class="results" start="976">' in last.content.decode()


@pytest.mark.parametrize(
    ("language", "heading", "notice"),
    [
        ("nl", "Ongeveer {count} plekken binnen", "Een schatting op basis van"),
        ("fr", "Environ {count} lieux à moins de", "Une estimation d'après"),
        ("en", "About {count} places within", "An estimate from the nearest places"),
    ],
)
def test_an_estimate_is_said_in_every_language(client, places, language, heading, notice):
    if not connection.features.supports_geography:
        pytest.skip("SpatiaLite counts every place of the radius: no estimate")
    grid(40, spacing_m=20)
    response = client.get(
        SEARCH, {"lat": HOME.y, "lon": HOME.x, "radius": 400}, HTTP_ACCEPT_LANGUAGE=language
    )
    with translation.override(language):
        shown = formats.number_format(response.context["page"].count, force_grouping=True)
    page = text(response)
    assert heading.format(count=" ".join(shown.split())) in page  # a no-break space in fr
    assert notice in page


def test_the_handout_says_at_least_or_about(client, places):
    grid(40, spacing_m=20)
    response = client.get(PRINT, {"address": HOME_ADDRESS, "radius": 400})
    page = text(response)
    if connection.features.supports_geography:
        count = response.context["page"].count
        assert f"The 30 nearest of about {count:,} places. Scan the QR code" in page
    else:
        assert "The 30 nearest of 1,000+ places. Scan the QR code for more of them." in page


@pytest.mark.parametrize(
    ("language", "helpers", "activities"),
    [
        ("nl", "Buren die helpen", "Activiteiten"),
        ("fr", "Voisins qui aident", "Activités"),
        ("en", "Neighbours who help", "Activities"),
    ],
)
def test_the_map_legend_names_help_offers(client, places, language, helpers, activities):
    """A neighbour's help offer on the map has a marker of its own, named by what it is in
    the legend (not the organisations' "Other"); so does an activity. The legend names every
    marker the map's tiles can bring (maps/tile-layer.js takes a result's kind first)."""
    from tests.factories import ActivityFactory, HelpOfferFactory

    HelpOfferFactory(private_point=offset(HOME, north_m=300), categories=["company"])
    ActivityFactory(organisation=Organisation.objects.first(), category="meal")
    response = client.get(
        SEARCH, {"address": HOME_ADDRESS, "radius": 2400}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    legend = response.content.decode().split('class="map-legend"', 1)[1].split("</ul>", 1)[0]
    assert f"<span>{helpers}</span>" in legend
    assert f"<span>{activities}</span>" in legend
    assert legend.count("<li>") == len(rendering.result_markers())
