"""The handout's map box in Chromium: without JavaScript (on screen and printed) it shows the
sketch of the numbered places, never an empty frame; with JavaScript the Leaflet map takes the
box and the sketch is hidden."""

import pytest

from tests.factories import HelpOfferFactory
from tests.maps.search_places import HOME, offset, organisation_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def handout_url(live_server):
    organisation_at(600, name="Buurthuis Noord")
    organisation_at(east_m=300, name="Sportclub Oost")
    HelpOfferFactory(private_point=offset(HOME, north_m=-400))
    return f"{live_server.url}/zoeken/afdrukken/?lat={HOME.y}&lon={HOME.x}&radius=1200"


@pytest.mark.parametrize("media", ["screen", "print"])
def test_without_javascript_the_map_box_shows_the_sketch(page_without_js, handout_url, media):
    page = page_without_js
    page.emulate_media(media=media)
    page.goto(handout_url)
    box = page.locator(".handout-map")
    sketch = box.locator(".map-fallback")
    assert sketch.is_visible()
    drawing = sketch.locator("svg").bounding_box()
    frame = box.bounding_box()
    # The drawing fills most of the box: not an empty frame.
    assert drawing["width"] > 0.8 * frame["width"]
    assert drawing["height"] > 0.5 * frame["height"]
    assert sketch.locator("g.sketch-place").count() == 3
    assert "het noorden is boven" in sketch.inner_text()
    # The neighbour's entry says how to get in touch, in Dutch.
    assert (
        "Via je hulpverlener op Buurtkaart: aanbod nr."
        in page.locator(".handout-list").inner_text()
    )


def test_with_javascript_the_map_takes_the_box(page, local_tiles, handout_url, page_errors):
    page.goto(handout_url)
    page.wait_for_selector(".handout-map.leaflet-container")
    assert page.locator(".handout-map .leaflet-marker-icon").count() == 3
    assert not page.locator(".handout-map .map-fallback").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".handout-map .map-fallback").is_visible()
    assert page_errors == []
