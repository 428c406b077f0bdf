"""GET /api/tiles/<z>/<x>/<y>.mvt: Mapbox Vector Tiles of the search's results, read back with
mapbox-vector-tile's decoder and with GDAL's MVT driver, on both backends."""

from __future__ import annotations

import math
import time
from pathlib import Path

import mapbox_vector_tile
import pytest
from django.contrib.gis.gdal import DataSource
from django.contrib.gis.geos import Point
from django.urls import reverse

import spatial
from buurt.models import Organisation
from spatial import tiles as spatial_tiles
from tests.factories import (
    KORENMARKT,
    VELDSTRAAT,
    ActivityFactory,
    HelpOfferFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

MVT = "application/vnd.mapbox-vector-tile"


def tile_of(point: Point, z: int) -> tuple[int, int, int]:
    """The XYZ tile holding an EPSG:4326 point (the slippy-map formula, worked out here apart
    from spatial.tiles)."""
    n = 2**z
    lat = math.radians(point.y)
    x = int((point.x + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * n)
    return z, x, y


def tile_url(z, x, y, query: str = "") -> str:
    url = reverse("maps-api:tiles", kwargs={"z": z, "x": x, "y": y})
    return f"{url}?{query}" if query else url


def get_tile(client, point: Point, z: int, query: str = "", **headers):
    return client.get(tile_url(*tile_of(point, z), query), **headers)


def features(response) -> list[dict]:
    """The `places` layer's features: (tile x, tile y from the top) and properties."""
    if response.status_code == 204:
        return []
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == MVT
    layers = mapbox_vector_tile.decode(response.content, default_options={"y_coord_down": True})
    assert set(layers) == {"places"}
    assert layers["places"]["extent"] == 4096
    return [
        {"at": tuple(f["geometry"]["coordinates"]), **f["properties"]}
        for f in layers["places"]["features"]
        if f["geometry"]["type"] == "Point"
    ]


def lonlat_of(feature: dict, z: int, x: int, y: int) -> tuple[float, float]:
    """Back from tile units to EPSG:4326 degrees."""
    px, py = feature["at"]
    n = 2**z
    lon = (x + px / 4096) / n * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + py / 4096) / n))))
    return lon, lat


def ogr_features(tmp_path: Path, body: bytes, z: int, x: int, y: int) -> list[dict]:
    """The tile read by GDAL's MVT driver (z/x/y.mvt gives it the tile's place), in lon/lat."""
    path = tmp_path / str(z) / str(x) / f"{y}.mvt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    source = DataSource(str(path))
    assert [layer.name for layer in source] == ["places"]
    found = []
    for feature in source[0]:
        point = feature.geom.transform(4326, clone=True)
        values = {name: feature.get(name) for name in feature.fields}
        found.append({"lonlat": (point.x, point.y), **{k: v for k, v in values.items() if v}})
    return found


def m_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    return spatial.great_circle_m(Point(*a, srid=4326), Point(*b, srid=4326))


def test_a_place_at_zoom_17_with_its_properties(client, tmp_path):
    organisation = OrganisationFactory(name="Buurthuis Korenmarkt", kind=Organisation.Kind.SPORTS)
    z, x, y = tile_of(KORENMARKT, 17)
    response = client.get(tile_url(z, x, y))
    [found] = features(response)
    assert found["id"] == f"organisations-{organisation.pk}"
    assert found["title"] == "Buurthuis Korenmarkt"
    assert found["url"] == organisation.get_absolute_url()
    assert found["category"] == "sports"
    assert found["kind"] == "organisations"
    assert "count" not in found
    # Within a tile unit (~0.6 m at zoom 17 in Gent) of the place.
    assert m_between(lonlat_of(found, z, x, y), (KORENMARKT.x, KORENMARKT.y)) < 1.5
    [read] = ogr_features(tmp_path, response.content, z, x, y)
    assert read["id"] == found["id"]
    assert read["title"] == "Buurthuis Korenmarkt"
    assert m_between(read["lonlat"], (KORENMARKT.x, KORENMARKT.y)) < 1.5


