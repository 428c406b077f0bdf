"""Content Security Policy: scripts only from our files or with the request's nonce, never
'unsafe-inline'; every page we serve keeps to it (the browser check is tests/e2e/test_csp.py)."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.security import tile_sources
from tests.factories import NeighbourhoodFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

DATA_BLOCKS = {"application/json", "application/ld+json"}


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def header_nonce(response) -> str | None:
    """The request's nonce; django-csp adds it only when the page used it."""
    nonces = set(re.findall(r"'nonce-([^']+)'", response["Content-Security-Policy"]))
    assert len(nonces) <= 1
    return nonces.pop() if nonces else None


class InlineCode(HTMLParser):
    """What a strict CSP would refuse in a page: inline scripts and styles without the nonce,
    event-handler and style attributes, javascript: URLs."""

    def __init__(self, html: str, nonce: str):
        super().__init__()
        self.nonce = nonce
        self.problems: list[str] = []
        self.inline_scripts = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes:
            if attributes.get("type") in DATA_BLOCKS:
                return
            self.inline_scripts += 1
            if attributes.get("nonce") != self.nonce:
                self.problems.append(f"<script> without the nonce: {attrs}")
        if tag == "style" and attributes.get("nonce") != self.nonce:
            self.problems.append(f"<style> without the nonce: {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>: inline event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=...>: inline style attribute")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value}>: javascript: URL")


def assert_keeps_to_the_policy(response) -> InlineCode:
    assert response.status_code == 200, response
    code = InlineCode(response.content.decode(), header_nonce(response))
    assert code.problems == []
    return code


def test_the_policy_allows_no_inline_script_without_the_nonce(client):
    directives = policy(client.get(reverse("maps:city")))

    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"][0] == "'self'"
    assert directives["script-src"][1].startswith("'nonce-")
    assert len(directives["script-src"]) == 2
    assert directives["style-src"] == directives["script-src"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]


def test_a_page_without_inline_code_allows_only_our_files(client):
    directives = policy(client.get(reverse("buurt:neighbourhood-list")))

    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]


def test_every_response_has_a_new_nonce(client):
    first = header_nonce(client.get(reverse("maps:city")))
    second = header_nonce(client.get(reverse("maps:city")))

    assert first != second
    assert len(first) >= 22  # 128 random bits, base64


@pytest.mark.parametrize(
    ("tile_url", "expected"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", ["https://tile.openstreetmap.org"]),
        ("https://{s}.tile.example.org/{z}/{x}/{y}{r}.png", ["https://*.tile.example.org"]),
        ("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", ["http://127.0.0.1:8080"]),
        ("/tiles/{z}/{x}/{y}.png", []),  # our own host: 'self' covers it
    ],
)
def test_the_tile_server_is_allowed_to_serve_images(tile_url, expected):
    assert tile_sources(tile_url) == expected


def test_a_placeholder_in_the_host_that_csp_cannot_express_is_refused():
    with pytest.raises(ValueError, match="placeholder"):
        tile_sources("https://{switch:a,b}.tiles.example.org/{z}/{x}/{y}.png")


@pytest.fixture
def gent():
    neighbourhood = NeighbourhoodFactory(name="Binnenstad")
    organisation = OrganisationFactory(name="Toneelgroep", neighbourhood=neighbourhood)
    return neighbourhood, organisation


def test_map_pages_run_their_map_script_with_the_nonce(client, gent):
    neighbourhood, organisation = gent
    for url in (
        reverse("maps:city"),
        neighbourhood.get_absolute_url(),
        organisation.get_absolute_url(),
    ):
        code = assert_keeps_to_the_policy(client.get(url))
        assert code.inline_scripts == 1, url  # the folium map script, with the nonce


def test_public_pages_keep_to_the_policy(client, gent):
    for name in ("buurt:neighbourhood-list", "api-docs", "account_login", "account_signup"):
        assert_keeps_to_the_policy(client.get(reverse(name)))


def test_swagger_ui_loads_its_start_up_script_from_a_file(client):
    page = client.get(reverse("api-docs"))
    (script_url,) = re.findall(r'<script src="([^"]*script=[^"]*)"', page.content.decode())

    script = client.get(script_url.replace("&amp;", "&"))

    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


@pytest.fixture
def admin_client_with_email(client):
    user = get_user_model().objects.create_superuser(email="beheer@example.org", password="x")
    client.force_login(user)
    return client


def test_admin_pages_keep_to_the_policy(admin_client_with_email, gent):
    neighbourhood, organisation = gent
    for url in (
        reverse("admin:index"),
        reverse("admin:buurt_organisation_changelist"),
        reverse("admin:buurt_organisation_add"),
        reverse("admin:buurt_organisation_change", args=[organisation.pk]),
        reverse("admin:buurt_neighbourhood_change", args=[neighbourhood.pk]),
    ):
        assert_keeps_to_the_policy(admin_client_with_email.get(url))


def test_the_admin_map_widget_gets_its_options_from_the_markup(admin_client_with_email, gent):
    neighbourhood, _ = gent
    url = reverse("admin:buurt_neighbourhood_change", args=[neighbourhood.pk])

    html = admin_client_with_email.get(url).content.decode()

    assert 'class="dj_map_wrapper" data-map-options="{' in html
    assert "&quot;module&quot;: &quot;geodjango_boundary&quot;" in html
    assert "maps/map-widget.js" in html


def pages_without_parameters(patterns=None, prefix="") -> list[str]:
    """The paths of every URL pattern that takes no parameter, the admin's and API's aside."""
    from django.urls import URLPattern, URLResolver, get_resolver

    paths = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = str(pattern.pattern)
        if "<" in route or "(?P" in route or route.startswith(("admin/", "api/", "^")):
            continue
        if isinstance(pattern, URLResolver):
            paths += pages_without_parameters(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            paths.append("/" + prefix + route)
    return paths


def test_every_page_without_parameters_keeps_to_the_policy(admin_client_with_email, gent):
    checked = []
    for path in pages_without_parameters():
        response = admin_client_with_email.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue  # redirects, POST-only views, JSON
        code = InlineCode(response.content.decode(), header_nonce(response))
        assert code.problems == [], path
        checked.append(path)

    assert "/" in checked
    assert "/buurten/" in checked
    assert len(checked) >= 5, checked
