"""The home and neighbourhood maps in a real browser: their places come from the vector tiles
(maps/tile-layer.js), never from the page; markers, popups, clusters that split when zoomed,
the keyboard, axe on a phone, and the list without JavaScript."""

from urllib.request import urlopen

import pytest
from django.contrib.gis.geos import Point

from buurt.models import Neighbourhood, Organisation
from tests.e2e import tile_map
from tests.e2e.layout import PHONE, page_width
from tests.e2e.test_search import axe_problems
from tests.factories import NeighbourhoodFactory, OrganisationFactory, box

# Transactional, so that the live server sees the rows; serialized_rollback restores the
# lookup rows of the data migrations for the tests that run after.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

XSS = "<script>alert(1)</script>"

# Real places in Gent, far enough apart (more than 1 km) not to cluster at the fitted zoom,
# except the two within 100 m of the Korenmarkt, which must form a cluster of 2.
KORENMARKT = Point(3.7196, 51.0543, srid=4326)
KORENMARKT_NEIGHBOUR = Point(3.7204, 51.0548, srid=4326)
STATION_DAMPOORT = Point(3.7404, 51.0563, srid=4326)
STATION_SINT_PIETERS = Point(3.7106, 51.0357, srid=4326)


@pytest.fixture(autouse=True)
def _patient_first_page(page):
    """Often the session's first page: the live server's first answers took over 5 s on the
    busy machine (load 15), three times out of six."""
    page.set_default_navigation_timeout(30_000)


@pytest.fixture
def city():
    NeighbourhoodFactory(name="Binnenstad", boundary=box(3.70, 51.03, 3.735, 51.065))
    NeighbourhoodFactory(
        name="Dampoort", boundary=box(3.735, 51.045, 3.76, 51.065), is_approximate=True
    )
    OrganisationFactory(name="Toneelgroep", point=KORENMARKT)
    OrganisationFactory(name="Buurthuis", point=KORENMARKT_NEIGHBOUR)
    OrganisationFactory(name=XSS, kind=Organisation.Kind.SPORTS, point=STATION_DAMPOORT)
    OrganisationFactory(
        name="Taalcafé", kind=Organisation.Kind.LANGUAGE_CAFE, point=STATION_SINT_PIETERS
    )
    return Organisation.objects.count()


def test_city_map_draws_markers_clusters_and_areas(
    page, live_server, local_tiles, city, requested_urls, page_errors
):
    page.goto(live_server.url + "/")
    page.wait_for_selector(tile_map.CLUSTERS)
    page.wait_for_selector(tile_map.PLACES)
    # The page carries no place: every marker came from a tile.
    with urlopen(live_server.url + "/") as response:
        assert "Taalcaf" not in response.read().decode()
    assert tile_map.tile_requests(requested_urls)
    assert all("kind=organisations" in url for url in tile_map.tile_requests(requested_urls))

    markers = page.locator(tile_map.PLACES)
    clusters = page.locator(tile_map.CLUSTERS)
    clustered = sum(int(text) for text in clusters.all_inner_texts())
    assert markers.count() + clustered == city  # each place once, whatever the tile edges

    areas = page.locator(".leaflet-overlay-pane path")
    assert areas.count() == 2
    dash_arrays = [areas.nth(i).get_attribute("stroke-dasharray") for i in range(2)]
    assert sorted(dash_arrays, key=str) == ["6 6", None]  # only the approximate one is dashed

    # The name shows as text in the popup; it never runs.
    page.get_by_title(XSS).click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert XSS in popup.inner_text()
    assert "Sports" in popup.inner_text()
    assert popup.locator("script").count() == 0
    assert popup.locator("a").get_attribute("href").startswith("/organisaties/")

    # The two places 70 m apart are one cluster of 2 (a button named by its count) until
    # zoomed in, when each has its own marker.
    cluster = page.get_by_role("button", name="2 places here: zoom in to see them")
    assert cluster.count() == 1
    tile_map.zoom_until_split(page, "Toneelgroep")
    page.locator(f'{tile_map.PLACES}[title="Buurthuis"]').wait_for()

    assert page_errors == []
    assert requested_urls
    assert all(url.startswith(live_server.url) for url in requested_urls), requested_urls


def test_a_marker_opens_with_the_keyboard(page, live_server, local_tiles, city, page_errors):
    page.goto(live_server.url + "/")
    page.wait_for_selector(tile_map.PLACES)
    popup = tile_map.popup_by_keyboard(page)
    assert popup.locator("a").get_attribute("href").startswith("/organisaties/")
    # A cluster is a button too: Enter zooms in on it (two levels), until its places show.
    place = page.locator(f'{tile_map.PLACES}[title="Toneelgroep"]')
    for _ in range(3):
        clusters = page.locator(tile_map.CLUSTERS)
        if place.count() or not clusters.count():
            break
        clusters.first.focus()
        page.keyboard.press("Enter")
        page.wait_for_timeout(1_500)
    place.wait_for(timeout=10_000)
    assert page_errors == []


def test_a_neighbourhood_map_on_a_phone(
    page, live_server, local_tiles, city, requested_urls, page_errors
):
    binnenstad = Neighbourhood.objects.get(name="Binnenstad")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + binnenstad.get_absolute_url())
    tile_map.wait_for_markers(page)
    assert tile_map.tile_requests(requested_urls)
    page.wait_for_selector(tile_map.PLACES)
    tile_map.popup_by_keyboard(page)
    assert page_width(page) <= PHONE["width"]
    assert axe_problems(page) == []
    assert page_errors == []
    assert all(url.startswith(live_server.url) for url in requested_urls), requested_urls


def test_without_javascript_the_neighbourhood_lists_its_organisations_by_page(
    page_without_js, live_server, city
):
    binnenstad = Neighbourhood.objects.get(name="Binnenstad")
    OrganisationFactory.create_batch(55, neighbourhood=binnenstad)
    page = page_without_js
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + binnenstad.get_absolute_url())
    listed = page.locator("#organisations + ul > li")
    first = listed.count()
    assert first == 50
    page.get_by_role("link", name="Volgende").click()
    page.wait_for_selector("#organisations")
    assert 1 <= listed.count() <= 10
    assert page.locator(".map-fallback").is_visible()
    assert page_width(page) <= PHONE["width"]
