"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser).

`browser` lives for the session; `page` is a fresh context per test that records every request
in `requested_urls` and aborts any that would leave this machine, so that a test can neither
reach the internet nor pass while the page tried to.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in the test thread; without this Django refuses
# database access from it (SynchronousOnlyOperation).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob"} or parts.hostname in LOCAL_HOSTS


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (make services does)")
    # The copy of the migrated data that serialized_rollback restores (the network models, the
    # languages) hangs on the connection object. Once Playwright's event loop runs in this
    # thread, Django hands out new connection objects without it, and every later
    # transactional test found those tables empty: the copy goes onto the new ones.
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def requested_urls() -> list[str]:
    """Every URL the page asked for, in order, including any that were blocked."""
    return []


@pytest.fixture
def page_errors() -> list[str]:
    """Uncaught JavaScript errors and alert()/confirm() dialogs on the page."""
    return []


@pytest.fixture
def page(browser, requested_urls, page_errors):
    context = browser.new_context(service_workers="block", locale="en")
    context.on("request", lambda request: requested_urls.append(request.url))

    def local_only(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", local_only)
    page = context.new_page()
    page.set_default_timeout(5_000)
    page.on("pageerror", lambda error: page_errors.append(f"error: {error}"))

    def on_dialog(dialog):
        page_errors.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser):
    """A Dutch page with JavaScript off (what an old phone or a strict browser shows), kept on
    this machine like `page`."""
    context = browser.new_context(java_script_enabled=False, locale="nl")
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if is_local(route.request.url) else route.abort("blockedbyclient")
        ),
    )
    page = context.new_page()
    page.set_default_timeout(5_000)
    yield page
    context.close()


@pytest.fixture
def local_tiles(settings, live_server):
    """Point the maps at a blank tile served by the live server instead of a tile server."""
    settings.MAP_TILE_URL = f"{live_server.url}/static/maps/blank-tile.png"
    return settings.MAP_TILE_URL


@pytest.fixture
def gent(tmp_path):
    """The test gazetteer, a neighbourhood and organisations at known distances from HOME
    (tests/maps/search_places.py)."""
    from tests.buurt.gazetteer_data import load_gazetteer
    from tests.factories import NeighbourhoodFactory, box
    from tests.maps.search_places import neighbourhood_of_places

    load_gazetteer(tmp_path)
    NeighbourhoodFactory(name="Sint-Pieters", boundary=box(3.70, 51.03, 3.745, 51.06))
    return neighbourhood_of_places()
