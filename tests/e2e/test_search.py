"""The search in a real browser: a social worker's journey (address, filters, results, the
printable handout) and a resident's on a small phone, each checked by axe-core for serious
or critical accessibility problems, and with no request leaving this machine."""

from pathlib import Path

import pytest

from tests.e2e import tile_map
from tests.e2e.conftest import is_local
from tests.e2e.layout import PHONE, page_width
from tests.maps.search_places import HOME

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def axe_problems(page) -> list[str]:
    """Serious and critical axe-core violations on the page, as readable lines."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's debugging protocol: the page's Content Security
        # Policy (rightly) refuses inline scripts, and axe is not one of ours.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['impact']}: {v['id']}: {v['help']} ({len(v['nodes'])}x: {v['nodes'][0]['target']})"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def test_a_workers_journey(page, live_server, local_tiles, gent, requested_urls, page_errors):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/zoeken/")

    address = page.get_by_label("Address", exact=True)
    address.fill("Sint-Pietersnieuwstr 33")
    # Suggestions from the address API arrive in the datalist while typing.
    option = page.locator("#search-address-options option").first
    option.wait_for(state="attached")
    suggestion = option.get_attribute("value")
    assert suggestion == "Sint-Pietersnieuwstraat 33, 9000 Gent"
    address.fill(suggestion)

    page.get_by_label("30 minutes", exact=True).check()
    page.get_by_label("Free or reduced rate (UiTPAS, kansentarief)").check()
    page.get_by_label("You can come alone: a welcome person waits for you").check()
    page.get_by_role("button", name="Search").first.click()

    page.wait_for_selector("#results-heading")
    heading = page.locator("#results-heading").inner_text()
    assert "1 place within 30 minutes' walk (2.4 km) of" in heading
    assert "Sint-Pietersnieuwstraat 33, 9000 Gent" in heading
    assert page.locator("ol.results > li").count() == 1
    assert "LDC De Vlier" in page.locator("ol.results").inner_text()
    assert "1.5 km, ±19 min walk" in page.locator("ol.results").inner_text()
    # The URL carries the whole search, without empty fields.
    assert "reduced_rate=1" in page.url
    assert "come_alone=1" in page.url
    assert "radius_km" not in page.url
    results_url = page.url

    page.wait_for_selector(".leaflet-marker-pane .org-marker")
    assert page.locator(".leaflet-overlay-pane path").count() >= 2  # the radius, the buurt
    assert axe_problems(page) == []

    page.get_by_label("Show my client's address on the handout").check()
    page.get_by_role("button", name="Printable handout").click()
    page.wait_for_selector(".handout-list")
    assert "Places within 30 minutes' walk (2.4 km) of Sint-Pietersnieuwstraat 33" in (
        page.locator(".handout-subtitle").inner_text()
    )
    assert page.locator(".handout-list > li").count() == 1
    assert page.locator(".leaflet-marker-pane .number-marker").inner_text() == "1"
    assert page.locator(".handout-qr img").get_attribute("src").startswith("data:image/svg")
    assert axe_problems(page) == []
    page.emulate_media(media="print")
    assert not page.locator(".handout-actions").is_visible()

    page.emulate_media(media="screen")
    page.go_back()
    page.wait_for_selector("#results-heading")
    assert page.url == results_url

    assert page_errors == []
    assert all(is_local(url) for url in requested_urls), requested_urls


def test_a_residents_journey_on_a_small_phone(
    page, live_server, local_tiles, gent, requested_urls, page_errors
):
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(f"{live_server.url}/zoeken/")
    page.get_by_label("Address", exact=True).fill("9000")
    page.get_by_label("Address", exact=True).press("Enter")

    page.wait_for_selector("#results-heading")
    assert "We only found the postcode 9000 Gent" in page.locator(".notice").first.inner_text()
    # Nothing wider than the phone: no sideways scrolling.
    assert page_width(page) <= 360
    assert axe_problems(page) == []

    # "Use my location" searches from where the phone is, without typing an address.
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": HOME.y, "longitude": HOME.x})
    page.get_by_label("Address", exact=True).fill("")
    page.get_by_label("Hearing loop").check()
    page.get_by_label("5 minutes", exact=True).check()
    page.get_by_role("button", name="Use my location").click()
    page.wait_for_url("**lat=*")
    assert "the chosen point" in page.locator("#results-heading").inner_text()
    assert "Nothing found with this search." in page.locator(".search-empty").inner_text()

    # The suggestions count what a wider search would find; following one finds it.
    wider = page.get_by_role("link", name="a wider search, within 10 minutes' walk (800 m)")
    assert "1 place" in wider.inner_text()
    wider.click()
    page.wait_for_selector("ol.results")
    assert page.locator("ol.results > li").inner_text().startswith("Buurthuis De Brug")
    assert page_width(page) <= 360
    assert axe_problems(page) == []

    assert page_errors == []
    assert all(is_local(url) for url in requested_urls), requested_urls


def test_the_search_map_draws_the_results_from_tiles(
    page, live_server, local_tiles, gent, requested_urls, page_errors
):
    """The results on the map come from the vector tiles of the search's filters, whatever
    their number; the searched point and the radius are drawn from the page; Tab and Enter
    open a result's popup; on a phone the page fits and axe finds nothing."""
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/zoeken/?lat={HOME.y}&lon={HOME.x}&radius=2400&reduced_rate=1")
    tile_map.wait_for_markers(page)
    tiles = tile_map.tile_requests(requested_urls)
    assert tiles
    for url in tiles:  # the filters, never the place or the radius
        assert "reduced_rate=1" in url
        assert "lat=" not in url
        assert "radius" not in url
    # The searched place (a circle marker) and the radius are drawn with the results.
    assert page.locator(".leaflet-overlay-pane path").count() >= 2
    assert page.locator("ol.results > li").count() >= 1  # the list below stays
    tile_map.zoom_until_split(page)
    popup = tile_map.popup_by_keyboard(page)
    assert popup.locator("a").get_attribute("href").startswith("/")
    assert page_width(page) <= PHONE["width"]
    assert axe_problems(page) == []
    assert page_errors == []
    assert all(is_local(url) for url in requested_urls), requested_urls
