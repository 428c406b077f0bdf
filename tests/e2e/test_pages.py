"""Every page, as each role opens it, on a 360x740 phone and a 1280x800 screen (the list is
tests/idor.py's PAGES, which tests/security/test_idor.py keeps complete): nothing is wider
than the phone's screen, and axe-core finds no violation at either size. One browser context
per role, signed in once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.e2e.conftest import is_local
from tests.e2e.layout import DESKTOP, PHONE, page_width, too_wide
from tests.idor import PAGES, ROLES, sweep_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def axe_findings(page) -> list[str]:
    """Every axe-core violation, whatever its impact (with the experimental rule that the
    visible text is part of the accessible name), and colour contrast that axe could not
    decide on the map's clusters and controls (marker cluster's translucent labels were)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # through the debugging protocol (CSP)
    results = page.evaluate(
        "async () => { const r = await axe.run(document, "
        "{resultTypes: ['violations', 'incomplete'],"
        " rules: {'label-content-name-mismatch': {enabled: true}}});"
        " const onMap = (node) => { const e = document.querySelector(node.target[0]);"
        "  return Boolean(e && e.closest('.cluster-marker, .leaflet-control')); };"
        " return {violations: r.violations, incomplete: r.incomplete"
        "  .filter(i => i.id === 'color-contrast')"
        "  .map(i => ({id: i.id, nodes: i.nodes.filter(onMap).map(n => n.target)}))"
        "  .filter(i => i.nodes.length)}; }"
    )
    found = [
        f"{v['impact']}: {v['id']} ({len(v['nodes'])}x: {v['nodes'][0]['target']})"
        for v in results["violations"]
    ]
    found += [
        f"undecided on the map: {i['id']} ({len(i['nodes'])}x: {i['nodes'][0]})"
        for i in results["incomplete"]
    ]
    return found


def sign_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


# On PostGIS only: width and accessibility come from templates and CSS, not from the database,
# and the sweep is the suite's longest test (other browser tests run on both backends).
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone_and_passes_axe(
    browser, live_server, local_tiles, postgis_only, role
):
    world = sweep_world()
    context = browser.new_context(service_workers="block", locale="nl", viewport=PHONE)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    context.route(
        "**/*",
        lambda route: route.continue_() if is_local(route.request.url) else route.abort(),
    )
    if role != "public":
        sign_in(context, live_server, world["users"][role])
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))

    problems: dict[str, list[str]] = {}
    started, opened = time.monotonic(), 0
    for wanted in (p for p in PAGES if p.role == role):
        url = reverse(wanted.url_name, kwargs=wanted.kwargs(world)) + wanted.query.format(**world)
        page.set_viewport_size(PHONE)
        response = page.goto(live_server.url + url)
        opened += 1
        found = []
        if response is None or response.status != 200:
            found.append(f"status {response and response.status} at {page.url}")
        elif reverse("account_login") in page.url and wanted.url_name != "account_login":
            found.append("sent to the log-in page")
        width = page_width(page)
        if width > PHONE["width"]:
            found.append(f"{width}px wide at 360: {too_wide(page)}")
        found += [f"360: {f}" for f in axe_findings(page)]
        page.set_viewport_size(DESKTOP)
        found += [f"1280: {f}" for f in axe_findings(page)]
        if found:
            problems[str(wanted)] = found
    seconds = time.monotonic() - started
    context.close()

    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
    assert errors == []
    assert all(is_local(url) for url in requested)
    print(f"{role}: {opened} pages in {seconds:.0f} s")
