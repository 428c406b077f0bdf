"""The schema served at /api/schema/ describes the real answers exactly: each answer
validates (jsonschema) against its operation's response schema, with every object closed, so
a key missing from the answer or from the documentation fails alike."""

from urllib.parse import urlencode

import jsonschema
import pytest
from django.urls import reverse

from buurt import geocoding
from tests.buurt.gazetteer_data import load_gazetteer
from tests.factories import ActivityFactory, NeighbourhoodFactory, box
from tests.maps.search_places import HOME, HOME_ADDRESS, neighbourhood_of_places
from tests.neighbourhelp.helpers import approve, covered_area, offer

pytestmark = pytest.mark.django_db

NEAR = {"lat": HOME.y, "lon": HOME.x}
BOX = "3.70,51.03,3.76,51.07"


def _closed(schema):
    """OpenAPI 3.0 -> JSON Schema: `nullable` as a null alternative, and objects that list
    their properties allow no others."""
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    closed = {
        key: {name: _closed(s) for name, s in value.items()}
        if key == "properties"
        else _closed(value)
        for key, value in schema.items()
    }
    if "properties" in closed:
        closed.setdefault("additionalProperties", False)
    if closed.pop("nullable", False):
        closed = {"anyOf": [closed, {"type": "null"}]}
    return closed


@pytest.fixture
def documented(client):
    """validate(path, response): the answer against the schema of its status and type."""
    served = client.get(reverse("api-schema"), {"format": "json"})
    assert served.status_code == 200
    served = served.json()
    components = {name: _closed(s) for name, s in served["components"]["schemas"].items()}

    def validate(path, response):
        content = served["paths"][path]["get"]["responses"][str(response.status_code)]["content"]
        schema = content[response["content-type"]]["schema"]
        validator = jsonschema.Draft4Validator(
            {**_closed(schema), "components": {"schemas": components}},
            format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER,
        )
        errors = [
            f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(response.json())
        ]
        assert not errors, errors
        return response.json()

    return validate


@pytest.fixture
def every_kind(tmp_path):
    """Organisations, an activity with a next date, and a neighbour's help offer (a coarsened
    point and a rounded-up distance), near HOME."""
    places = neighbourhood_of_places()
    covered_area(tmp_path)
    ActivityFactory(organisation=places["theatre"], title="Voorstelling")
    approve(offer())
    return places


def test_a_search_answer_is_as_documented(client, documented, every_kind):
    path = reverse("maps-api:search")
    first = documented(path, client.get(path, {**NEAR, "radius": 2400, "page_size": 4}))
    assert {f["properties"]["kind"] for f in first["features"]} == {
        "organisations",
        "activities",
        "help_offers",
    }
    assert any(f["properties"]["next_occurrence"] for f in first["features"])
    assert any(f["properties"]["approximate"] for f in first["features"])
    assert first["next"]
    assert first["previous"] is None
    second = documented(path, client.get(first["next"]))
    assert second["previous"]
    geojson = client.get(path, {**NEAR, "format": "json"})
    assert geojson["content-type"] == "application/json"
    documented(path, geojson)


def test_a_map_layer_answer_is_as_documented(client, documented, every_kind):
    path = reverse("maps-api:search-bbox")
    anywhere = documented(path, client.get(path, {"bbox": BOX}))
    assert anywhere["location"] is None
    assert anywhere["features"]
    near = documented(path, client.get(path, {"bbox": BOX, "address": HOME_ADDRESS}))
    assert near["location"]["precision"] == "address"


def test_the_search_errors_are_as_documented(client, documented, tmp_path, monkeypatch):
    load_gazetteer(tmp_path)
    search, bbox = reverse("maps-api:search"), reverse("maps-api:search-bbox")
    for path, query in [
        (search, {"lat": 91, "lon": 3.72}),
        (search, {"address": "Nergensstraat 1, 9999 Nergens"}),  # not found
        (bbox, {"bbox": "3.7,51.0"}),
    ]:
        answer = client.get(path, query)
        assert answer.status_code == 400
        documented(path, answer)
    too_many = client.get(f"{search}?{urlencode([(f'p{i}', 1) for i in range(2_000)])}")
    assert too_many.status_code == 400
    documented(search, too_many)

    def down(*args, **kwargs):
        raise geocoding.GeocoderUnavailable("down")

    monkeypatch.setattr(geocoding, "geocode", down)
    unavailable = client.get(search, {"address": HOME_ADDRESS})
    assert unavailable.status_code == 503
    documented(search, unavailable)


def test_the_address_answers_are_as_documented(client, documented, tmp_path, monkeypatch):
    load_gazetteer(tmp_path)
    NeighbourhoodFactory(name="Gent-Centrum", boundary=box(3.69, 51.03, 3.76, 51.07))
    autocomplete = reverse("buurt-api:address-autocomplete")
    geocode = reverse("buurt-api:address-geocode")
    reverse_ = reverse("buurt-api:address-reverse")
    assert documented(autocomplete, client.get(autocomplete, {"q": "korenm"}))["results"]
    assert documented(geocode, client.get(geocode, {"q": "Korenmarkt 1, 9000 Gent"}))["results"]
    documented(geocode, client.get(geocode, {"q": "Nergensstraat 1"}))  # 400
    found = documented(reverse_, client.get(reverse_, NEAR))
    assert found["neighbourhood"]["name"] == "Gent-Centrum"
    nothing = documented(reverse_, client.get(reverse_, {"lat": 50, "lon": 3}))
    assert nothing == {"neighbourhood": None, "address": None, "distance_m": None}
    documented(reverse_, client.get(reverse_, {"lat": 95, "lon": 3}))  # 400

    def down(*args, **kwargs):
        raise geocoding.GeocoderUnavailable("down")

    monkeypatch.setattr(geocoding, "geocode", down)
    unavailable = client.get(geocode, {"q": "Korenmarkt 1, 9000 Gent"})
    assert unavailable.status_code == 503
    documented(geocode, unavailable)
