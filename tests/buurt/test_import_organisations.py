"""manage.py buurt_import_organisations: real-shaped files in, listings out, on both databases.

The files are written as the programs people use write them: Excel on a Belgian PC
(Windows-1252, semicolons, quoted fields), a French UTF-8 export with a byte-order mark, an
XLSX made by openpyxl, and the HSDS 3.0 example documents of Open Referral, unchanged.
"""

from __future__ import annotations

import copy
import datetime
import io
import json
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from buurt.models import GeocodeStatus, Language, Organisation
from buurt.organisation_files import read_cost, read_languages, read_organisation_file
from core.moderation import ModerationState
from tests.factories import OrganisationFactory
from tests.on_commit import queued_work

pytestmark = pytest.mark.django_db

HSDS = Path(__file__).resolve().parent.parent / "standards" / "hsds-3.0"

# What Excel writes on a Belgian PC: Windows-1252 ("é", "ë"), semicolons, CRLF, a quoted
# description holding a semicolon and a line break, one row without a name, one without a
# place, and the street and number in two columns.
DUTCH_CSV = (
    "Naam;Straat;Huisnummer;Bus;Postcode;Gemeente;Telefoon;E-mail;Omschrijving;Prijs;"
    "Rolstoeltoegankelijk;Onthaalpersoon;Talen\r\n"
    'Buurthuis Het Anker;Sleepstraat;12;;9000;Gent;09 123 45 67;anker@example.org;"Koffie; '
    'soep en een babbel.\r\nElke dinsdag.";gratis;ja;ja;Nederlands, Frans\r\n'
    ";Kerkstraat;1;;9000;Gent;;;;;;;\r\n"
    "Taalcafé De Brug;Dampoortstraat;5;2;9040;Sint-Amandsberg;;geen-adres;Praat "
    "Nederlands met ons;kansentarief mogelijk;nee;;Nederlands en Arabisch\r\n"
    "Zonder Plaats;;;;;Gent;;;;;;;\r\n"
    "Lotgenoten Zoë;;;;1234AB;Amsterdam;;;;€ 3,50;;;\r\n"
).encode("cp1252")

# A French export from LibreOffice: UTF-8 with a byte-order mark, commas, street and number in
# one column, a postcode that is not one.
FRENCH_CSV = (
    "\ufeffNom,Adresse,Code postal,Commune,Téléphone,Courriel,Site web,Prix,Accessible PMR,"
    "Langues,Numéro BCE\n"
    "Maison de quartier Les Marolles,Rue Haute 120,1000,Bruxelles,02 511 00 00,"
    "info@marolles.example,www.marolles.example,gratuit,oui,"
    '"français, néerlandais",0203.201.340\n'
    "Café linguistique Babel,Rue de Flandre 2,10OO,Bruxelles,,,,prix libre,non,anglais,\n"
).encode("utf-8")


def run(path, *args) -> str:
    out = io.StringIO()
    call_command("buurt_import_organisations", str(path), "--no-progress", *args, stdout=out)
    return out.getvalue()


