"""The home page in Chromium: with JavaScript off a visitor types an address in the search box
and gets the results; on a 360 px phone nothing is wider than the screen, and axe-core finds
no serious problem."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e import tile_map
from tests.e2e.layout import page_width
from tests.e2e.test_search import axe_problems
from tests.factories import ActivityFactory, OrganisationFactory
from tests.maps.search_places import HOME_ADDRESS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def this_week():
    club = OrganisationFactory(name="Lokaal dienstencentrum De Vlier")
    ActivityFactory(
        organisation=club,
        title="Soepnamiddag met een heel lang woord: Buurtcomitévergaderingsvoorbereiding",
        cost="free",
        starts_at=timezone.now() + timedelta(days=1),
    )


def test_without_javascript_the_search_box_finds_places(page_without_js, live_server, gent):
    page = page_without_js
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/")
    box = page.get_by_label("Wat is er bij jou in de buurt? Je adres of postcode")
    box.fill(HOME_ADDRESS)
    box.press("Enter")
    page.wait_for_selector("#results-heading")
    assert page.url.startswith(f"{live_server.url}/zoeken/?address=")
    heading = page.locator("#results-heading").inner_text()
    assert heading == f"3 plekken binnen 10 minuten stappen (800 m) van {HOME_ADDRESS}"


def test_on_a_phone_the_home_page_fits_and_passes_axe(
    page, live_server, local_tiles, this_week, page_errors
):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/")
    page.wait_for_selector(".home-week-list li")
    assert page_width(page) <= 360
    # The search box comes first on the screen, above the week and the map.
    search = page.locator(".home-search").bounding_box()
    week = page.locator(".home-week").bounding_box()
    leaflet = page.locator(".map").bounding_box()
    assert search["y"] < week["y"] < leaflet["y"]
    tile_map.wait_for_markers(page)  # axe checks the markers from the tiles too
    assert axe_problems(page) == []
    assert page_errors == []
