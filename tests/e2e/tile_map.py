"""What the browser tests of the maps do with the vector tile layer (maps/tile-layer.js):
wait for its markers, open a popup with the keyboard, zoom a cluster until it splits."""

PLACES = ".leaflet-marker-pane .org-marker"
CLUSTERS = ".leaflet-marker-pane .cluster-marker"


def tile_requests(urls: list[str]) -> list[str]:
    return [url for url in urls if "/api/tiles/" in url and ".mvt" in url]


def wait_for_markers(page) -> None:
    page.wait_for_selector(f"{PLACES}, {CLUSTERS}")


def popup_by_keyboard(page):
    """Tab from the map to its first marker (Leaflet's markers are buttons in the tab order)
    and press Enter: the popup that opens, or a failed assertion."""
    page.locator(".leaflet-container").focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('org-marker')"):
            break
    else:
        raise AssertionError("Tab never reached a place's marker")
    name = page.evaluate("document.activeElement.getAttribute('title')")
    assert name
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    # Leaflet fades a popup in: half transparent, its link fails a contrast check (axe).
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    assert popup.locator("a").inner_text() == name
    return popup


def zoom_until_split(page, title: str | None = None, *, clicks: int = 4) -> None:
    """Click a cluster on screen until the place named `title` (any, without) has a marker
    of its own."""
    selector = f'{PLACES}[title="{title}"]' if title else PLACES
    place = page.locator(selector)
    for _ in range(clicks):
        # The new zoom's tiles may still be on their way: the place, or a cluster to click.
        page.wait_for_selector(f"{selector}, {CLUSTERS}", timeout=15_000)
        if place.count():
            return
        page.locator(CLUSTERS).first.click()
        page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')", polling=100)
        page.wait_for_timeout(300)
    place.first.wait_for()
