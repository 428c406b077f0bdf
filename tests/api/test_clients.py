"""What real clients do with the GeoJSON endpoints: GDAL reads them, HTTP caches and gzip."""

import gzip
import json
import subprocess

import pytest
from django.urls import reverse

from tests.factories import KORENMARKT

pytestmark = pytest.mark.django_db

NEAR = {"lat": KORENMARKT.y, "lon": KORENMARKT.x, "radius": 800}
BOX = {"bbox": "3.70,51.04,3.74,51.07"}
ENDPOINTS = [("maps-api:search", NEAR), ("maps-api:search-bbox", BOX)]


def _ogr(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "ERROR" not in done.stderr, done.stderr
    return done.stdout


@pytest.mark.parametrize(("name", "query"), ENDPOINTS)
def test_gdal_converts_the_answer_to_a_geopackage(client, tmp_path, same_numbers, name, query):
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    features = response.json()["features"]
    assert len(features) == 2
    ids = [f["id"] for f in features]
    assert sorted(ids) == [f"activities-{same_numbers}", f"organisations-{same_numbers}"]
    assert all(f["properties"].get("id", f["id"]) == f["id"] for f in features)

    source, target = tmp_path / "search.json", tmp_path / "search.gpkg"
    source.write_bytes(response.content)
    # GDAL from Debian's gdal-bin: the one a GIS user has, not a Python binding.
    _ogr("ogr2ogr", "-f", "GPKG", str(target), str(source))
    info = _ogr("ogrinfo", "-ro", "-al", "-q", str(target))
    assert info.count("OGRFeature(") == 2
    for key in ids:
        assert f"= {key}" in info  # each feature keeps its kind-qualified id


@pytest.mark.parametrize(("name", "query"), ENDPOINTS)
def test_geojson_is_gzipped_and_answers_if_none_match_with_304(client, same_numbers, name, query):
    url = reverse(name)
    plain = client.get(url, query)
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain

    zipped = client.get(url, query, headers={"accept-encoding": "gzip, deflate, br"})
    assert zipped["Content-Encoding"] == "gzip"
    assert zipped["Content-Type"] == "application/geo+json"
    assert "Accept-Encoding" in zipped["Vary"]
    assert json.loads(gzip.decompress(zipped.content)) == plain.json()

    for etag in (plain["ETag"], zipped["ETag"]):
        again = client.get(url, query, headers={"if-none-match": etag})
        assert (again.status_code, again.content) == (304, b"")


def test_pages_are_gzipped(client, same_numbers):
    page = client.get(reverse("maps:search"), {**NEAR, "radius": 800})
    zipped = client.get(
        reverse("maps:search"), {**NEAR, "radius": 800}, headers={"accept-encoding": "gzip"}
    )
    assert zipped["Content-Encoding"] == "gzip"
    assert len(zipped.content) < len(page.content) / 3
    # The page carries a CSRF token and a CSP nonce that change on every request: compare
    # what is left.
    assert gzip.decompress(zipped.content).count(b"Koffieklets") == page.content.count(
        b"Koffieklets"
    )
