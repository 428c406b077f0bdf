"""The embedded map and agenda inside an <iframe> of a page on another origin (a second local
HTTP server, on another host name and port): they draw, set no cookie, break no CSP rule,
ask nothing of another host but the (local) tile server, and their links open a new tab.
Every other page still refuses to be framed."""

from __future__ import annotations

import datetime
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from tests.e2e.layout import page_width
from tests.factories import ActivityFactory, NeighbourhoodFactory, OrganisationFactory, box

from .test_csp import RECORD_VIOLATIONS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class HostSite:
    """http://127.0.0.1:<port>/: another site (the live server is http://localhost:<port>),
    whose page frames the given URLs."""

    def __init__(self, frames: list[str]):
        body = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Host</title>"
            "</head><body><h1>Our association's site</h1>"
            + "".join(
                f"<iframe src='{url}' title='frame {n}' width='600' height='500'></iframe>"
                for n, url in enumerate(frames)
            )
            + "</body></html>"
        ).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def listings():
    neighbourhood = NeighbourhoodFactory(name="Binnenstad", boundary=box(3.70, 51.03, 3.74, 51.07))
    organisation = OrganisationFactory(name="Buurthuis De Sleep", neighbourhood=neighbourhood)
    ActivityFactory(
        organisation=organisation,
        title="Taalcafé",
        starts_at=timezone.now() + datetime.timedelta(days=1),
    )
    return organisation, neighbourhood


def test_embeds_inside_a_frame_of_another_site(
    page, live_server, local_tiles, listings, requested_urls, page_errors
):
    organisation, neighbourhood = listings
    map_url = f"{live_server.url}/embed/kaart/?neighbourhood={neighbourhood.code}&lang=fr"
    agenda_url = f"{live_server.url}/embed/agenda/?organisation={organisation.slug}"
    violations: list[str] = []
    refusals: list[str] = []
    set_cookies: list[str] = []
    page.context.add_init_script(RECORD_VIOLATIONS)  # in every frame, before its scripts

    def on_console(message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            violations.append(message.text)

    def on_response(response):
        cookie = response.headers.get("set-cookie")
        if cookie:
            set_cookies.append(f"{response.url}: {cookie}")

    page.on("console", on_console)
    page.on("response", on_response)

    with HostSite([map_url, agenda_url]) as host:
        page.goto(host.url)
        map_frame = page.frame_locator("iframe[title='frame 0']")
        map_frame.locator(".leaflet-marker-icon").first.wait_for()
        map_frame.locator(".leaflet-tile-loaded").first.wait_for()
        agenda_frame = page.frame_locator("iframe[title='frame 1']")
        agenda_frame.get_by_role("link", name="Taalcafé").wait_for()
        assert map_frame.locator("html").get_attribute("lang") == "fr"
        assert map_frame.get_by_role("link", name="Ouvrir sur Buurtkaart").count() == 1
        # Neither frame set a cookie, for its own host or any other.
        assert page.context.cookies() == []

        # A marker's popup link (written by Leaflet) opens the full page in a new tab.
        map_frame.locator(".leaflet-marker-icon").first.click()
        popup_link = map_frame.locator(".leaflet-popup a").first
        with page.context.expect_page() as opened:
            popup_link.click()
        assert opened.value.url.startswith(live_server.url + organisation.get_absolute_url())
        opened.value.close()
        with page.context.expect_page() as opened:
            agenda_frame.get_by_role("link", name="Taalcafé").click()
        assert "/activiteiten/" in opened.value.url
        opened.value.close()

        for frame in page.frames[1:]:
            violations += frame.evaluate("window.__cspViolations || []")

    assert violations == []
    assert set_cookies == []
    assert page_errors == []
    # Nothing but the two local servers (the tiles come from the live server here).
    assert all(url.startswith((live_server.url, host.url)) for url in requested_urls), (
        requested_urls
    )

    # Any other page of the site refuses the same frame.
    with HostSite([f"{live_server.url}/agenda/"]) as host:
        page.on("console", lambda message: refusals.append(message.text))
        page.goto(host.url)
        page.wait_for_timeout(500)
        frame = page.frames[1]
        assert frame.url in ("about:blank", "chrome-error://chromewebdata/", "") or not (
            frame.locator("h1").count()
        )
    assert any(
        "frame" in text and ("X-Frame-Options" in text or "frame-ancestors" in text)
        for text in refusals
    ), refusals


def test_embeds_and_the_calendars_page_on_a_phone(
    page, live_server, local_tiles, listings, page_errors
):
    """360 px wide: nothing wider than the screen, axe-core finds no serious problem."""
    from django.conf import settings
    from django.test import Client

    from tests.e2e.test_search import axe_problems
    from tests.factories import MembershipFactory

    organisation, neighbourhood = listings
    page.set_viewport_size({"width": 360, "height": 740})
    for url in (
        f"/embed/kaart/?organisation={organisation.slug}",
        f"/embed/kaart/?neighbourhood={neighbourhood.code}",
        "/embed/kaart/?lat=51.0543&lon=3.7196&radius=800",
        f"/embed/agenda/?neighbourhood={neighbourhood.code}",
    ):
        page.goto(live_server.url + url)
        page.locator("main").wait_for()
        assert page_width(page) <= 360, url
        assert axe_problems(page) == [], url

    membership = MembershipFactory(organisation=organisation)
    client = Client()
    client.force_login(membership.user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    for url in (
        f"/organisaties/{organisation.slug}/agendas/",
        f"/organisaties/{organisation.slug}/bewerken/",
    ):
        page.goto(live_server.url + url)
        assert page_width(page) <= 360, url
        assert axe_problems(page) == [], url
    assert page_errors == []
