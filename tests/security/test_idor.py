"""The IDOR matrix (rules and cases in tests/idor.py): outsiders never reach others' objects."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories
from tests.idor import (
    CASES,
    EXCLUDED_PREFIXES,
    LOGIN,
    NOT_PAGES,
    NOT_YET_SWEPT,
    PAGES,
    PUBLIC,
    ROLES,
)

pytestmark = pytest.mark.django_db

MATRIX = [
    pytest.param(case, method, id=f"{case.url_name}-{i}-{method}")
    for i, case in enumerate(CASES)
    for method in case.methods
]


def request(client, case, method):
    url = reverse(case.url_name, kwargs=case.make())
    if method == "get":
        return client.get(url)
    return client.post(url, case.data)


def assert_refused(response, expected):
    assert response.status_code not in (200, 201, 204, 500)
    if expected == LOGIN:
        assert response.status_code == 302, response.status_code
        assert urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL)
    else:
        assert response.status_code == expected, response.status_code


@pytest.mark.parametrize(("case", "method"), MATRIX)
def test_anonymous(client, case, method):
    assert_refused(request(client, case, method), case.anonymous)


@pytest.mark.parametrize(("case", "method"), MATRIX)
def test_unrelated_signed_in_user(client, case, method):
    # A confirmed resident who is a member and worker elsewhere: roles give nothing outside.
    stranger = factories.MembershipFactory().user
    factories.WorkerProfileFactory(user=stranger, verified_at="2026-01-05T10:00Z")
    client.force_login(stranger)
    assert_refused(request(client, case, method), case.stranger)


@pytest.mark.parametrize(("case", "method"), [p for p in MATRIX if p.values[0].staff is not None])
@pytest.mark.parametrize("role", ["is_moderator", "is_coordinator"])
def test_moderators_and_coordinators_where_they_have_no_business(client, case, method, role):
    # Also a verified worker: the role gives nothing on another worker's private object.
    user = factories.UserFactory(**{role: True})
    factories.WorkerProfileFactory(user=user, verified_at="2026-01-05T10:00Z")
    client.force_login(user)
    assert_refused(request(client, case, method), case.staff)


def test_a_coordinator_reads_but_does_not_change(client):
    """Coordinators have a read-only overview: no edit or member pages of organisations."""
    client.force_login(factories.UserFactory(is_coordinator=True))
    for case in CASES:
        if case.url_name.startswith(("accounts:organisation-edit", "accounts:member")):
            response = request(client, case, "post")
            assert response.status_code == 404, case


def test_non_staff_users_are_kept_out_of_the_admin(client):
    organisation = factories.OrganisationFactory()
    client.force_login(factories.UserFactory(is_moderator=True))
    url = reverse("admin:buurt_organisation_change", args=[organisation.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("admin:login")


# --- Coverage: no URL with a parameter slips through ---------------------------------------------


def object_urls(patterns=None, prefix="", namespace=None, has_parameter=False):
    """(name or route, route) of every URL pattern that takes a parameter."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        parameter = has_parameter or pattern.pattern.regex.groups > 0
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from object_urls(pattern.url_patterns, route, inner, parameter)
        elif isinstance(pattern, URLPattern) and parameter:
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name or route, route


def test_every_object_url_is_in_the_matrix():
    covered = {case.url_name for case in CASES} | set(PUBLIC)
    missing = sorted(
        key
        for key, route in object_urls()
        if key not in covered and not route.startswith(EXCLUDED_PREFIXES)
    )
    assert missing == [], "add these to tests/idor.py (CASES or PUBLIC): " + ", ".join(missing)


def test_the_enumeration_sees_object_urls():
    """Guards the guard: the walk must find URLs we know take a slug or an id."""
    found = {key for key, _route in object_urls()}
    known = {"accounts:organisation-edit", "accounts:member-update", "account_confirm_email"}
    assert known <= found
    assert "accounts:dashboard" not in found


def test_every_case_names_a_real_url():
    names = {key for key, _route in object_urls()}
    assert {case.url_name for case in CASES} <= names
    # Unnamed routes (media files) exist only in some settings (DEBUG).
    assert {key for key in PUBLIC if "/" not in key} <= names


# --- Coverage: every page is in the phone and axe sweep (tests/e2e/test_pages.py) --------------


def page_urls(patterns=None, prefix="", namespace=None):
    """(name or route, route, takes a parameter) of every URL pattern."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from page_urls(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name or route, route


def test_every_page_is_swept():
    """Every URL a browser opens (without a parameter, a GET case of the matrix, a PUBLIC
    name) is opened by the sweep as some role, or said to serve no page of its own."""
    post_only = {case.url_name for case in CASES if "get" not in case.methods}
    with_get = {case.url_name for case in CASES if "get" in case.methods}
    parameterised = {key for key, _route in object_urls()}
    wanted = with_get | set(PUBLIC)
    for key, route in page_urls():
        if route.startswith((*EXCLUDED_PREFIXES, "api/")) or key in post_only - with_get:
            continue
        if key not in parameterised:
            wanted.add(key)
    swept = {page.url_name for page in PAGES}
    missing = sorted(wanted - swept - set(NOT_PAGES) - set(NOT_YET_SWEPT))
    assert missing == [], "add these to tests/idor.py (PAGES or NOT_PAGES): " + ", ".join(missing)
    assert {page.role for page in PAGES} == set(ROLES)
    assert swept <= {key for key, _route in page_urls()}
