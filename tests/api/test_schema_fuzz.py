"""The OpenAPI schema says what the server accepts: a schema-driven fuzzer (schemathesis) sends
requests the schema allows, and none may be refused for a reason the schema does not state.

Every answer must be a 2xx, a 404 for a missing object, or a 400 whose reasons the operation's
description lists as a rule between parameters (which OpenAPI cannot express); never a 5xx,
and every answer must match its documented schema. Bounded and derandomized: the same cases
on every run, a few seconds per operation.
"""

import re

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from maps.api.schema import DATE_PATTERN
from maps.search.forms import FIRST_YEAR, LAST_YEAR
from tests.factories import KORENMARKT

pytestmark = pytest.mark.django_db

NEAR = {"lat": KORENMARKT.y, "lon": KORENMARKT.x}
# (operation, query values fixed for every case, whether some answers must be 200): a search
# needs a place, which the fuzzer rarely gives along with rules between dates and radius
# that all hold, and a box within 60 km whose corners are in order: so each search is fuzzed
# freely and once more around the Korenmarkt (in a box around it). The
# geocoder finds none of the fuzzer's texts (400, "not found"), the autocomplete answers [].
CASES = [
    ("/api/search/", None, False),
    ("/api/search/", NEAR, True),
    ("/api/search/bbox/", None, False),
    ("/api/search/bbox/", {"bbox": "3.70,51.04,3.74,51.07"}, True),
    ("/api/addresses/autocomplete/", None, True),
    ("/api/addresses/geocode/", None, False),
    ("/api/addresses/reverse/", None, True),
    # z, x and y each within 0 to 20 / 2^20 - 1: mostly no such tile (404, documented).
    ("/api/tiles/{z}/{x}/{y}.mvt", None, False),
]
MAX_EXAMPLES = 60  # the throttle allows 240 a minute per client


@pytest.fixture
def schema(client, same_numbers):
    """The schema as served, with languages to choose from and places to find."""
    from buurt.models import Language

    for code, name in [("nl", "Nederlands"), ("fr", "Français"), ("ar", "العربية")]:
        Language.objects.get_or_create(code=code, defaults={"name_local": name})
    served = client.get(reverse("api-schema"), {"format": "json"})
    assert served.status_code == 200
    loaded = schemathesis.openapi.from_dict(served.json())
    loaded.app = WSGIHandler()
    # As Django's test client does: neither end of a request may close the connection that
    # holds the test's transaction.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield loaded
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def _documented(message: str, description: str) -> bool:
    # "We could not find this address; did you mean X?" is documented without its X.
    return f'"{message}"' in description or f'"{message.split(";")[0]}.' in description


def _no_such_tile(tile: dict) -> bool:
    return bool(tile) and not (tile["x"] < 2 ** tile["z"] and tile["y"] < 2 ** tile["z"])


@pytest.mark.parametrize(("path", "fixed", "finds"), CASES)
def test_every_request_the_schema_allows_is_answered_as_documented(schema, path, fixed, finds):
    operation = schema[path]["GET"]
    description = operation.definition.raw.get("description", "")
    answers = {}

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(query=fixed))
    def check(case):
        # Schemathesis' WSGI client asks for gzip but does not unpack it.
        response = case.call(headers={"accept-encoding": "identity"})
        answers[response.status_code] = answers.get(response.status_code, 0) + 1
        case.validate_response(
            response,
            checks=[
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
            ],
        )
        # 429 (documented, with Retry-After) only if the throttle counted past its rate.
        assert response.status_code in (200, 204, 400, 404, 429, 503), response.status_code
        if response.status_code == 404:
            # The documented 404s: an unknown format, a tile that does not exist.
            assert "format" in case.query or _no_such_tile(case.path_parameters or {})
        if response.status_code == 400:
            body = response.json()
            reasons = [m for messages in body.get("errors", {}).values() for m in messages]
            reasons = reasons or [body["detail"]]
            undocumented = [r for r in reasons if not _documented(r, description)]
            assert not undocumented, (case.query, undocumented)

    check()
    assert sum(answers.values()) >= MAX_EXAMPLES // 2
    if finds:
        assert answers.get(200, 0) >= MAX_EXAMPLES // 10, answers  # the fuzzer got through


def test_the_date_pattern_follows_the_years():
    pattern = re.compile(DATE_PATTERN)
    assert pattern.match(f"{FIRST_YEAR}-01-01")
    assert pattern.match(f"{LAST_YEAR}-12-31")
    assert not pattern.match(f"{FIRST_YEAR - 1}-12-31")
    assert not pattern.match(f"{LAST_YEAR + 1}-01-01")


def test_the_schema_states_the_limits(client):
    """What the fuzzer found before: every bound of the parsers is in the schema."""
    served = client.get(reverse("api-schema"), {"format": "json"}).json()
    validate_schema(served)  # OpenAPI 3.0's own schema
    paths = served["paths"]

    def parameter(path, name):
        found = [p for p in paths[path]["get"]["parameters"] if p["name"] == name]
        return found[0]

    search = "/api/search/"
    assert parameter(search, "page")["schema"] == {"type": "integer", "minimum": 1, "maximum": 200}
    assert parameter(search, "page_size")["schema"]["maximum"] == 100
    assert parameter(search, "no_dutch")["schema"] == {"type": "boolean"}
    assert "enum" in parameter(search, "language")["schema"]["items"]
    assert parameter(search, "lat")["schema"]["minimum"] == 49.0
    assert parameter(search, "date_from")["schema"]["pattern"] == DATE_PATTERN
    assert "404" in paths[search]["get"]["responses"]
    unknown = client.get(search, {"lat": 51.05, "lon": 3.72, "format": "xml"})
    assert unknown.status_code == 404
    assert unknown.json()["detail"]
    reverse_lat = parameter("/api/addresses/reverse/", "lat")["schema"]
    assert (reverse_lat["minimum"], reverse_lat["maximum"]) == (-90, 90)
    q = parameter("/api/addresses/geocode/", "q")
    assert q["required"] is True
    assert q["schema"]["minLength"] == 1
