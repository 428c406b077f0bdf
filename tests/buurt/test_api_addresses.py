"""The address search API: autocomplete, geocode and reverse, with bad input."""

import pytest
import responses
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from tests.factories import NeighbourhoodFactory

from .gazetteer_data import KORENMARKT_1, load_gazetteer

pytestmark = pytest.mark.django_db

AUTOCOMPLETE = reverse("buurt-api:address-autocomplete")
GEOCODE = reverse("buurt-api:address-geocode")
REVERSE = reverse("buurt-api:address-reverse")


@pytest.fixture
def api(tmp_path):
    load_gazetteer(tmp_path)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield APIClient(HTTP_ACCEPT_LANGUAGE="en")
    assert len(mock.calls) == 0


def test_autocomplete(api):
    response = api.get(AUTOCOMPLETE, {"q": "korenm"})
    assert response.status_code == 200
    assert response.json()["results"][0] == {
        "lat": KORENMARKT_1[0] + 0.0001,  # the middle of Korenmarkt 1 and 5
        "lon": KORENMARKT_1[1] + 0.00015,
        "label": "Korenmarkt, 9000 Gent",
        "precision": "street",
        # a prefix of the name, and no postcode or place typed to pick among towns
        "score": pytest.approx(0.86, abs=0.01),
        "source": "gazetteer",
    }


def test_autocomplete_with_nothing_matching_yet_is_an_empty_list(api):
    response = api.get(AUTOCOMPLETE, {"q": "Qwxyzstraat"})
    assert response.status_code == 200
    assert response.json() == {"results": []}


def test_autocomplete_queries_do_not_grow_with_the_results(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = api.get(AUTOCOMPLETE, {"q": "Sint-Pietersnieuwstraat 3", "limit": 20})
    assert len(response.json()["results"]) == 2


def test_geocode(api):
    response = api.get(GEOCODE, {"q": "St-Pietersnieuwstr. 33 bus 2, 9000 Gent"})
    assert response.status_code == 200
    best = response.json()["results"][0]
    assert best["label"] == "Sint-Pietersnieuwstraat 33 bus 2, 9000 Gent"
    assert best["precision"] == "address"


def test_geocode_not_found_says_so_and_suggests(api):
    response = api.get(GEOCODE, {"q": "Sint-Pitrsnuwstrat 33"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "We could not find this address; did you mean "
        "Sint-Pietersnieuwstraat, 9000 Gent?",
        "suggestions": ["Sint-Pietersnieuwstraat, 9000 Gent"],
    }


@pytest.mark.parametrize("url", [AUTOCOMPLETE, GEOCODE])
@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Type an address, a street or a postcode."),
        ("     ", "Type an address, a street or a postcode."),
        ("Korenmarkt " * 46, "An address is at most 200 characters long."),
        ("🏠 Korenmarkt 1", "An address has only letters, numbers"),
        ("'; DROP TABLE buurt_address; --", "An address has only letters, numbers"),
        ("1 OR 1=1", "An address has only letters, numbers"),
        ('<script>alert("x")</script>', "An address has only letters, numbers"),
        ("Korenmarkt <b>1</b>", "An address has only letters, numbers"),
        ("---", "Type an address, a street or a postcode."),
        ("33", None),
        ("12A", None),
    ],
)
def test_bad_input_is_a_400_with_a_message(api, url, q, message):
    response = api.get(url, {"q": q})
    if url == AUTOCOMPLETE and q in ("33", "12A"):
        # While typing, a number may be the start of a postcode: nothing yet, no error.
        assert response.status_code == 200
        return
    assert response.status_code == 400
    detail = response.json()["detail"]
    expected = message or "Add the street or the postcode to the house number."
    assert detail.startswith(expected)


def test_no_query_parameter_at_all(api):
    response = api.get(GEOCODE)
    assert response.status_code == 400
    assert response.json()["detail"] == "Type an address, a street or a postcode."


def test_a_bad_limit(api):
    response = api.get(AUTOCOMPLETE, {"q": "korenm", "limit": "many"})
    assert response.status_code == 400
    assert "between 1 and 20" in response.json()["detail"]


def test_messages_are_translated(api):
    with translation.override("nl"):
        response = APIClient(HTTP_ACCEPT_LANGUAGE="nl").get(GEOCODE, {"q": ""})
    assert response.status_code == 400
    assert response.json()["detail"] != "Type an address, a street or a postcode."


def test_reverse(api):
    neighbourhood = NeighbourhoodFactory()
    response = api.get(REVERSE, {"lat": KORENMARKT_1[0], "lon": KORENMARKT_1[1]})
    assert response.status_code == 200
    assert response.json() == {
        "neighbourhood": {"code": neighbourhood.code, "name": neighbourhood.name},
        "address": "Korenmarkt 1, 9000 Gent",
        "distance_m": 0.0,
    }


@pytest.mark.parametrize("params", [{}, {"lat": "north", "lon": "3.7"}, {"lat": 95, "lon": 3.7}])
def test_reverse_bad_point(api, params):
    response = api.get(REVERSE, params)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_the_endpoints_are_in_the_api_schema(api):
    response = api.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"] if response["Content-Type"].endswith("json") else {}
    schema = paths or response.content.decode()
    for path in (
        "/api/addresses/autocomplete/",
        "/api/addresses/geocode/",
        "/api/addresses/reverse/",
    ):
        assert path in schema
