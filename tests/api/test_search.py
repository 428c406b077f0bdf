"""GET /api/search/ and /api/search/bbox/: GeoJSON in RFC 7946 order, pages, bad input."""

import datetime
import json
import logging
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import spatial
from buurt import freshness
from buurt.models import Organisation
from buurt.search import registry
from maps.search import service
from maps.search.forms import parse_search
from tests.buurt.gazetteer_data import load_gazetteer
from tests.factories import ActivityFactory, HelpOfferFactory, OrganisationFactory
from tests.maps.search_places import (
    HOME,
    HOME_ADDRESS,
    grid,
    neighbourhood_of_places,
    offset,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("maps-api:search")
BBOX = reverse("maps-api:search-bbox")
HOME_QUERY = f"lat={HOME.y}&lon={HOME.x}"


@pytest.fixture
def places():
    return neighbourhood_of_places()


def test_a_feature_collection_in_lon_lat_with_distances(client, places):
    response = client.get(f"{SEARCH}?{HOME_QUERY}&radius=800")
    assert response.status_code == 200
    assert response["content-type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert (data["count"], data["page"], data["pages"]) == (3, 1, 1)
    assert data["count_is_lower_bound"] is False
    assert data["location"] == {
        "label": "the chosen point",
        "precision": "point",
        "coordinates": [HOME.x, HOME.y],
    }
    first = data["features"][0]
    theatre = places["theatre"]
    assert first["type"] == "Feature"
    assert first["id"] == f"organisations-{theatre.pk}"
    lon, lat = first["geometry"]["coordinates"]
    assert (lon, lat) == (round(theatre.point.x, 6), round(theatre.point.y, 6))
    assert 3 < lon < 4 < 51 < lat  # longitude first: Gent is at 3.7 E, 51 N
    properties = first["properties"]
    assert properties["title"] == "Toneelgroep Tinnen Pot"
    assert properties["distance_m"] == pytest.approx(150, rel=0.01)
    assert properties["walking_minutes"] == 2
    assert properties["url"] == f"http://testserver{theatre.get_absolute_url()}"
    assert properties["next_occurrence"] is None
    assert {"code": "wheelchair", "label": "wheelchair accessible"} in properties["flags"]
    distances = [f["properties"]["distance_m"] for f in data["features"]]
    assert distances == sorted(distances)


def test_plain_json_when_asked(client, places):
    response = client.get(f"{SEARCH}?{HOME_QUERY}", headers={"accept": "application/json"})
    assert response["content-type"] == "application/json"


def test_pages_link_to_each_other(client, places):
    data = client.get(f"{SEARCH}?{HOME_QUERY}&radius=2400&page_size=2").json()
    assert (data["count"], data["pages"], data["previous"]) == (5, 3, None)
    seen = [f["id"] for f in data["features"]]
    while data["next"]:
        data = client.get(data["next"]).json()
        seen += [f["id"] for f in data["features"]]
    assert len(seen) == len(set(seen)) == 5
    assert data["previous"].startswith("http://testserver/api/search/?")


def test_an_address(client, tmp_path, places):
    load_gazetteer(tmp_path)
    data = client.get(SEARCH, {"address": HOME_ADDRESS, "radius": 400}).json()
    assert data["location"]["precision"] == "address"
    assert data["location"]["label"] == HOME_ADDRESS
    assert [f["properties"]["title"] for f in data["features"]] == [
        "Toneelgroep Tinnen Pot",
        "Wandelclub Mannen op Stap",
    ]


def test_the_search_itself_leaves_no_trace(client, tmp_path, places, caplog):
    """The searched address is not written to the database, nor logged by our code."""
    load_gazetteer(tmp_path)
    secret = "Sint-Pietersnieuwstraat 33"
    with caplog.at_level(logging.DEBUG), CaptureQueriesContext(connection) as queries:
        assert client.get(SEARCH, {"address": secret}).status_code == 200
        assert client.get(reverse("maps:search"), {"address": secret}).status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    logged = [r for r in caplog.records if "django.db.backends" not in r.name]
    assert not any("Pietersnieuw" in r.getMessage() for r in logged)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("lat=91&lon=3.72", "lat"),
        ("lat=NaN&lon=3.72", "lat"),
        ("lat=51.05&lon=Infinity", "lat"),
        ("lat=3.7253&lon=51.0448", "lat"),  # swapped
        (f"{HOME_QUERY}&radius=0", "radius"),
        (f"{HOME_QUERY}&radius=1e9", "radius"),
        (f"{HOME_QUERY}&category=castles", "category"),
        (f"{HOME_QUERY}&radius_typo=1", "radius_typo"),
        ("address=%3Cscript%3Ealert(1)%3C/script%3E", "address"),
        ("address=" + "a" * 500, "address"),
        ("", "address"),
    ],
)
def test_bad_input_is_a_400_with_the_reason(client, query, field):
    response = client.get(f"{SEARCH}?{query}")
    assert response.status_code == 400
    data = response.json()
    assert field in data["errors"]
    assert data["detail"]


