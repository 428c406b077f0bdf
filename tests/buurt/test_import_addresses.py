"""buurt_import_addresses on small hand-made files in the BeST and BAG shapes."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.utils import translation

from buurt.geocoding.address_files import AddressRow, read_rows
from buurt.models import Address, PostcodeCentroid, Street
from spatial import great_circle_m

from .gazetteer_data import BEST_HEADER

pytestmark = pytest.mark.django_db

# A real BeST row (Brussels download, 2026): Chaussée de Mons / Bergense Steenweg 475,
# Anderlecht, published with both Lambert 72 and WGS 84 coordinates (5 decimals, ~1 m).
ANDERLECHT = Point(4.31653, 50.83595, srid=4326)
ANDERLECHT_31370 = "146321.07800,169504.60900"
# The same place in Lambert 2008, computed once with PROJ from the published lat/lon.
ANDERLECHT_3812 = "646321.151,669504.961"
# Onze-Lieve-Vrouwetoren, Amersfoort: the origin of the Dutch RD grid, (155000, 463000) in
# EPSG:28992, is at 52.15517440 N, 5.38720621 E (published by the Kadaster).
AMERSFOORT = Point(5.38720621, 52.15517440, srid=4326)


def best_file(tmp_path, rows: list[str], name="best.csv") -> str:
    path = tmp_path / name
    path.write_bytes(("\n".join([BEST_HEADER, *rows]) + "\n").encode("utf-8"))
    return str(path)


def best_row(
    *,
    address_id,
    lat="",
    lon="",
    lambert72=",",
    lambert2008=None,
    street="Sint-Pietersnieuwstraat",
    street_fr="",
    number="33",
    box="",
    postcode="9000",
    status="current",
):
    return (
        f"{lambert72},{lat},{lon},{address_id},{box},{number},44021,,Gand,Gent,{postcode},,Gent,"
        f"1,,{street_fr},{street},BE-VLG,{status}"
    )


def run(path, *args):
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command("buurt_import_addresses", path, "--no-progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_best_file_with_every_kind_of_row(tmp_path):
    rows = [
        best_row(address_id=1, lat="51.0448", lon="3.7253"),  # line 2
        best_row(address_id=2, lat="51.04482", lon="3.72532", box="2"),  # line 3: a box
        best_row(  # line 4: Lambert 72 only
            address_id=3,
            lambert72=ANDERLECHT_31370,
            street="Bergense Steenweg",
            street_fr="Chaussée de Mons",
            number="475",
            box="RDC",
            postcode="1070",
        ),
        best_row(address_id=5, number="41", status="retired", lat="51.0443", lon="3.7258"),
        best_row(address_id=6, number="43", status="proposed", lat="51.0442", lon="3.7259"),
        best_row(address_id=7, number="45"),  # line 7: no coordinates at all
        "1,2,3",  # line 8: too few columns
        best_row(address_id=9, lat="51.0x", lon="3.72"),  # line 9: not a number
        best_row(address_id=10, lat="51.0430", lon="3.7260", number="47"),  # line 10: see below
        best_row(address_id=11, lat="3.7253", lon="51.0448", number="49"),  # line 11: swapped
    ]
    path = best_file(tmp_path, rows)
    # Line 10 gets a byte that is not UTF-8 (a Latin-1 "é"), as a broken export would have.
    broken = Path(path).read_bytes().replace(b",47,", b",4\xe97,")
    Path(path).write_bytes(broken)

    out, err = run(path)

    assert "7 rows" not in out  # every data line is counted
    assert "10 rows: 3 addresses, 2 not current, 5 bad" in out
    assert "line 7: no coordinates" in err
    assert "line 8: expected 20 columns, found 3" in err
    assert "line 9: missing or unreadable EPSG:4326_lat" in err
    assert "line 10: not valid UTF-8 text" in err
    assert "line 11: coordinates outside Belgium and the Netherlands" in err

    assert Address.objects.count() == 3
    boxed = Address.objects.get(source_id="best:BE-VLG:2")
    assert (boxed.house_number, boxed.box, boxed.box_key) == ("33", "2", "2")
    assert not Address.objects.filter(house_number__in=["41", "43"]).exists()


def test_lambert_72_is_reprojected_within_a_metre_of_the_published_lat_lon(tmp_path):
    path = best_file(
        tmp_path,
        [best_row(address_id=3, lambert72=ANDERLECHT_31370, number="475", postcode="1070")],
    )
    run(path)
    address = Address.objects.get()
    assert great_circle_m(address.point, ANDERLECHT) < 1
    # Axis order: x is longitude, y latitude.
    assert address.point.x == pytest.approx(4.3165, abs=1e-3)
    assert address.point.y == pytest.approx(50.836, abs=1e-3)


def test_lambert_2008_columns_of_newer_files(tmp_path):
    header = BEST_HEADER.replace("EPSG:31370_x,EPSG:31370_y", "EPSG:3812_x,EPSG:3812_y")
    path = tmp_path / "best2008.csv"
    row = best_row(address_id=3, lambert72=ANDERLECHT_3812, number="475", postcode="1070")
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    run(str(path))
    address = Address.objects.get()
    assert great_circle_m(address.point, ANDERLECHT) < 1
    assert address.point.x < address.point.y  # lon 4.3, lat 50.8: not swapped


def test_wgs84_columns_win_over_lambert(tmp_path):
    # Lambert says Anderlecht, lat/lon say Gent: the lat/lon are used.
    path = best_file(
        tmp_path,
        [best_row(address_id=1, lambert72=ANDERLECHT_31370, lat="51.0448", lon="3.7253")],
    )
    run(path)
    assert great_circle_m(Address.objects.get().point, Point(3.7253, 51.0448, srid=4326)) < 0.01


def test_streets_and_postcodes_are_built_from_the_addresses(tmp_path):
    path = best_file(
        tmp_path,
        [
            best_row(address_id=1, lat="51.0448", lon="3.7253"),
            best_row(address_id=2, lat="51.0446", lon="3.7255", number="35"),
            best_row(
                address_id=3,
                lat="50.8459",
                lon="4.3661",
                street="Wetstraat",
                street_fr="Rue de la Loi",
                number="16",
                postcode="1000",
            ),
        ],
    )
    run(path)
    street = Street.objects.get(key="sintpietersnieuwstraat")
    assert street.address_count == 2
    assert great_circle_m(street.point, Point(3.7254, 51.0447, srid=4326)) < 0.5
    wetstraat = Street.objects.get(key="wetstraat")
    assert (wetstraat.name_alt, wetstraat.key_alt, wetstraat.language_alt) == (
        "Rue de la Loi",
        "ruedelaloi",
        "fr",
    )
    # The shipped centre of 9000 stays: two addresses are too few to replace it.
    assert PostcodeCentroid.objects.get(postcode="9000").point.y == pytest.approx(51.0538)


def test_import_is_idempotent_and_updates_by_source_id(tmp_path):
    first = best_file(
        tmp_path,
        [
            best_row(address_id=1, lat="51.0448", lon="3.7253"),
            best_row(address_id=2, lat="51.0446", lon="3.7255", number="35"),
        ],
    )
    run(first)
    run(first)
    assert Address.objects.count() == 2
    assert Street.objects.count() == 1

    moved = best_file(
        tmp_path,
        [
            best_row(address_id=1, lat="51.0450", lon="3.7250"),
            best_row(address_id=2, lat="51.0446", lon="3.7255", number="35", status="retired"),
        ],
        name="moved.csv",
    )
    out, _ = run(moved)
    assert "1 removed" in out
    address = Address.objects.get()
    assert great_circle_m(address.point, Point(3.7250, 51.0450, srid=4326)) < 0.01
    assert Street.objects.get().address_count == 1


def test_a_source_id_twice_in_one_file_keeps_the_last_row(tmp_path):
    path = best_file(
        tmp_path,
        [
            best_row(address_id=1, lat="51.0448", lon="3.7253"),
            best_row(address_id=1, lat="51.0450", lon="3.7250"),
        ],
    )
    run(path)
    assert great_circle_m(Address.objects.get().point, Point(3.7250, 51.0450, srid=4326)) < 0.01


def test_a_first_load_keeps_every_index_of_the_address_table(tmp_path):
    """On PostGIS a load into the empty table drops its plain indexes and builds them again
    after the rows (faster at ten million); afterwards the table has the same indexes."""
    from django.db import connection

    def indexes():
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, Address._meta.db_table)
        return {name for name, about in found.items() if about["index"]}

    before = indexes()
    out, err = run(best_file(tmp_path, [best_row(address_id=1, lat="51.0448", lon="3.7253")]))
    assert indexes() == before
    assert {"address_lookup_idx", "address_street_number_idx"} <= before
    assert "Writing the addresses and their indexes." in err
    assert Address.objects.filter(street__key__isnull=False).count() == 1


def test_dry_run_saves_nothing(tmp_path):
    path = best_file(tmp_path, [best_row(address_id=1, lat="51.0448", lon="3.7253"), "1,2"])
    out, err = run(path, "--dry-run")
    assert out.startswith("Dry run, nothing saved. 2 rows: 1 addresses")
    assert "line 3: expected 20 columns, found 2" in err
    assert not Address.objects.exists()
    assert not Street.objects.exists()


def test_a_file_of_another_shape_is_refused_before_anything_is_written(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,lat,lon\nKorenmarkt,51.05,3.72\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not a BeST Address CSV: missing columns"):
        run(str(path))
    assert not Address.objects.exists()


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="is not a file"):
        run(str(tmp_path / "nope.csv"))


BAG = "\n".join(
    [
        "openbareruimte;huisnummer;huisletter;huisnummertoevoeging;postcode;woonplaats;gemeente;"
        "nummeraanduiding;status;x;y;lon;lat",
        "Lieve Vrouwekerkhof;1;;;3811 BA;Amersfoort;Amersfoort;0307200000000001;"
        "Naamgeving uitgegeven;155000;463000;;",
        "Dam;1;A;2;1012JS;Amsterdam;Amsterdam;0363200000000002;Naamgeving uitgegeven;;;"
        "4.8932;52.3731",
        "Dam;3;;;1012JS;Amsterdam;Amsterdam;0363200000000003;Naamgeving ingetrokken;;;"
        "4.8935;52.3732",
        "Dam;5;;;1012JS;Amsterdam;Amsterdam;0363200000000004;Naamgeving uitgegeven;;;;",
        "",
    ]
)


def test_bag_csv_with_rd_coordinates_and_lat_lon(tmp_path):
    path = tmp_path / "bag.csv"
    path.write_text(BAG, encoding="utf-8")
    out, err = run(str(path), "--format", "bag-csv")
    assert "4 rows: 2 addresses, 1 not current, 1 bad" in out
    assert "line 5: no coordinates" in err

    tower = Address.objects.get(source_id="bag:0307200000000001")
    assert great_circle_m(tower.point, AMERSFOORT) < 1
    assert tower.street.postcode == "3811BA"

    dam = Address.objects.get(source_id="bag:0363200000000002")
    assert (dam.house_number, dam.house_key, dam.box) == ("1A", "1a", "2")
    assert (dam.point.y, dam.point.x) == (pytest.approx(52.3731), pytest.approx(4.8932))
    assert PostcodeCentroid.objects.get(postcode="1012JS").country == "NL"


def test_bag_csv_with_commas_and_other_column_names(tmp_path):
    path = tmp_path / "bag2.csv"
    path.write_text(
        "straat,huisnummer,huisletter,toevoeging,postcode,woonplaats,x,y\n"
        "Lieve Vrouwekerkhof,1,,,3811BA,Amersfoort,155000,463000\n",
        encoding="utf-8",
    )
    run(str(path), "--format", "bag-csv")
    address = Address.objects.get()
    assert address.source_id == "bag:3811BA:1-"
    assert great_circle_m(address.point, AMERSFOORT) < 1


def test_a_long_field_is_read_without_raising_the_csv_limit_for_the_process(tmp_path):
    """The address files read fields up to FIELD_SIZE_LIMIT, but csv's limit is process-wide:
    it is set only while a row is read, so other readers (between two rows too) keep theirs."""
    default = csv.field_size_limit()
    long_street = "x" * (default + 1)
    path = best_file(
        tmp_path,
        [
            best_row(address_id=1, lat="51.0448", lon="3.7253", street=long_street),
            best_row(address_id=2, lat="51.0448", lon="3.7253"),
        ],
    )
    rows = read_rows(Path(path), "best")
    first = next(rows)
    assert csv.field_size_limit() == default  # between two rows
    assert isinstance(first, AddressRow)
    assert first.street == long_street
    assert [row.source_id for row in rows] == ["best:BE-VLG:2"]
    assert csv.field_size_limit() == default
