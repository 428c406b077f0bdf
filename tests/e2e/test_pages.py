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
from tests.idor import PAGES, ROLES, sweep_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

# Elements wider than the screen, or reaching past its right edge, outside a box that clips
# or scrolls them (a map's panes, a .table-scroll region).
TOO_WIDE = """() => {
  const limit = document.documentElement.clientWidth + 0.5;
  const clipped = (node) => {
    for (let up = node.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow !== 'visible') { return true; }
    }
    return false;
  };
  const wide = [];
  for (const node of document.body.querySelectorAll('*')) {
    const box = node.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) { continue; }
    if ((box.right > limit || box.width > limit) && !clipped(node)) {
      const name = node.tagName.toLowerCase() + (node.id ? '#' + node.id : '') +
        (node.className && typeof node.className === 'string'
          ? '.' + node.className.trim().split(/\\s+/).join('.') : '');
      wide.push(name + ' ' + Math.round(box.width) + 'px to ' + Math.round(box.right));
    }
  }
  return wide.slice(0, 5);
}"""


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


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone_and_passes_axe(browser, live_server, local_tiles, role):
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
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            found.append(f"{width}px wide at 360: {page.evaluate(TOO_WIDE)}")
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