def test_two_thousand_parameters_are_a_400_in_json(client):
    query = urlencode([(f"p{i}", "1") for i in range(2_000)])
    for url in (SEARCH, BBOX):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400
        assert "at most" in response.json()["detail"]


@pytest.mark.parametrize(
    "bbox",
    [
        "-180,-90,180,90",  # the world
        "3.0,50.0,5.0,52.0",  # Flanders: more than 60 km across
        "3.75,51.0,3.70,51.1",  # west > east
        "3.7,51.0,3.75",
        "3.7,51.0,3.75,nan",
        "a,b,c,d",
        "",
    ],
)
def test_bad_boxes(client, bbox):
    response = client.get(BBOX, {"bbox": bbox})
    assert response.status_code == 400
    assert "bbox" in response.json()["errors"]


def test_bbox_layer(client, places):
    box = "3.70,51.03,3.76,51.07"
    data = client.get(BBOX, {"bbox": box}).json()
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 5
    assert data["truncated"] is False
    assert data["location"] is None
    near = client.get(f"{BBOX}?bbox={box}&{HOME_QUERY}&radius=400&access=wheelchair").json()
    assert [f["properties"]["title"] for f in near["features"]] == ["Toneelgroep Tinnen Pot"]


def test_queries_do_not_grow_with_the_results(client, django_assert_max_num_queries):
    for i in range(40):
        OrganisationFactory(point=offset(HOME, north_m=10 * i))
    # Ids and distances of the nearest with the count of all, their rows, their languages;
    # one query more for each other kind of result (activities, help offers), finding none.
    with django_assert_max_num_queries(3 + len(registry.sources()) - 1):
        data = client.get(f"{SEARCH}?{HOME_QUERY}&radius=1000&page_size=100").json()
    assert data["count"] == 40
    with django_assert_max_num_queries(2 + len(registry.sources()) - 1):
        data = client.get(BBOX, {"bbox": "3.70,51.03,3.76,51.07"}).json()
    assert len(data["features"]) == 40


def test_a_count_past_the_sample_is_an_estimate(client, django_assert_max_num_queries):
    grid(40, spacing_m=20)  # 1,600 places on an 800 m square: about 1,250 within 400 m
    within = Organisation.objects.filter(spatial.within_sphere("point", HOME, 400)).count()
    # The nearest ids, the count (a sample of the nearest COUNT_SAMPLE + 1 on PostGIS), their
    # rows, their languages; one query for each other kind of result, finding none.
    with django_assert_max_num_queries(4 + len(registry.sources()) - 1):
        data = client.get(f"{SEARCH}?{HOME_QUERY}&radius=400").json()
    if connection.features.supports_geography:
        # Estimated from the nearest 200: within 10% of the count, two significant figures.
        assert (data["count_is_estimate"], data["count_is_lower_bound"]) == (True, False)
        assert abs(data["count"] - within) <= within / 10
        assert data["count"] % 100 == 0
    else:
        # SpatiaLite counts every place while sorting them: exact, and "at least" past 1,000.
        assert (data["count"], data["count_is_lower_bound"]) == (1_000, True)
        assert data["count_is_estimate"] is False
    assert data["pages"] == 40  # only the nearest 1,000 are listed, whatever the count
    last = client.get(f"{SEARCH}?{HOME_QUERY}&radius=400&page=40").json()
    assert len(last["features"]) == 25
    assert last["next"] is None  # no link past what is listed
    past = client.get(f"{SEARCH}?{HOME_QUERY}&radius=400&page=41").json()
    assert past["features"] == []


def test_the_fast_features_are_what_the_schema_says(client, places):
    """The search's serializers write their answers directly; DRF's generic path over the
    same fields (what the schema documents) gives the same."""
    from rest_framework import serializers as drf
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from maps.api.serializers import (
        MapFeatureSerializer,
        SearchCollectionSerializer,
        SearchFeatureSerializer,
    )

    ActivityFactory(organisation=places["buurthuis"], point=places["buurthuis"].point)
    HelpOfferFactory(private_point=offset(HOME, north_m=400))
    params = parse_search(QueryDict(f"{HOME_QUERY}&radius=2400&page_size=100"))
    page = service.search(params, location=service.search_location(params))
    kinds = {result.kind for result in page.results}
    assert {"organisations", "activities", "help_offers"} <= kinds
    request = Request(APIRequestFactory().get(SEARCH))
    collection = SearchCollectionSerializer(page, context={"request": request})
    generic = drf.Serializer.to_representation(collection, page)
    assert collection.data == json.loads(json.dumps(generic))
    for result in page.results:
        for serializer_class in (SearchFeatureSerializer, MapFeatureSerializer):
            serializer = serializer_class(result, context={"request": request})
            generic = drf.Serializer.to_representation(serializer, result)
            assert serializer.data == json.loads(json.dumps(generic)), serializer_class


