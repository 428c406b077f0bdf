"""buurt_import_population on files in the shapes Statbel and CBS publish, made at test time.

- Statbel's "population per statistical sector" open data table: "|"-separated text with the
  columns of OPENDATA_SECTOREN_<year>, keyed by CD_SECTOR, the count in TOTAL;
- the same table as XLSX, converted from CSV by the ogr2ogr CLI (GDAL's XLSX driver);
- CBS's wijken-en-buurten GeoPackage, written by ogr2ogr in RD with a `wijken` layer before
  the `buurten` one, like wijkenbuurten_2024.gpkg.
"""

import csv
import subprocess
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from buurt.demo import demo_seed
from buurt.models import Neighbourhood
from tests.buurt.test_import_neighbourhoods import RD_ORIGIN, buurt, cbs_geopackage, square
from tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db

STATBEL_HEADER = (
    "CD_REFNIS|CD_SECTOR|TOTAL|DT_STRT_SECTOR|DT_STOP_SECTOR|OPPERVLAKKTE IN HM²|"
    "TX_DESCR_NL|TX_DESCR_FR|TX_SECTOR_DESCR_NL|TX_SECTOR_DESCR_FR"
)


def statbel_row(code, total, name="Sector"):
    refnis = code[:5]
    return f"{refnis}|{code}|{total}|01/01/2024|31/12/9999|12.5|Gent|Gand|{name}|{name}"


