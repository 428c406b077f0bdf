"""buurt_import_neighbourhoods on small files in the two official shapes, made at test time.

Each file is written as GeoJSON with coordinates in the source system and no "crs" member,
then converted with the ogr2ogr CLI, which stamps the SRS on it (-a_srs): a Statbel-shaped
Shapefile in Belgian Lambert 72 (EPSG:31370, field names cut to 10 characters like every
dBase file) and a CBS-shaped GeoPackage in the Dutch RD (EPSG:28992).
"""

import json
import subprocess
from io import StringIO

import pytest
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.utils import translation

from buurt.management.commands.buurt_import_neighbourhoods import Command
from buurt.models import Neighbourhood, Organisation
from spatial import great_circle_m
from tests.factories import NeighbourhoodFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

# The RD origin, the Onze Lieve Vrouwetoren in Amersfoort: RD x=155000, y=463000 is
# lat 52.15517440, lon 5.38720621 (ETRS89), the reference point of the published RD-WGS 84
# approximation formulas (Schreutelkamp & Strang van Hees).
RD_ORIGIN = (155_000, 463_000)
AMERSFOORT = Point(5.38720621, 52.15517440, srid=4326)

# A sector of 800 x 600 m in the centre of Gent in Lambert 72 metres (west, south, east,
# north), around the Korenmarkt (x~104485, y~193992) and the Sint-Baafskathedraal.
GENT = (104_400, 193_600, 105_200, 194_200)
# Its south-west corner in WGS 84 by "BD72 to WGS 84 (3)" (EPSG:15929, NGI's published
# 7-parameter transformation, accurate to 1 m): `cs2cs EPSG:31370 EPSG:4326` on 104400 193600.
GENT_SOUTH_WEST = Point(3.71843412, 51.05076627, srid=4326)
# The cathedral as published on Wikipedia (to ~30 m), independent of PROJ.
SINT_BAAFS = Point(3.72667, 51.05306, srid=4326)


def square(west, south, east, north):
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


GENT_SQUARE = square(*GENT)