def write(tmp_path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture(autouse=True)
def languages(db):
    for code, name in (
        ("nl", "Nederlands"),
        ("fr", "Français"),
        ("en", "English"),
        ("ar", "العربية"),
        ("ur", "اردو"),
    ):
        Language.objects.get_or_create(code=code, defaults={"name_local": name})


def test_a_windows_1252_semicolon_csv_with_dutch_headers(
    tmp_path, django_capture_on_commit_callbacks
):
    path = write(tmp_path, "verenigingen.csv", DUTCH_CSV)

    with django_capture_on_commit_callbacks() as callbacks:
        out = run(path)

    assert "Windows-1252" in out
    assert "“;”" in out
    # Line numbers as a text editor counts them: the quoted line break of line 2 is line 3.
    assert "line 4: no name" in out
    assert "line 6: no place: no valid postcode and no coordinates" in out
    assert "3 new, 0 updated, 0 unchanged, 0 possible duplicates, 2 bad rows." in out
    anker = Organisation.objects.get(name="Buurthuis Het Anker")
    # The quoted field kept its semicolon and its line break.
    assert anker.description == "Koffie; soep en een babbel.\r\nElke dinsdag."
    assert anker.street_address == "Sleepstraat 12"
    assert (anker.postcode, anker.city, anker.phone) == ("9000", "Gent", "09 123 45 67")
    assert anker.cost == Organisation.Cost.FREE
    assert not anker.reduced_rate
    assert anker.wheelchair_accessible
    assert anker.welcome_person
    assert anker.kind == Organisation.Kind.COMMUNITY_CENTRE  # from its name: no kind column
    assert set(anker.languages.values_list("code", flat=True)) == {"nl", "fr"}
    # Not public until a moderator publishes it; confirmed by the import today.
    assert anker.moderation_state == ModerationState.PENDING
    assert anker not in Organisation.objects.public()
    assert (anker.assured_on, anker.assurer) == (timezone.localdate(), "import")
    # Placed in the background: saved as pending, one placing task per listing after the commit.
    assert anker.geocode_status == GeocodeStatus.PENDING
    assert anker.point is None
    assert len(queued_work(callbacks)) == 3
    brug = Organisation.objects.get(name="Taalcafé De Brug")
    assert brug.street_address == "Dampoortstraat 5 bus 2"
    assert brug.cost == Organisation.Cost.PAID
    assert brug.reduced_rate
    assert brug.email == ""  # "geen-adres" is no e-mail address: left out, and said so
    assert "the e-mail address geen-adres is not valid" in out
    assert set(brug.languages.values_list("code", flat=True)) == {"nl", "ar"}
    assert Organisation.objects.get(name="Lotgenoten Zoë").postcode == "1234AB"


def test_the_same_file_again_changes_nothing(tmp_path):
    path = write(tmp_path, "verenigingen.csv", DUTCH_CSV)
    run(path)
    before = list(Organisation.objects.order_by("pk").values())

    out = run(path)

    assert "0 new, 0 updated, 3 unchanged, 0 possible duplicates, 2 bad rows." in out
    assert list(Organisation.objects.order_by("pk").values()) == before


def test_a_dry_run_prints_the_same_report_and_writes_nothing(tmp_path):
    path = write(tmp_path, "verenigingen.csv", DUTCH_CSV)

    dry = run(path, "--dry-run")

    assert Organisation.objects.count() == 0
    assert "3 new, 0 updated, 0 unchanged, 0 possible duplicates, 2 bad rows." in dry
    assert "Dry run: nothing was saved." in dry
    real = run(path)
    assert dry.replace(" Dry run: nothing was saved.", "") == real.replace(
        "\nThe new listings wait for a moderator in the moderation queue.", ""
    )


def test_a_utf8_bom_csv_with_french_headers(tmp_path):
    path = write(tmp_path, "associations.csv", FRENCH_CSV)

    out = run(path, "--publish")

    assert "UTF-8 (BOM)" in out
    assert "“,”" in out
    assert "Nom → name" in out  # the byte-order mark is not part of the first column's name
    marolles = Organisation.objects.get(name="Maison de quartier Les Marolles")
    assert (marolles.street_address, marolles.postcode, marolles.city) == (
        "Rue Haute 120",
        "1000",
        "Bruxelles",
    )
    assert marolles.kind == Organisation.Kind.COMMUNITY_CENTRE
    assert marolles.website == "https://www.marolles.example"
    assert marolles.enterprise_number == "0203201340"
    assert marolles.cost == Organisation.Cost.FREE
    assert marolles.wheelchair_accessible
    assert set(marolles.languages.values_list("code", flat=True)) == {"fr", "nl"}
    assert marolles in Organisation.objects.public()  # --publish
    # "10OO" (letters O) is no postcode: the row has no place.
    assert "line 3: no place: no valid postcode and no coordinates" in out
    assert "the postcode 10OO is not a Belgian or Dutch one" in out


def _xlsx(tmp_path, rows) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([])  # Excel users leave a row free above the table
    sheet.append(
        [
            "ID",
            "Name",
            "Street address",
            "Postcode",
            "City",
            "Lat",
            "Lon",
            "Price",
            "Wheelchair accessible",
            "Notes",
        ]
    )
    for row in rows:
        sheet.append(row)
    path = tmp_path / "organisations.xlsx"
    workbook.save(path)
    return path


XLSX_ROWS = [
    ["g-1", "Walking Club Gent", "Korenmarkt 1", 9000, "Gent", 51.0545, 3.7215, 0, "yes", "x"],
    ["g-2", "Repair Café", "Vrijdagmarkt 10", "9000", "Gent", None, None, 2.5, "no", ""],
    ["g-3", "", "Veldstraat 1", 9000, "Gent", None, None, None, None, ""],
]


def test_an_xlsx_made_by_openpyxl_matched_by_its_ids(tmp_path):
    path = _xlsx(tmp_path, XLSX_ROWS)

    out = run(path, "--source", "gent")

    assert "XLSX" in out
    assert "Columns not read (name them with --map): Notes." in out
    assert "line 5: no name" in out  # rows counted as Excel numbers them
    walking = Organisation.objects.get(name="Walking Club Gent")
    assert walking.source_id == "gent:g-1"
    assert walking.postcode == "9000"
    # Coordinates from the list are used as they are: nothing to place.
    assert (round(walking.point.y, 4), round(walking.point.x, 4)) == (51.0545, 3.7215)
    assert walking.geocode_status == GeocodeStatus.MANUAL
    assert walking.cost == Organisation.Cost.FREE
    assert walking.wheelchair_accessible
    assert Organisation.objects.get(name="Repair Café").cost == Organisation.Cost.PAID

    rows = copy.deepcopy(XLSX_ROWS)
    rows[1][1] = "Repair Café Gent"  # renamed in the city's list: the id still matches
    again = run(_xlsx(tmp_path, rows), "--source", "gent")

    assert "0 new, 1 updated, 1 unchanged, 0 possible duplicates, 1 bad rows." in again
    assert Organisation.objects.filter(source_id="gent:g-2").get().name == "Repair Café Gent"
    assert Organisation.objects.count() == 2


def test_map_names_a_column_and_leaves_one_out(tmp_path):
    path = write(
        tmp_path,
        "lijst.csv",
        b"Naam vzw;Postnr;Opmerking\nDe Sleep;9000;intern\n",
    )
    with pytest.raises(CommandError, match="No column holds the name"):
        run(path)
    with pytest.raises(CommandError, match="--map wants COLUMN=field"):
        run(path, "--map", "Naam vzw=naam")

    out = run(path, "--map", "Naam vzw=name", "--map", "Postnr=postcode", "--map", "Opmerking=-")

    assert "Columns not read" not in out
    assert Organisation.objects.get(name="De Sleep").postcode == "9000"


def test_rows_like_an_existing_listing_are_reported_not_created(tmp_path):
    existing = OrganisationFactory(name="Het Anker vzw", postcode="9000")

    out = run(write(tmp_path, "verenigingen.csv", DUTCH_CSV))

    assert (
        "possible duplicate, line 2: Buurthuis Het Anker looks like Het Anker vzw "
        "(a similar name in the same postcode)"
    ) in out
    assert "2 new, 0 updated, 0 unchanged, 1 possible duplicates, 2 bad rows." in out
    assert list(Organisation.objects.filter(name__icontains="anker")) == [existing]
    # A second run reports it again, and still creates nothing.
    assert "0 new, 0 updated, 2 unchanged, 1 possible duplicates" in run(
        write(tmp_path, "verenigingen.csv", DUTCH_CSV)
    )


def test_the_hsds_example_documents_are_read_and_their_rows_reported(tmp_path):
    # Open Referral's examples are from nowhere: "ABC 1234" is no Belgian or Dutch postcode and
    # latitude 100 does not exist. Read, reported with the reasons, nothing created.
    for name in ("organization_full.json", "organization_list.json"):
        out = run(HSDS / "examples" / name)

        assert "HSDS 3.0 JSON, 1 rows." in out
        assert "record 1: no place: no valid postcode and no coordinates" in out
    full = read_organisation_file(HSDS / "examples" / "organization_full.json")
    assert full.rows[0].name == "Example Organization Inc."
    assert "the coordinates 100.0, 101.0 do not exist" in full.rows[0].notes
    assert Organisation.objects.count() == 0


def _hsds_in_gent() -> dict:
    """The full example, moved to Gent: still a valid HSDS 3.0 organization."""
    document = json.loads((HSDS / "examples" / "organization_full.json").read_text())
    location = document["locations"][0]
    location.update(latitude=51.0545, longitude=3.7215)
    location["addresses"][0].update(
        address_1="Korenmarkt 1", address_2="", city="Gent", postal_code="9000", country="BE"
    )
    schema = json.loads((HSDS / "schema" / "compiled" / "organization.json").read_text())
    jsonschema.validate(document, schema)
    return document


def test_an_hsds_organization_with_its_services_and_locations(tmp_path):
    document = _hsds_in_gent()
    path = write(tmp_path, "hsds.json", json.dumps(document).encode())

    out = run(path, "--source", "openreferral")

    assert "1 new" in out
    organisation = Organisation.objects.get()
    assert organisation.name == "Example Organization Inc."
    assert organisation.source_id == "openreferral:d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
    assert organisation.description.startswith("Example Org is a non-profit organization")
    assert "Community Counselling: Counselling Services" in organisation.description
    assert organisation.phone == "+44 1234 234567"
    assert organisation.email == "email@example.com"
    assert (organisation.street_address, organisation.postcode) == ("Korenmarkt 1", "9000")
    # "induction loops for hearing aids. Wheelchair access is possible on all levels."
    assert organisation.hearing_loop
    assert organisation.wheelchair_accessible
    # The services' fees ("£50 per hour") and assured_date: confirmed in 2005, so out of date.
    assert organisation.cost == Organisation.Cost.PAID
    assert organisation.assured_on == datetime.date(2005, 1, 1)
    assert organisation.assurer == "import"
    assert organisation.is_possibly_outdated
    assert "ur" in organisation.languages.values_list("code", flat=True)
    assert "The service is available from 10 am to 6pm weekdays." in organisation.opening_hours

    # As a paginated list ("contents"), the same organization is the same listing.
    listed = {"total_items": 1, "contents": [document]}
    again = run(
        write(tmp_path, "list.json", json.dumps(listed).encode()), "--source", "openreferral"
    )
    assert "0 new, 0 updated, 1 unchanged" in again


def test_files_that_cannot_be_read_say_why(tmp_path):
    with pytest.raises(CommandError, match="There is no file"):
        run(tmp_path / "missing.csv")
    with pytest.raises(CommandError, match="not an Excel file"):
        run(write(tmp_path, "kapot.xlsx", b"PK\x03\x04 not really"))
    with pytest.raises(CommandError, match="holds no HSDS 3.0 organizations"):
        run(write(tmp_path, "ander.json", b'{"type": "FeatureCollection"}'))
    with pytest.raises(CommandError, match="empty"):
        run(write(tmp_path, "leeg.csv", b"\r\n\r\n"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gratis", ("free", False)),
        ("Gratuit", ("free", False)),
        ("0,00 €", ("free", False)),
        ("kansentarief mogelijk", ("paid", True)),
        ("€ 5 (UiTPAS: € 1,50)", ("paid", True)),
        ("vrije bijdrage", ("pay_what_you_can", False)),
        ("prix libre", ("pay_what_you_can", False)),
        ("", (None, False)),
    ],
)
def test_prices_as_people_write_them(text, expected):
    assert read_cost(text) == expected


def test_languages_as_people_write_them():
    assert read_languages("Nederlands, Frans en Engels") == ["nl", "fr", "en"]
    assert read_languages("français; néerlandais / arabe") == ["fr", "nl", "ar"]
    assert read_languages("nl, fr") == ["nl", "fr"]
