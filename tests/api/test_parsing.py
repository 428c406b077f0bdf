"""Bodies the API cannot parse answer 400, also on the path through DRF's CSRF check."""

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URLS = [
    "/api/search/",
    "/api/search/bbox/",
    "/api/addresses/autocomplete/",
    "/api/addresses/geocode/",
    "/api/schema/",
]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture
def signed_in():
    """A browser's session: DRF checks CSRF for it, and reads the body to look for the token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    client.get("/")  # sets the CSRF cookie, as any page does
    return client


def post(client, url, body):
    token = client.cookies["csrftoken"].value
    return client.post(url, body, content_type="application/json", headers={"x-csrftoken": token})


@pytest.mark.parametrize("depth", [1_100, 5_000, 100_000])
@pytest.mark.parametrize("url", URLS)
def test_deeply_nested_json_is_a_400(signed_in, url, depth):
    response = post(signed_in, url, nested(depth))

    assert response.status_code == 400
    # /api/schema/ answers in its own media type (YAML), the others in JSON.
    assert "The JSON in the request is nested too deeply." in response.content.decode()


def test_the_message_is_translated(signed_in):
    response = signed_in.post(
        "/api/search/",
        nested(5_000),
        content_type="application/json",
        headers={"x-csrftoken": signed_in.cookies["csrftoken"].value, "accept-language": "nl"},
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "De JSON in het verzoek is te diep genest."}


def test_without_a_session_no_csrf_check_reads_the_body():
    """Anonymous: DRF checks no CSRF token, and refuses the verb before reading the body."""
    response = Client(enforce_csrf_checks=True).post(
        "/api/search/", nested(5_000), content_type="application/json"
    )
    assert response.status_code == 405


def test_json_nested_a_little_still_parses(signed_in):
    """200 levels is fine JSON: the CSRF check passes and the view refuses the verb."""
    response = post(signed_in, "/api/search/", nested(200))
    assert response.status_code == 405
