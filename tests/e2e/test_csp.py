"""The Content Security Policy in a real browser: the maps, the admin's map widget and the API
docs work, and Chromium reports no violation (no "Refused to ..." and no
securitypolicyviolation event)."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.factories import NeighbourhoodFactory, OrganisationFactory, box

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Runs before any script of the page; Playwright injects it without an inline <script>.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def violations(page) -> list[str]:
    """CSP violations, from the console and from securitypolicyviolation events."""
    found: list[str] = []
    page.context.add_init_script(RECORD_VIOLATIONS)

    def on_console(message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            found.append(message.text)

    page.on("console", on_console)
    return found


def reported(page, violations: list[str]) -> list[str]:
    return violations + page.evaluate("window.__cspViolations")


@pytest.fixture
def gent():
    boundary = box(3.70, 51.03, 3.735, 51.065)
    neighbourhood = NeighbourhoodFactory(name="Binnenstad", boundary=boundary)
    organisation = OrganisationFactory(name="Toneelgroep", neighbourhood=neighbourhood)
    OrganisationFactory(name="Buurthuis")
    return neighbourhood, organisation


def test_map_pages_draw_without_csp_violations(
    page, live_server, local_tiles, gent, violations, page_errors
):
    neighbourhood, organisation = gent
    for url in ("/", neighbourhood.get_absolute_url(), organisation.get_absolute_url()):
        page.goto(live_server.url + url)
        page.wait_for_selector(".leaflet-marker-icon")
        page.wait_for_selector(".leaflet-tile-loaded")
        assert reported(page, violations) == [], url

    assert page_errors == []


def test_search_pages_work_without_csp_violations(
    page, live_server, local_tiles, gent, violations, page_errors
):
    korenmarkt = "lat=51.0543&lon=3.7196"
    for url in (f"/zoeken/?{korenmarkt}", f"/zoeken/afdrukken/?{korenmarkt}"):
        page.goto(live_server.url + url)
        page.wait_for_selector(".leaflet-marker-icon")
        assert reported(page, violations) == [], url

    assert page_errors == []


@pytest.fixture
def admin_page(page, live_server):
    user = get_user_model().objects.create_superuser(email="beheer@example.org", password="x")
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return page


def test_admin_map_widget_works_without_csp_violations(
    admin_page, live_server, local_tiles, gent, violations, page_errors
):
    neighbourhood, organisation = gent
    for url in (
        reverse("admin:buurt_neighbourhood_change", args=[neighbourhood.pk]),
        reverse("admin:buurt_organisation_change", args=[organisation.pk]),
    ):
        admin_page.goto(live_server.url + url)
        admin_page.wait_for_selector(".dj_map .ol-viewport")
        assert reported(admin_page, violations) == [], url

    # The widget is started by maps/map-widget.js and still edits: draw a point.
    admin_page.goto(live_server.url + reverse("admin:buurt_organisation_add"))
    admin_page.locator("#id_point_map canvas").first.click()
    assert '"type":"Point"' in admin_page.locator("#id_point").input_value().replace(" ", "")
    assert reported(admin_page, violations) == []
    assert page_errors == []


def test_admin_pages_without_maps_work_without_csp_violations(
    admin_page, live_server, gent, violations, page_errors
):
    for url in (reverse("admin:index"), reverse("admin:buurt_organisation_changelist")):
        admin_page.goto(live_server.url + url)
        admin_page.wait_for_selector("#content")
        assert reported(admin_page, violations) == [], url
    assert page_errors == []


def test_api_docs_render_without_csp_violations(page, live_server, violations, page_errors):
    page.goto(live_server.url + reverse("api-docs"))
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-tag")  # the schema was fetched and drawn

    assert reported(page, violations) == []
    assert page_errors == []
