"""Remote geocoders, faked at the HTTP boundary with `responses` in their documented shapes.

No request leaves: `responses` refuses every URL that a test did not register."""

import contextlib
import json
import time

import pytest
import requests
import responses
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

from buurt.geocoding import GeocoderUnavailable, autocomplete, geocode
from buurt.models import GeocodeCache
from neighbourhelp.services import HelpError, locate_address
from spatial import great_circle_m

from .gazetteer_data import load_gazetteer

pytestmark = pytest.mark.django_db

NOMINATIM = "https://nominatim.openstreetmap.org/search"
PHOTON = "https://photon.komoot.io/api"
BASISREGISTERS = "https://api.basisregisters.vlaanderen.be/v2/adresmatch"
PDOK = "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"

# https://nominatim.org/release-docs/latest/api/Output/ (format=json)
NOMINATIM_ANSWER = [
    {
        "place_id": 12345,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
        "osm_type": "node",
        "osm_id": 678,
        "lat": "51.0543",
        "lon": "3.7196",
        "class": "place",
        "type": "house",
        "place_rank": 30,
        "importance": 0.00001,
        "addresstype": "place",
        "name": "",
        "display_name": "1, Korenmarkt, Binnenstad, Gent, Oost-Vlaanderen, 9000, België",
        "boundingbox": ["51.0542", "51.0544", "3.7195", "3.7197"],
    }
]
# https://github.com/komoot/photon#search-and-geocoding (GeoJSON)
PHOTON_ANSWER = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [3.7210, 51.0518]},
            "properties": {
                "osm_type": "W",
                "osm_id": 1,
                "osm_key": "highway",
                "osm_value": "pedestrian",
                "type": "street",
                "name": "Veldstraat",
                "postcode": "9000",
                "city": "Gent",
                "country": "België",
                "countrycode": "BE",
            },
        }
    ],
}
# Real BeST pair (see test_import_addresses): Lambert 72 -> WGS 84 within 1 m.
ANDERLECHT = Point(4.31653, 50.83595, srid=4326)
GML = (
    '<gml:Point srsName="https://www.opengis.net/def/crs/EPSG/0/31370" '
    'xmlns:gml="http://www.opengis.net/gml/3.2"><gml:pos>146321.08 169504.61</gml:pos></gml:Point>'
)


def adres_match(position: dict, *, number="475") -> dict:
    """One adresMatch of the Basisregisters Vlaanderen v2 adresmatch answer."""
    return {
        "identificator": {
            "id": "https://data.vlaanderen.be/id/adres/1",
            "naamruimte": "https://data.vlaanderen.be/id/adres",
            "objectId": "1",
            "versieId": "2024-01-01T00:00:00+01:00",
        },
        "gemeente": {
            "objectId": "21001",
            "gemeentenaam": {"geografischeNaam": {"spelling": "Anderlecht", "taal": "nl"}},
        },
        "postinfo": {"objectId": "1070"},
        "straatnaam": {
            "objectId": "4568",
            "straatnaam": {"geografischeNaam": {"spelling": "Bergense Steenweg", "taal": "nl"}},
        },
        "huisnummer": number,
        "volledigAdres": {
            "geografischeNaam": {
                "spelling": f"Bergense Steenweg {number}, 1070 Anderlecht",
                "taal": "nl",
            }
        },
        "adresPositie": position,
        "adresStatus": "inGebruik",
        "officieelToegekend": True,
        "score": 100.0,
    }


@pytest.fixture
def http():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_nominatim_through_geopy_with_our_user_agent(settings, http):
    settings.GEOCODER_CHAIN = ["nominatim"]
    http.get(NOMINATIM, json=NOMINATIM_ANSWER)
    found = geocode("Korenmarkt 1, 9000 Gent")
    assert found[0].source == "nominatim"
    assert found[0].precision == "address"
    assert (found[0].lat, found[0].lon) == (51.0543, 3.7196)
    request = http.calls[0].request
    assert request.headers["User-Agent"] == settings.GEOCODER_USER_AGENT
    assert "countrycodes=be%2Cnl" in request.url