def test_the_endpoints_are_documented(client):
    schema = client.get(reverse("api-schema"), headers={"accept": "application/json"})
    paths = schema.json()["paths"]
    search = paths["/api/search/"]["get"]
    names = {p["name"] for p in search["parameters"]}
    assert {"address", "lat", "lon", "radius", "category", "access", "page"} <= names
    assert "bbox" in {p["name"] for p in paths["/api/search/bbox/"]["get"]["parameters"]}
    collection = schema.json()["components"]["schemas"]["SearchCollection"]
    assert collection["properties"]["count_is_lower_bound"]["type"] == "boolean"
    assert "1000" in collection["properties"]["count_is_lower_bound"]["description"]
    assert client.get(reverse("api-docs")).status_code == 200


def test_a_listing_nobody_confirmed_for_a_year_says_so_as_on_the_search_page(client, places):
    """The flag the HTML search shows ("possibly out of date") is in the JSON too, and the
    schema documents it."""
    theatre = places["theatre"]
    # One day past the limit (LISTING_OUTDATED_MONTHS), and one listing on the limit itself.
    theatre.assured_on = freshness.outdated_before() - datetime.timedelta(days=1)
    theatre.save(update_fields=["assured_on"])
    others = [p for p in places.values() if isinstance(p, Organisation) and p != theatre]
    on_the_limit = others[0]
    on_the_limit.assured_on = freshness.outdated_before()
    on_the_limit.save(update_fields=["assured_on"])
    data = client.get(f"{SEARCH}?{HOME_QUERY}&radius=800").json()
    flags = {f["id"]: f["properties"]["possibly_outdated"] for f in data["features"]}
    assert flags[f"organisations-{theatre.pk}"] is True
    assert set(flags.values()) == {True, False}
    assert sum(flags.values()) == 1
    html = client.get(reverse("maps:search"), {"lat": HOME.y, "lon": HOME.x, "radius": 800})
    assert html.content.decode().count("result-outdated") == 1
    schema = client.get(reverse("api-schema"), headers={"accept": "application/json"}).json()
    properties = schema["components"]["schemas"]["SearchProperties"]
    assert properties["properties"]["possibly_outdated"]["type"] == "boolean"
    assert "possibly_outdated" in properties["required"]


@pytest.mark.skipif(
    not connection.features.supports_geography, reason="PostGIS's plan: its KNN index walk"
)
def test_the_bbox_layer_walks_the_index_nearest_first(client):
    """The map layer with a searched place is the index walk nearest first (`<->`), which
    stops after 1,001 rows, not a sort of every place in the radius (ordered by distance and
    key, PostgreSQL read and sorted all of them)."""
    grid(40, spacing_m=20)
    box = spatial.bbox_around(HOME, 2400)
    query = f"bbox={box.west},{box.south},{box.east},{box.north}&{HOME_QUERY}&radius=2400"
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE buurt_organisation")
        # As on a city's table, where reading the whole table is never the cheapest plan.
        cursor.execute("SET LOCAL enable_seqscan = off")
        with CaptureQueriesContext(connection) as captured:
            data = client.get(f"{BBOX}?{query}&kind=organisations").json()
        assert (len(data["features"]), data["truncated"]) == (1_000, True)
        walk = next(q["sql"] for q in captured if "<->" in q["sql"] and "LIMIT" in q["sql"])
        cursor.execute("EXPLAIN " + walk)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan using" in plan
    assert "Order By: (point <->" in plan
    assert "Sort" not in plan
    distances = [f["properties"]["distance_m"] for f in data["features"]]
    assert distances == sorted(distances)


def test_the_bbox_layer_is_stable_among_ties(client):
    """Places at the same distance (one address) come in the same order, by key, whatever
    the limit cuts: the first 1,000 of 1,010 at one point are the 1,000 lowest keys."""
    address = offset(HOME, north_m=100)
    at_one_point = Organisation.objects.bulk_create(
        OrganisationFactory.build(point=address) for _ in range(1_010)
    )
    box = spatial.bbox_around(HOME, 400)
    query = f"bbox={box.west},{box.south},{box.east},{box.north}&{HOME_QUERY}&radius=400"
    first = client.get(f"{BBOX}?{query}").json()
    again = client.get(f"{BBOX}?{query}").json()
    keys = sorted(o.pk for o in at_one_point)[:1_000]
    assert [f["id"] for f in first["features"]] == [f"organisations-{pk}" for pk in keys]
    assert first["features"] == again["features"]
    assert first["truncated"] is True