def test_clusters_below_zoom_17_count_their_places(client, tmp_path):
    for _i in range(3):
        OrganisationFactory()
    ActivityFactory(title="Koffieklets")  # its organisation at the Korenmarkt too
    response = get_tile(client, KORENMARKT, 12)
    [cluster] = features(response)
    assert cluster["count"] == 5  # 4 organisations (one the activity's) and the activity
    assert "id" not in cluster
    assert "title" not in cluster
    assert "kind" not in cluster  # organisations and an activity
    z, x, y = tile_of(KORENMARKT, 12)
    [read] = ogr_features(tmp_path, response.content, z, x, y)
    assert read["count"] == 5
    assert m_between(read["lonlat"], (KORENMARKT.x, KORENMARKT.y)) < 50


def test_a_cluster_of_one_kind_says_it_and_sits_at_the_mean(client):
    OrganisationFactory(point=KORENMARKT.clone())
    OrganisationFactory(point=VELDSTRAAT.clone())
    z, x, y = tile_of(KORENMARKT, 14)
    [cluster] = features(client.get(tile_url(z, x, y)))
    assert (cluster["count"], cluster["kind"]) == (2, "organisations")
    middle = ((KORENMARKT.x + VELDSTRAAT.x) / 2, (KORENMARKT.y + VELDSTRAAT.y) / 2)
    assert m_between(lonlat_of(cluster, z, x, y), middle) < 10
    # At zoom 17 each is a point of its own (290 m apart: two tiles of ~190 m).
    assert tile_of(KORENMARKT, 17) != tile_of(VELDSTRAAT, 17)
    assert len(features(get_tile(client, KORENMARKT, 17))) == 1
    assert len(features(get_tile(client, VELDSTRAAT, 17))) == 1


def test_filters_apply(client):
    OrganisationFactory(kind=Organisation.Kind.SPORTS, name="Sportclub")
    OrganisationFactory(kind=Organisation.Kind.CULTURE, name="Toneel")
    [found] = features(get_tile(client, KORENMARKT, 17, "category=sports"))
    assert found["title"] == "Sportclub"
    assert features(get_tile(client, KORENMARKT, 17, "kind=activities")) == []
    both = features(get_tile(client, KORENMARKT, 17, "kind=organisations"))
    assert sorted(f["title"] for f in both) == ["Sportclub", "Toneel"]


def test_location_parameters_are_ignored(client):
    OrganisationFactory(name="Ver weg", point=Point(3.80, 51.10, srid=4326))
    query = f"lat={KORENMARKT.y}&lon={KORENMARKT.x}&radius=400"
    [found] = features(get_tile(client, Point(3.80, 51.10, srid=4326), 17, query))
    assert found["title"] == "Ver weg"
    assert "distance_m" not in found


def test_help_offers_only_at_their_coarse_point(client, tmp_path):
    # The helper lives at the Veldstraat; the map shows the centre of a 250 m cell.
    offer = HelpOfferFactory(private_point=VELDSTRAAT.clone())
    exact = (VELDSTRAAT.x, VELDSTRAAT.y)
    public = (offer.public_point.x, offer.public_point.y)
    assert m_between(exact, public) > 20
    for z in (12, 15, 17, 20):
        z, x, y = tile_of(offer.public_point, z)
        response = client.get(tile_url(z, x, y))
        [found] = features(response)
        assert found["id"] == f"help_offers-{offer.pk}"
        assert found["title"].startswith("Een buur in") or found["title"].startswith("A neighbour")
        assert found["category"] == "shopping"
        at = lonlat_of(found, z, x, y)
        assert m_between(at, public) < 5
        assert m_between(at, exact) > 20
        [read] = ogr_features(tmp_path / str(z), response.content, z, x, y)
        assert m_between(read["lonlat"], exact) > 20
    # Nothing at the exact point's own zoom-20 tile, unless the coarse point shares it.
    if tile_of(VELDSTRAAT, 20) != tile_of(offer.public_point, 20):
        assert features(get_tile(client, VELDSTRAAT, 20)) == []


