"""The folium maps (buurt.maps on spatial.leaflet): our own assets only, escaped user text, one
marker per organisation."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.contrib.staticfiles import finders
from django.utils import translation
from django.utils.html import escape

from buurt import maps, selectors
from buurt.models import Organisation
from spatial import assets, leaflet
from tests.factories import NeighbourhoodFactory, OrganisationFactory, box

pytestmark = pytest.mark.django_db

TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
XSS = "<script>alert(1)</script>"

URL = re.compile(r"https?://[^\s\"'<>\\]+")
ASSET = re.compile(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"')
DATA = re.compile(
    r"^buurtkaart\.(addOrganisations|addNeighbourhoods|addPlaceTiles)\(\w+, (.*)\);$", re.M
)
FIT_BOUNDS = re.compile(r"\.fitBounds\(\s*(\[\[.*?\]\])", re.S)
CENTER = re.compile(r'"center": \[\s*([\d.]+),\s*([\d.]+),?\s*\]')

GRAVENSTEEN = Point(3.7207, 51.0572, srid=4326)
STATION_DAMPOORT = Point(3.7404, 51.0563, srid=4326)


@pytest.fixture(autouse=True)
def tiles(settings):
    settings.MAP_TILE_URL = TILE_URL


def markup(rendered) -> str:
    return rendered.header + rendered.html + rendered.script


def layer_data(rendered, layer: str) -> dict:
    return next(json.loads(data) for name, data in DATA.findall(rendered.script) if name == layer)


def assert_only_own_assets(rendered):
    text = markup(rendered)
    # The attribution links to the tile provider's copyright page: a link, not something loaded.
    assert set(URL.findall(text)) <= {TILE_URL, *URL.findall(settings.MAP_TILE_ATTRIBUTION)}
    loaded = ASSET.findall(text)
    assert loaded
    for url in loaded:
        assert url.startswith(settings.STATIC_URL) or url.startswith("/" + settings.STATIC_URL)
    lowered = text.lower()
    for unwanted in ("jquery", "bootstrap", "font-awesome", "fontawesome", "awesome-markers"):
        assert unwanted not in lowered


@pytest.fixture
def city():
    with translation.override("en"):
        return _city()


def _city():
    centre = NeighbourhoodFactory(name="Binnenstad", boundary=box(3.70, 51.045, 3.74, 51.065))
    NeighbourhoodFactory(
        name="Sint-Amandsberg", boundary=box(3.74, 51.05, 3.77, 51.07), is_approximate=True
    )
    OrganisationFactory(name="Toneelgroep", point=GRAVENSTEEN, neighbourhood=centre)
    OrganisationFactory(name=XSS, kind=Organisation.Kind.SPORTS, point=STATION_DAMPOORT)
    OrganisationFactory(name="Nog een kladversie", status=Organisation.Status.DRAFT)
    return maps.city_map(selectors.neighbourhoods_with_counts())


def test_every_vendored_asset_exists():
    for path in assets.ALL:
        assert finders.find(path), path


def test_city_map_loads_only_our_assets_and_the_tile_server(city):
    assert_only_own_assets(city)
    assert TILE_URL in city.script
    assert assets.VECTOR_TILE_JS in city.script
    assert assets.TILE_LAYER_JS in city.script
    assert "markercluster" not in markup(city).lower()  # the server clusters in the tiles


def test_organisation_map_loads_only_leaflet_and_our_script():
    rendered = maps.organisation_map(OrganisationFactory(name=XSS))
    assert_only_own_assets(rendered)
    assert assets.LEAFLET_JS in rendered.script
    assert "markercluster" not in markup(rendered).lower()  # one marker needs no clustering


def test_names_are_never_written_as_markup():
    neighbourhood = NeighbourhoodFactory(name='<img src=x onerror="alert(2)">')
    organisation = OrganisationFactory(name=XSS, street_address="<b>Korenmarkt</b> 1")
    for rendered in (
        maps.city_map(selectors.neighbourhoods_with_counts()),
        maps.organisation_map(organisation),
        maps.neighbourhood_map(neighbourhood),
    ):
        text = markup(rendered)
        for raw in (XSS, "<img", "<b>"):
            assert raw not in text
    assert "alert(1)" in markup(maps.organisation_map(organisation))  # there, escaped


def test_city_map_carries_no_organisation_and_asks_for_tiles(city):
    """The page holds the areas only: the organisations come from the vector tiles."""
    assert "Toneelgroep" not in markup(city)
    tiles = layer_data(city, "addPlaceTiles")
    assert tiles["url"] == "/api/tiles/{z}/{x}/{y}.mvt?kind=organisations"
    assert set(tiles["categories"]) == set(Organisation.Kind)
    assert "%(count)s" in tiles["texts"]["cluster"]


def test_tile_url_carries_the_filters():
    url = maps.tile_url([("kind", "organisations"), ("category", "sports")])
    assert url == "/api/tiles/{z}/{x}/{y}.mvt?kind=organisations&category=sports"


def test_neighbourhoods_carry_their_count_and_approximate_flag(city):
    features = layer_data(city, "addNeighbourhoods")["features"]
    properties = {f["properties"]["name"]: f["properties"] for f in features}
    assert properties["Binnenstad"]["approximate"] is False
    assert properties["Sint-Amandsberg"]["approximate"] is True
    assert properties["Binnenstad"]["label"] == "Binnenstad — 1 organisation"
    assert properties["Sint-Amandsberg"]["label"] == (
        "Sint-Amandsberg — 0 organisations (approximate boundary)"
    )
    assert properties["Binnenstad"]["url"].startswith("/buurten/")
    assert features[0]["geometry"]["type"] == "MultiPolygon"


def test_city_map_fits_the_neighbourhoods(city):
    # Binnenstad and Sint-Amandsberg together span 3.70-3.77 E, 51.045-51.07 N.
    assert json.loads(FIT_BOUNDS.search(city.script).group(1)) == [[51.045, 3.70], [51.07, 3.77]]


def test_empty_city_map_opens_on_the_default_centre():
    rendered = maps.city_map([])
    assert not FIT_BOUNDS.search(rendered.script)
    lat, lon = CENTER.search(rendered.script).groups()
    assert (float(lat), float(lon)) == settings.MAP_DEFAULT_CENTER


def test_map_passes_max_zoom_to_leaflet_for_clustering(city, settings):
    assert f'"maxZoom": {settings.MAP_MAX_ZOOM}' in city.script


def test_map_has_an_accessible_name(city):
    assert 'role="region"' in city.html
    assert re.search(r'aria-label="[^"]+"', city.html)


def test_legend_lists_every_kind_the_tiles_can_bring(city):
    for kind in Organisation.Kind:
        assert escape(str(kind.label)) in city.html


def test_organisation_without_location_has_no_map():
    rendered = maps.organisation_map(OrganisationFactory(point=None))
    assert markup(rendered) == ""


def test_neighbourhood_map_shows_its_boundary_and_the_organisations_tiles():
    neighbourhood = NeighbourhoodFactory(is_approximate=True)
    OrganisationFactory(name="Vereniging Zonnebloem", neighbourhood=neighbourhood)
    rendered = maps.neighbourhood_map(neighbourhood, filters=[("category", "sports")])
    (feature,) = layer_data(rendered, "addNeighbourhoods")["features"]
    assert feature["properties"]["approximate"] is True
    assert feature["properties"]["url"] is None  # we are on its page already
    assert "Zonnebloem" not in markup(rendered)
    assert layer_data(rendered, "addPlaceTiles")["url"].endswith(
        ".mvt?kind=organisations&category=sports"
    )


def test_every_kind_has_its_own_marker():
    assert set(maps.KIND_STYLES) == set(Organisation.Kind)
    assert len(set(maps.KIND_STYLES.values())) == len(Organisation.Kind)
    assert {style.shape for style in maps.KIND_STYLES.values()} <= set(leaflet.MARKER_SHAPES)