def test_remote_answers_are_cached_in_the_database(settings, http):
    settings.GEOCODER_CHAIN = ["nominatim"]
    http.get(NOMINATIM, json=NOMINATIM_ANSWER)
    first = geocode("Korenmarkt 1, 9000 Gent")
    second = geocode("KORENMARKT 1,  9000 Gent")  # the same question, typed differently
    assert len(http.calls) == 1
    assert first == second
    stored = GeocodeCache.objects.get(backend="nominatim")
    assert stored.query_key == "korenmarkt 1, 9000 gent"
    assert stored.candidates[0]["lat"] == 51.0543


def test_an_old_cached_answer_is_asked_again(settings, http):
    settings.GEOCODER_CHAIN = ["nominatim"]
    http.get(NOMINATIM, json=NOMINATIM_ANSWER)
    geocode("Korenmarkt 1, 9000 Gent")
    GeocodeCache.objects.update(created_at=timezone.now() - timezone.timedelta(days=400))
    geocode("Korenmarkt 1, 9000 Gent")
    assert len(http.calls) == 2


def test_nominatim_gets_at_most_one_request_per_second(settings, http):
    settings.GEOCODER_CHAIN = ["nominatim"]
    sent = []

    def answer(request):
        sent.append(time.monotonic())
        return 200, {}, json.dumps(NOMINATIM_ANSWER)

    http.add_callback(responses.GET, NOMINATIM, callback=answer)
    for street in ("Korenmarkt 1", "Veldstraat 3", "Kouter 5"):
        geocode(f"{street}, 9000 Gent")
    assert len(sent) == 3
    assert sent[1] - sent[0] >= 0.95
    assert sent[2] - sent[1] >= 0.95


def test_the_nominatim_slot_is_shared_through_redis(settings, http, redis_url):
    prefix = f"buurtkaart-test-{time.monotonic_ns()}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    # Another process (its own connection to the same Redis) has just sent a request.
    other_process = RedisCache(redis_url, {"KEY_PREFIX": prefix})
    try:
        other_process.get("ping")
    except Exception:  # noqa: BLE001 - any connection error means no Redis here
        pytest.skip(f"no Redis at {redis_url}")
    settings.GEOCODER_CHAIN = ["nominatim"]
    http.get(NOMINATIM, json=NOMINATIM_ANSWER)
    assert other_process.add("geocoder-slot:nominatim", 1, timeout=1)
    started = time.monotonic()
    geocode("Korenmarkt 1, 9000 Gent")
    assert time.monotonic() - started >= 0.5
    assert len(http.calls) == 1


def test_nominatim_is_never_asked_for_autocomplete(settings, http, tmp_path):
    settings.GEOCODER_CHAIN = ["gazetteer", "postcode", "nominatim"]
    load_gazetteer(tmp_path)
    autocomplete("Onbekendestraat")
    autocomplete("Korenm")
    assert len(http.calls) == 0


def test_the_chain_stops_when_the_local_gazetteer_found_the_address(settings, http, tmp_path):
    settings.GEOCODER_CHAIN = ["gazetteer", "postcode", "nominatim"]
    load_gazetteer(tmp_path)
    assert geocode("Korenmarkt 1, 9000 Gent")[0].source == "gazetteer"
    assert len(http.calls) == 0
    http.get(NOMINATIM, json=NOMINATIM_ANSWER)
    # Not in the gazetteer: the postcode alone is not enough for a house number, ask further.
    found = geocode("Onbekendestraat 1, 9000 Gent")
    assert [c.source for c in found] == ["nominatim", "postcode"]


def test_photon(settings, http):
    settings.GEOCODER_CHAIN = ["photon"]
    http.get(PHOTON, json=PHOTON_ANSWER)
    found = geocode("Veldstraat Gent")
    assert (found[0].precision, found[0].source) == ("street", "photon")
    assert (found[0].lat, found[0].lon) == (51.0518, 3.721)


@pytest.mark.parametrize(
    "position",
    [
        {  # v2: GML in Lambert 72
            "geometrie": {"type": "Point", "gml": GML},
            "positieGeometrieMethode": "aangeduidDoorBeheerder",
            "positieSpecificatie": "gebouweenheid",
        },
        {"point": {"coordinates": [146321.08, 169504.61], "type": "Point"}},  # v1
    ],
)
def test_basisregisters_positions_are_reprojected_from_lambert_72(settings, http, position):
    settings.GEOCODER_CHAIN = ["basisregisters"]
    http.get(BASISREGISTERS, json={"adresMatches": [adres_match(position)], "warnings": []})
    found = geocode("Bergense Steenweg 475, 1070 Anderlecht")
    assert found[0].label == "Bergense Steenweg 475, 1070 Anderlecht"
    assert found[0].precision == "address"
    assert great_circle_m(found[0].point, ANDERLECHT) < 1
    params = http.calls[0].request.params
    assert params["straatnaam"] == "bergense steenweg"
    assert (params["huisnummer"], params["postcode"]) == ("475", "1070")