def sector(code="44021A00-", name="Gent-Centrum", *, geometry=GENT_SQUARE, **extra):
    """A Statbel statistical sector, in Lambert 72."""
    properties = {
        "cd_sector": code,
        "tx_sector_descr_nl": name,
        "tx_sector_descr_fr": f"{name} (FR)",
        "cd_munty_refnis": "44021",
        "tx_munty_descr_nl": "Gent",
        **extra,
    }
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def buurt(code, name, *, geometry, inhabitants):
    """A CBS buurt in Amersfoort, in RD."""
    properties = {
        "buurtcode": code,
        "buurtnaam": name,
        "gemeentecode": "GM0307",
        "gemeentenaam": "Amersfoort",
        "aantal_inwoners": inhabitants,
    }
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def geojson(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def ogr2ogr(*args):
    subprocess.run(["ogr2ogr", *map(str, args)], check=True, capture_output=True)


def statbel_shapefile(tmp_path, features, *, name="sectors"):
    source = geojson(tmp_path / f"{name}.geojson", features)
    target = tmp_path / f"{name}.shp"
    ogr2ogr("-f", "ESRI Shapefile", "-a_srs", "EPSG:31370", target, source)
    return target


def cbs_geopackage(tmp_path, layers: dict[str, list]):
    """A GeoPackage with one layer per item, in this order, like wijkenbuurten_2024.gpkg."""
    target = tmp_path / "wijkenbuurten.gpkg"
    for layer, features in layers.items():
        source = geojson(tmp_path / f"{layer}.geojson", features)
        update = ["-update"] if target.exists() else []
        ogr2ogr("-f", "GPKG", *update, "-a_srs", "EPSG:28992", "-nln", layer, target, source)
    return target


def run(path, *args):
    """Run the command in English; return (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command("buurt_import_neighbourhoods", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def distance_to_nearest_vertex_m(boundary, point):
    return min(great_circle_m(Point(x, y, srid=4326), point) for x, y in boundary[0][0].coords)


def test_statbel_shapefile_is_reprojected_from_lambert_72(tmp_path):
    out, err = run(statbel_shapefile(tmp_path, [sector(ms_population=1234)]))

    neighbourhood = Neighbourhood.objects.get()
    assert (neighbourhood.code, neighbourhood.name) == ("44021A00-", "Gent-Centrum")
    assert (neighbourhood.municipality_code, neighbourhood.municipality_name) == ("44021", "Gent")
    assert neighbourhood.population == 1234
    assert neighbourhood.is_approximate is False
    assert neighbourhood.boundary.srid == 4326
    assert distance_to_nearest_vertex_m(neighbourhood.boundary, GENT_SOUTH_WEST) < 1
    assert "EPSG:31370" in out
    assert "code = cd_sector, name = tx_sector_" in out  # the Shapefile's cut names
    assert "Created 1, updated 0, skipped 0 of 1 features." in out
    assert "100%" in err  # the progress bar


def test_x_is_longitude_and_y_latitude(tmp_path):
    run(statbel_shapefile(tmp_path, [sector()]))

    boundary = Neighbourhood.objects.get().boundary
    west, south, east, north = boundary.extent
    assert 3.7 < west < east < 3.75
    assert 51.04 < south < north < 51.07
    # 800 m east-west is 0.0114 degrees of longitude at 51 N; 600 m north-south 0.0054 of
    # latitude. Swapped axes would give the reverse.
    assert east - west == pytest.approx(0.0114, rel=0.03)
    assert north - south == pytest.approx(0.0054, rel=0.03)
    assert boundary.contains(SINT_BAAFS)


def test_cbs_geopackage_is_reprojected_from_rd_and_secret_populations_are_unknown(tmp_path):
    x, y = RD_ORIGIN
    path = cbs_geopackage(
        tmp_path,
        {
            "buurten": [
                buurt(
                    "BU03070000",
                    "Binnenstad",
                    geometry=square(x, y, x + 200, y + 200),
                    inhabitants=-99999997,
                ),
                buurt(
                    "BU03070001",
                    "Kruiskamp",
                    geometry=square(x + 200, y, x + 400, y + 200),
                    inhabitants=2345,
                ),
            ]
        },
    )

    out, _ = run(path)

    centre, east = Neighbourhood.objects.order_by("code")
    assert distance_to_nearest_vertex_m(centre.boundary, AMERSFOORT) < 1
    assert centre.boundary.extent[0] == pytest.approx(AMERSFOORT.x, abs=1e-5)  # x = lon
    assert (centre.name, centre.population) == ("Binnenstad", None)
    assert (east.name, east.population) == ("Kruiskamp", 2345)
    assert (east.municipality_code, east.municipality_name) == ("GM0307", "Amersfoort")
    assert "EPSG:28992" in out


def test_running_twice_updates_and_never_duplicates(tmp_path):
    east_square = square(105_200, 193_600, 106_000, 194_200)
    run(
        statbel_shapefile(
            tmp_path,
            [sector("44021A00-", "Centrum"), sector("44021A01-", "Oost", geometry=east_square)],
            name="first",
        )
    )

    out, _ = run(
        statbel_shapefile(
            tmp_path,
            [
                sector("44021A00-", "Centrum-Kouter"),
                sector("44021A01-", "Oost-Portus", geometry=east_square),
            ],
            name="second",
        )
    )

    names = dict(Neighbourhood.objects.values_list("code", "name"))
    assert names == {"44021A00-": "Centrum-Kouter", "44021A01-": "Oost-Portus"}
    assert "Created 0, updated 2, skipped 0 of 2 features." in out


def test_dry_run_writes_nothing(tmp_path):
    existing = NeighbourhoodFactory(code="44021A00-", name="Oude naam")
    before = existing.boundary.wkt
    organisation = OrganisationFactory()  # at the Korenmarkt, not yet located

    out, _ = run(
        statbel_shapefile(
            tmp_path,
            [
                sector("44021A00-", "Nieuwe naam"),
                sector("44021A01-", "Oost", geometry=square(105_200, 193_600, 106_000, 194_200)),
            ],
        ),
        "--dry-run",
    )

    assert list(Neighbourhood.objects.values_list("code", "name")) == [("44021A00-", "Oude naam")]
    existing.refresh_from_db()
    assert existing.boundary.wkt == before
    organisation.refresh_from_db()
    assert organisation.neighbourhood is None
    assert "Created 1, updated 1, skipped 0 of 2 features." in out
    assert "Dry run: nothing was saved." in out


def test_a_bow_tie_polygon_is_repaired(tmp_path):
    west, south, east, north = GENT
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, north], [east, south], [west, north], [west, south]]
        ],
    }

    run(statbel_shapefile(tmp_path, [sector(geometry=bow_tie)]))

    boundary = Neighbourhood.objects.get().boundary
    assert boundary.valid
    assert boundary.geom_type == "MultiPolygon"
    assert len(boundary) == 2  # the two triangles either side of the crossing
    # Together half of the 800 x 600 m box, measured back in Lambert 72 metres.
    assert boundary.transform(31370, clone=True).area == pytest.approx(240_000, rel=0.01)


def test_features_without_code_or_geometry_are_skipped_and_reported(tmp_path):
    path = statbel_shapefile(
        tmp_path,
        [
            sector(""),
            sector("44021A01-", geometry=None),
            sector("44021A02-", "Sint-Baafs"),
            sector("44021A02-", "Sint-Baafs bis"),
        ],
    )

    out, _ = run(path)

    assert list(Neighbourhood.objects.values_list("code", "name")) == [("44021A02-", "Sint-Baafs")]
    assert "Skipped feature 1: no code" in out
    assert "Skipped feature 2 (code 44021A01-): no geometry" in out
    assert "Skipped feature 4 (code 44021A02-): the same code as feature 3" in out
    assert "Created 1, updated 0, skipped 3 of 4 features." in out


def test_a_missing_field_is_a_clear_error_that_lists_the_fields(tmp_path):
    feature = {
        "type": "Feature",
        "properties": {"id": "W1", "label": "Muide", "nis": "44021"},
        "geometry": GENT_SQUARE,
    }
    path = statbel_shapefile(tmp_path, [feature], name="own")

    with pytest.raises(CommandError, match="code field") as error:
        run(path)
    assert "--code-field" in str(error.value)
    assert "Fields in this layer: id, label, nis." in str(error.value)

    with pytest.raises(CommandError, match="The field naam .--name-field. is not in layer"):
        run(path, "--code-field", "id", "--name-field", "naam")
    assert not Neighbourhood.objects.exists()

    run(path, "--code-field", "ID", "--name-field", "label", "--municipality-field", "nis")
    neighbourhood = Neighbourhood.objects.get()
    # No municipality name in the file: the code stands in for it.
    assert (neighbourhood.code, neighbourhood.name, neighbourhood.municipality_name) == (
        "W1",
        "Muide",
        "44021",
    )


def test_the_layer_is_chosen_by_name_or_number(tmp_path):
    x, y = RD_ORIGIN
    area = square(x, y, x + 200, y + 200)
    municipality = {"type": "Feature", "properties": {"gemeentecode": "GM0307"}, "geometry": area}
    path = cbs_geopackage(
        tmp_path,
        {
            "gemeenten": [municipality],
            "buurten": [buurt("BU03070000", "Binnenstad", geometry=area, inhabitants=10)],
        },
    )

    with pytest.raises(CommandError, match="Other layers, for --layer: gemeenten, buurten"):
        run(path)
    with pytest.raises(CommandError, match="no layer wijken"):
        run(path, "--layer", "wijken")

    run(path, "--layer", "buurten")
    run(path, "--layer", "1")
    assert list(Neighbourhood.objects.values_list("code", flat=True)) == ["BU03070000"]


def test_a_geojson_in_metres_without_crs_needs_srid(tmp_path):
    path = geojson(tmp_path / "sectors.geojson", [sector()])

    with pytest.raises(CommandError, match="--srid"):
        run(path)
    with pytest.raises(CommandError, match="999999 is not a known EPSG code"):
        run(path, "--srid", "999999")

    run(path, "--srid", "31370")
    boundary = Neighbourhood.objects.get().boundary
    assert distance_to_nearest_vertex_m(boundary, GENT_SOUTH_WEST) < 1


def test_organisations_get_their_neighbourhood_derived_again(tmp_path):
    at_korenmarkt = OrganisationFactory()  # not yet located
    in_amersfoort = OrganisationFactory(point=AMERSFOORT)

    out, _ = run(statbel_shapefile(tmp_path, [sector()]))

    at_korenmarkt.refresh_from_db()
    in_amersfoort.refresh_from_db()
    assert at_korenmarkt.neighbourhood.code == "44021A00-"
    assert in_amersfoort.neighbourhood is None
    assert "Organisations placed in another neighbourhood: 1." in out
    assert Organisation.objects.filter(neighbourhood__isnull=False).count() == 1


def test_help_describes_every_option_with_an_example():
    with translation.override("en"):
        text = Command().create_parser("manage.py", "buurt_import_neighbourhoods").format_help()

    for option in (
        "--layer",
        "--code-field",
        "--name-field",
        "--municipality-field",
        "--municipality-name-field",
        "--population-field",
        "--srid",
        "--dry-run",
    ):
        assert option in text
    assert "examples:\n" in text
    assert "buurt_import_neighbourhoods wijkenbuurten_2024.gpkg --layer buurten" in text