def test_help_offer_titles_follow_accept_language(client):
    HelpOfferFactory()
    point = HelpOfferFactory._meta.model.objects.get().public_point
    dutch = get_tile(client, point, 17, HTTP_ACCEPT_LANGUAGE="nl")
    english = get_tile(client, point, 17, HTTP_ACCEPT_LANGUAGE="en")
    assert features(dutch)[0]["title"] != features(english)[0]["title"]
    assert features(english)[0]["title"].startswith("A neighbour in")
    assert dutch["ETag"] != english["ETag"]
    assert "Accept-Language" in english["Vary"]


def test_an_empty_tile_is_204(client):
    response = get_tile(client, Point(4.4, 50.85, srid=4326), 15)
    assert response.status_code == 204
    assert response.content == b""
    assert response["Cache-Control"].startswith("public, max-age=")


def test_headers_cacheable_by_a_proxy(client, settings):
    OrganisationFactory()
    response = get_tile(client, KORENMARKT, 15)
    assert response.status_code == 200
    assert response["Cache-Control"] == f"public, max-age={settings.TILES_MAX_AGE}"
    assert response["ETag"]
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_if_none_match_gives_304_and_a_save_changes_the_etag(
    client, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory()
    first = get_tile(client, KORENMARKT, 15)
    etag = first["ETag"]
    again = get_tile(client, KORENMARKT, 15, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    with django_capture_on_commit_callbacks(execute=True):
        organisation.name = "Nieuwe naam"
        organisation.save()
        # Not committed yet: a tile read elsewhere now has the old name, so the old ETag.
        assert get_tile(client, KORENMARKT, 15)["ETag"] == etag
    changed = get_tile(client, KORENMARKT, 15, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    with django_capture_on_commit_callbacks(execute=True):
        organisation.delete()
    assert get_tile(client, KORENMARKT, 15)["ETag"] != changed["ETag"]


def test_a_helper_whose_account_is_blocked_leaves_the_tiles_at_once(
    client, django_capture_on_commit_callbacks
):
    offer = HelpOfferFactory()
    first = get_tile(client, offer.public_point, 17)
    assert features(first)
    helper = offer.helper
    with django_capture_on_commit_callbacks(execute=True):
        helper.save(update_fields=["last_login"])  # a log-in: the tiles stay as they are
    assert get_tile(client, offer.public_point, 17)["ETag"] == first["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        helper.is_active = False
        helper.save()
    blocked = get_tile(client, offer.public_point, 17, HTTP_IF_NONE_MATCH=first["ETag"])
    assert blocked.status_code == 204
    assert blocked["ETag"] != first["ETag"]


def test_tiles_read_the_primary_until_the_replicas_have_the_change(settings, monkeypatch):
    """A replica may lag behind the change a new ETag names: for REPLICA_PIN_SECONDS after it
    tiles read the primary, then a replica again."""
    from django.http import QueryDict

    from maps import tiles
    from maps.search.forms import parse_search

    monkeypatch.setattr(tiles, "_compiled", lambda *args: [])  # no such alias to compile for
    # What the router answers a GET outside a transaction (a test runs inside one).
    monkeypatch.setattr(tiles.router, "db_for_read", lambda model, **hints: "replica_1")
    settings.DATABASE_REPLICAS = ["replica_1"]
    settings.REPLICA_PIN_SECONDS = 10
    params = parse_search(QueryDict(""))
    tile = spatial_tiles.Tile(*tile_of(KORENMARKT, 15))
    now = time.time()
    assert tiles.tile_places(params, tile, changed_at=now - 1) == ("default", [])
    assert tiles.tile_places(params, tile, changed_at=now - 11) == ("replica_1", [])


def test_a_bad_filter_is_a_translated_400(client):
    response = get_tile(client, KORENMARKT, 15, "category=nonsense", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 400
    body = response.json()
    assert "category" in body["errors"]
    unknown = get_tile(client, KORENMARKT, 15, "colour=red", HTTP_ACCEPT_LANGUAGE="nl")
    assert unknown.status_code == 400
    assert "colour" in unknown.json()["errors"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/tiles/21/0/0.mvt",
        "/api/tiles/2/4/0.mvt",
        "/api/tiles/2/0/4.mvt",
        "/api/tiles/-1/0/0.mvt",
        "/api/tiles/1/0/0.png",
    ],
)
def test_no_such_tile_is_404(client, path):
    assert client.get(path).status_code == 404


def test_same_features_on_both_backends_shape():
    """The grouping's Python encoding (SpatiaLite) gives what ST_AsMVT gives (PostGIS): both
    backends run this file; here the encoder's rounding is checked on its own."""
    tile = spatial_tiles.Tile(*tile_of(KORENMARKT, 17))
    xmin, _ymin, _xmax, ymax = tile.bounds
    rows = [(1, xmin + tile.size / 2, ymax - tile.size / 4, "a", "a", 1, "t", "/u", "c")]
    [feature] = spatial_tiles.tile_features(tile, rows)
    assert feature["geometry"] == "POINT (2048 1024)"


def expected_features(points: dict[str, Point], z: int, x: int, y: int) -> list[tuple]:
    """What a tile should hold, worked out in Python from the places' lon/lat (spherical
    Mercator, cells of 64 px of a 256 px tile below zoom 17): sorted (count, id, tile x, y)."""
    n, r = 2**z, 6378137.0
    size = 2 * math.pi * r / n
    xmin, ymax = -math.pi * r + x * size, math.pi * r - y * size
    cells: dict = {}
    for key, point in points.items():
        mx = math.radians(point.x) * r
        my = math.asinh(math.tan(math.radians(point.y))) * r
        if not (xmin <= mx < xmin + size and ymax - size < my <= ymax):
            continue
        cell = (int((mx - xmin) // (size / 4)), int((ymax - my) // (size / 4))) if z < 17 else key
        cells.setdefault(cell, []).append((key, mx, my))
    found = []
    for members in cells.values():
        mx = sum(m[1] for m in members) / len(members)
        my = sum(m[2] for m in members) / len(members)
        key = members[0][0] if len(members) == 1 else None
        px, py = (mx - xmin) / size * 4096, (ymax - my) / size * 4096
        found.append((len(members), key, px, py))
    return sorted(found, key=lambda f: (f[0], f[1] or "", f[2]))


def test_the_same_features_as_worked_out_by_hand():
    """Both backends run this: the clustering and the encoding give, on each, the features
    computed here in Python, to a tile unit."""
    from django.test import Client

    client = Client()
    points = {}
    for i in range(36):
        point = Point(3.70 + (i % 6) * 0.0071, 51.040 + (i // 6) * 0.0053, srid=4326)
        points[f"organisations-{OrganisationFactory(point=point).pk}"] = point
    for z in (12, 13, 14, 15, 16, 17):
        z, x, y = tile_of(KORENMARKT, z)
        got = sorted(
            (
                (f.get("count", 1), f.get("id"), *f["at"])
                for f in features(client.get(tile_url(z, x, y)))
            ),
            key=lambda f: (f[0], f[1] or "", f[2]),
        )
        wanted = expected_features(points, z, x, y)
        assert [(c, k) for c, k, _px, _py in got] == [(c, k) for c, k, _px, _py in wanted], z
        for (_c, _k, px, py), (_wc, _wk, wx, wy) in zip(got, wanted, strict=True):
            assert abs(px - wx) <= 1, (z, px, wx)
            assert abs(py - wy) <= 1, (z, py, wy)


def test_errors_are_json_whatever_the_client_accepts(client):
    response = get_tile(client, KORENMARKT, 15, "category=nonsense", HTTP_ACCEPT=MVT)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert client.get("/api/tiles/30/0/0.mvt", HTTP_ACCEPT=MVT)["Content-Type"] == (
        "application/json"
    )


def test_a_place_by_the_east_edge_stays_inside_its_tile(client):
    z, x, y = tile_of(KORENMARKT, 17)
    n = 2**z
    # A hair west of the tile's east edge: rounded, it would be at 4096, the next tile's.
    lon = (x + 1 - 0.05 / 4096) / n * 360 - 180
    OrganisationFactory(point=Point(lon, KORENMARKT.y, srid=4326))
    [found] = features(client.get(tile_url(z, x, y)))
    assert found["at"][0] == 4095