def test_pdok_centroide_ll_is_longitude_first(settings, http):
    settings.GEOCODER_CHAIN = ["pdok"]
    http.get(
        PDOK,
        json={
            "response": {
                "numFound": 1,
                "start": 0,
                "maxScore": 14.2,
                "numFoundExact": True,
                "docs": [
                    {
                        "type": "adres",
                        "weergavenaam": "Lieve Vrouwekerkhof 1, 3811BA Amersfoort",
                        "id": "adr-1",
                        "score": 14.2,
                        "centroide_ll": "POINT(5.38720621 52.1551744)",
                        "centroide_rd": "POINT(155000 463000)",
                    }
                ],
            }
        },
    )
    found = geocode("Lieve Vrouwekerkhof 1 Amersfoort")
    assert (found[0].lat, found[0].lon) == (52.1551744, 5.3872062)
    assert found[0].precision == "address"


@pytest.mark.parametrize(
    "failure",
    [{"body": requests.ConnectionError("network down")}, {"status": 503, "json": {}}],
)
def test_a_remote_failure_is_reported_and_not_cached(settings, http, failure):
    settings.GEOCODER_CHAIN = ["pdok"]
    http.get(PDOK, **failure)
    with pytest.raises(GeocoderUnavailable):
        geocode("Dam 1 Amsterdam")
    assert not GeocodeCache.objects.exists()


def test_a_failing_remote_does_not_hide_local_results(settings, http, tmp_path):
    settings.GEOCODER_CHAIN = ["gazetteer", "postcode", "pdok"]
    load_gazetteer(tmp_path)
    http.get(PDOK, body=requests.ConnectionError("network down"))
    found = geocode("Onbekendestraat 1, 9000 Gent")
    assert [c.label for c in found] == ["9000 Gent"]


def test_a_searched_address_is_not_stored_in_the_cache(settings, http, client):
    """The map search's address is often a worker's client's, a help offer's is a private
    person's: a remote geocoder answers them, and no row keeps them (the search page, the
    embedded map, the address API, a help offer's address); an organisation's is cached."""
    settings.GEOCODER_CHAIN = ["nominatim"]
    http.get(NOMINATIM, json=NOMINATIM_ANSWER)
    for url in ("/zoeken/", "/embed/kaart/"):
        response = client.get(url, {"address": "Korenmarkt 1, 9000 Gent"})
        assert response.status_code == 200, url
    assert (
        client.get("/api/addresses/geocode/", {"q": "Korenmarkt 1, 9000 Gent"}).status_code == 200
    )
    with contextlib.suppress(HelpError):  # a neighbour's own address, offering help
        locate_address("Korenmarkt 1, 9000 Gent")
    assert len(http.calls) == 4
    assert not GeocodeCache.objects.exists()
    geocode("Korenmarkt 1, 9000 Gent")  # as for an organisation's own address
    assert GeocodeCache.objects.filter(query_key="korenmarkt 1, 9000 gent").exists()


@pytest.mark.parametrize("backend", ["pdok", "nominatim"])
def test_a_remote_failure_leaves_the_address_out_of_the_log(settings, http, caplog, backend):
    """requests names the URL with its query ('503 Server Error ... for url: ...?q=Dam+1...'):
    the warning keeps the host and the status, not what was typed (often a client's address)."""
    settings.GEOCODER_CHAIN = [backend]
    http.get(PDOK if backend == "pdok" else NOMINATIM, status=503, json={})
    with (
        caplog.at_level("WARNING", logger="buurt.geocoding.chain"),
        pytest.raises(GeocoderUnavailable),
    ):
        geocode("Geheimstraat 17 Amsterdam")
    assert "unavailable" in caplog.text
    assert "Geheimstraat" not in caplog.text.replace("+", " ")
    assert "geheimstraat" not in caplog.text.lower()