def statbel_csv(tmp_path, rows, *, name="OPENDATA_SECTOREN_2024.txt"):
    path = tmp_path / name
    path.write_text("\n".join([STATBEL_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def run(path, *args):
    """Run the command in English; return its stdout."""
    out = StringIO()
    with translation.override("en"):
        call_command("buurt_import_population", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def population(code):
    return Neighbourhood.objects.values_list("population", flat=True).get(code=code)


def test_statbel_table_sets_known_sectors_and_reports_unknown_codes(tmp_path):
    NeighbourhoodFactory(code="44021A00-", population=None)
    NeighbourhoodFactory(code="44021A01-", population=None)
    untouched = NeighbourhoodFactory(code="44021B00-", population=777)
    path = statbel_csv(
        tmp_path,
        [
            statbel_row("44021A00-", 1834),
            statbel_row("44021A01-", 912),
            # A sector of Antwerpen: not imported as a neighbourhood, so not guessed anywhere.
            statbel_row("11002A00-", 2500),
        ],
    )

    out = run(path)

    assert population("44021A00-") == 1834
    assert population("44021A01-") == 912
    assert population(untouched.code) == 777
    assert "1 codes match no neighbourhood and were left out: 11002A00-" in out
    assert "Updated 2 neighbourhoods" in out
    sector = Neighbourhood.objects.get(code="44021A00-")
    assert sector.population_source.startswith("OPENDATA_SECTOREN_2024.txt (TOTAL), ")
    assert not sector.population_is_demo


def test_running_again_updates_the_figures(tmp_path):
    NeighbourhoodFactory(code="44021A00-")
    NeighbourhoodFactory(code="44021A01-")
    run(statbel_csv(tmp_path, [statbel_row("44021A00-", 1834), statbel_row("44021A01-", 912)]))

    out = run(
        statbel_csv(tmp_path, [statbel_row("44021A00-", 1901), statbel_row("44021A01-", 912)])
    )

    assert (population("44021A00-"), population("44021A01-")) == (1901, 912)
    assert "Updated 2 neighbourhoods (1 with the same figure as before)" in out
    assert Neighbourhood.objects.count() == 2


def test_rows_without_a_whole_number_or_repeated_are_reported_and_change_nothing(tmp_path):
    NeighbourhoodFactory(code="44021A00-", population=100)
    NeighbourhoodFactory(code="44021A01-", population=200)
    path = statbel_csv(
        tmp_path,
        [
            statbel_row("44021A00-", "1.234"),  # thousands separator or decimal? not guessed
            statbel_row("44021A01-", 300),
            statbel_row("44021A01-", 301),
        ],
    )

    out = run(path)

    assert population("44021A00-") == 100
    assert population("44021A01-") == 300
    assert "Skipped row 1 (code 44021A00-): '1.234' is not a number of inhabitants" in out
    assert "Skipped row 3 (code 44021A01-): the same code as row 2" in out


def test_dry_run_saves_nothing(tmp_path):
    NeighbourhoodFactory(code="44021A00-", population=100)

    out = run(statbel_csv(tmp_path, [statbel_row("44021A00-", 150)]), "--dry-run")

    assert population("44021A00-") == 100
    assert "Dry run: nothing was saved." in out


def test_cbs_geopackage_buurten_layer(tmp_path):
    x, y = RD_ORIGIN
    NeighbourhoodFactory(code="BU03070000", population=50)
    NeighbourhoodFactory(code="BU03070001", population=None)
    wijk = buurt("WK030700", "Centrum", geometry=square(x, y, x + 400, y + 200), inhabitants=9)
    wijk["properties"]["wijkcode"] = wijk["properties"].pop("buurtcode")
    path = cbs_geopackage(
        tmp_path,
        {
            "wijken": [wijk],
            "buurten": [
                buurt(
                    "BU03070000",
                    "Binnenstad",
                    geometry=square(x, y, x + 200, y + 200),
                    inhabitants=-99999997,  # CBS: kept secret
                ),
                buurt(
                    "BU03070001",
                    "Kruiskamp",
                    geometry=square(x + 200, y, x + 400, y + 200),
                    inhabitants=2345,
                ),
            ],
        },
    )

    out = run(path, "--layer", "buurten")

    assert population("BU03070001") == 2345
    assert population("BU03070000") == 50  # a secret figure does not wipe the known one
    assert "Skipped row 1 (code BU03070000): '-99999997' is not a number" in out
    source = Neighbourhood.objects.get(code="BU03070001").population_source
    assert source.startswith("wijkenbuurten.gpkg (aantal_inwoners), ")


def test_xlsx_with_fields_of_its_own(tmp_path):
    NeighbourhoodFactory(code="W01", population=None)
    NeighbourhoodFactory(code="W02", population=None)
    source = tmp_path / "wijken.csv"
    source.write_text("WIJKCODE,WIJKNAAM,INWONERS\nW01,Noord,4100\nW02,Zuid,3900\n")
    target = tmp_path / "wijken.xlsx"
    subprocess.run(
        ["ogr2ogr", "-f", "XLSX", str(target), str(source), "-oo", "AUTODETECT_TYPE=YES"],
        check=True,
        capture_output=True,
    )
    assert target.read_bytes()[:2] == b"PK"  # a real Office Open XML (zip) file

    run(target, "--code-field", "wijkcode", "--population-field", "INWONERS")

    assert (population("W01"), population("W02")) == (4100, 3900)


def test_a_missing_column_is_a_clear_error_and_nothing_changes(tmp_path):
    NeighbourhoodFactory(code="44021A00-", population=100)
    path = statbel_csv(tmp_path, [statbel_row("44021A00-", 150)])

    with pytest.raises(CommandError, match="INWONERS .--population-field. is not in"):
        run(path, "--population-field", "INWONERS")
    assert population("44021A00-") == 100


def test_importing_boundaries_without_population_keeps_the_imported_figure(tmp_path):
    from tests.buurt.test_import_neighbourhoods import sector, statbel_shapefile

    NeighbourhoodFactory(code="44021A00-", population=1834, population_source="x.txt (TOTAL)")
    with translation.override("en"):
        call_command(
            "buurt_import_neighbourhoods",
            str(statbel_shapefile(tmp_path, [sector()])),
            stdout=StringIO(),
            stderr=StringIO(),
        )

    assert population("44021A00-") == 1834


def test_the_page_shows_where_the_figure_comes_from(client, tmp_path):
    neighbourhood = NeighbourhoodFactory(code="44021A00-")
    run(statbel_csv(tmp_path, [statbel_row("44021A00-", 1834)]))

    with translation.override("en"):
        page = client.get(reverse("buurt:neighbourhood-detail", args=[neighbourhood.code]))

    text = page.content.decode()
    assert "1,834 inhabitants" in text or "1834 inhabitants" in text
    assert "(source: OPENDATA_SECTOREN_2024.txt (TOTAL), " in text


def test_demo_neighbourhoods_have_plausible_figures_marked_as_demo():
    demo_seed()

    demo = Neighbourhood.objects.filter(code__startswith="demo-")
    assert demo.count() == 10
    assert all(n.population_is_demo and n.population for n in demo)
    # Gent had about 265,000 inhabitants in 2024: the invented figures stay near that.
    assert 240_000 < sum(n.population for n in demo) < 290_000


def test_odd_rows_are_reported_not_a_database_error(tmp_path):
    """A figure too large for the column, a NUL in a code, a field longer than the csv
    module reads: each a reported row or a clear error, and nothing changes."""
    NeighbourhoodFactory(code="44021A00-", population=100)
    NeighbourhoodFactory(code="44021A01-", population=200)
    path = statbel_csv(
        tmp_path,
        [
            statbel_row("44021A00-", "99999999999"),
            statbel_row("44021A02\x00", 5),
            statbel_row("44021A01-", 300),
        ],
    )
    out = run(path)
    assert population("44021A00-") == 100
    assert population("44021A01-") == 300
    assert "Skipped row 1 (code 44021A00-): '99999999999' is not a number of inhabitants" in out

    # The delimiter is found in the first 64 kB; the long field comes after them.
    rows = [statbel_row(f"44021Z{n:03}-", 1) for n in range(1000)]
    # Longer than the csv module reads by default.
    rows.append(statbel_row("44021A01-", 7, name="x" * (csv.field_size_limit() + 1)))
    huge = statbel_csv(tmp_path, rows, name="b.txt")
    with pytest.raises(CommandError, match="cannot be read"):
        run(huge)
    assert population("44021A01-") == 300
