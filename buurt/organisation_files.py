"""Read a municipality's list of associations: CSV, XLSX or HSDS 3.0 JSON, into plain rows.

What a file looks like in practice, and what is read without options:
- CSV as Excel writes it on a Belgian or Dutch PC: semicolon or comma (sniffed), UTF-8 with or
  without a byte-order mark, or Windows-1252; quoted fields may hold the separator.
- XLSX: the first sheet, the first non-empty row holds the column names (openpyxl, read-only).
- HSDS 3.0 JSON (Open Referral): one organization, a list of them, or a paginated list
  ("contents"), each with its services and locations: the first physical location gives the
  address and the point, the services the description, hours, costs and assured_date.

Column names are recognised in Dutch, French and English (ALIASES), compared without case,
accents, spaces or punctuation ("Code postal" = "codepostal"); `mapping` ({"Column":
"field"}) names the others. Values are read as people write them: "ja"/"oui"/"yes", "gratis",
"kansentarief mogelijk", "Nederlands, Frans". Street and number in one column or in two.

Nothing here touches the database: buurt.organisation_import decides what to create.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.validators import enterprise_number_normalise

from . import flags
from .importers import field_text as _text
from .models import Organisation


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message is for the coordinator."""


def _key(text: str) -> str:
    """A column name or a value to compare: lowercase, no accents, letters and digits only."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


# Field -> column names that mean it (nl, fr, en), as _key() gives them.
ALIASES: dict[str, tuple[str, ...]] = {
    "source_id": (
        "id",
        "identifier",
        "identificatie",
        "identifiant",
        "bronid",
        "sourceid",
        "externalid",
        "referentie",
        "reference",
        "ref",
    ),
    "name": (
        "naam",
        "nom",
        "name",
        "organisatie",
        "organisation",
        "organization",
        "vereniging",
        "association",
        "naamvereniging",
        "naamorganisatie",
        "nomdelassociation",
        "denomination",
    ),
    "kind": ("soort", "type", "categorie", "category", "kind", "sector", "typeorganisatie"),
    "description": (
        "omschrijving",
        "beschrijving",
        "description",
        "activiteiten",
        "watdoenwe",
        "activites",
        "doel",
        "what",
        "about",
        "wat",
    ),
    "street_address": (
        "adres",
        "adresse",
        "address",
        "straatennummer",
        "straatnr",
        "straathuisnummer",
        "rueetnumero",
        "ruenumero",
        "streetaddress",
        "address1",
    ),
    "street": ("straat", "straatnaam", "rue", "street", "voie"),
    "house_number": (
        "huisnummer",
        "nummer",
        "nr",
        "huisnr",
        "number",
        "numero",
        "no",
        "n",
        "housenumber",
    ),
    "box": ("bus", "boite", "box", "busnummer"),
    "postcode": ("postcode", "postnummer", "codepostal", "cp", "postalcode", "zip", "zipcode"),
    "city": (
        "gemeente",
        "plaats",
        "woonplaats",
        "stad",
        "deelgemeente",
        "commune",
        "localite",
        "ville",
        "city",
        "town",
        "municipality",
    ),
    "phone": ("telefoon", "tel", "telefoonnummer", "gsm", "telephone", "phone", "phonenumber"),
    "email": ("email", "mail", "emailadres", "courriel", "adressemail", "emailaddress"),
    "website": (
        "website",
        "site",
        "siteweb",
        "siteinternet",
        "url",
        "webpagina",
        "web",
        "internet",
    ),
    "opening_hours": (
        "openingsuren",
        "openingstijden",
        "uren",
        "wanneer",
        "heuresdouverture",
        "horaires",
        "horaire",
        "quand",
        "openinghours",
        "hours",
        "when",
    ),
    "cost": (
        "prijs",
        "kost",
        "kostprijs",
        "tarief",
        "prix",
        "tarif",
        "cout",
        "price",
        "cost",
        "fee",
        "fees",
    ),
    "reduced_rate": ("kansentarief", "uitpas", "sociaaltarief", "tarifreduit", "reducedrate"),
    "wheelchair_accessible": (
        "rolstoeltoegankelijk",
        "rolstoel",
        "toegankelijk",
        "accessiblefauteuilroulant",
        "accessiblepmr",
        "pmr",
        "wheelchairaccessible",
        "wheelchair",
        "accessible",
    ),
    "hearing_loop": ("ringleiding", "boucleinductive", "boucleauditive", "hearingloop"),
    "quiet_space": ("prikkelarm", "rustigeruimte", "espacecalme", "quietspace"),
    "child_friendly": ("kindvriendelijk", "adaptéauxenfants", "adapteauxenfants", "childfriendly"),
    "welcome_person": ("onthaalpersoon", "onthaal", "personnedaccueil", "accueil", "welcomeperson"),
    "languages": (
        "talen",
        "gesprokentalen",
        "taal",
        "langues",
        "languesparlees",
        "langue",
        "languages",
        "languagesspoken",
    ),
    "enterprise_number": (
        "ondernemingsnummer",
        "kbo",
        "kbonummer",
        "numerodentreprise",
        "bce",
        "numerobce",
        "enterprisenumber",
        "companynumber",
    ),
    # Not "x"/"y": in a Belgian or Dutch list those are Lambert or RD metres, not degrees.
    "latitude": ("lat", "latitude", "breedtegraad"),
    "longitude": ("lon", "lng", "long", "longitude", "lengtegraad"),
}
# What a coordinator may name in --map COLUMN=field ("-" leaves a column out).
FIELDS = tuple(ALIASES)
IGNORE = "-"
_BY_ALIAS = {alias: name for name, aliases in ALIASES.items() for alias in aliases}

TRUE_WORDS = frozenset(
    {
        "ja",
        "j",
        "yes",
        "y",
        "oui",
        "o",
        "x",
        "1",
        "true",
        "waar",
        "vrai",
        "wel",
        "mogelijk",
        "possible",
        "available",
    }
)
FREE_WORDS = ("gratis", "gratuit", "free", "kosteloos", "0", "000", "0euro", "eur0", "euro0")
PAY_WHAT_YOU_CAN_WORDS = (
    "vrijebijdrage",
    "vrijwilligebijdrage",
    "prixlibre",
    "paywhatyoucan",
    "participationlibre",
)
REDUCED_RATE_WORDS = (
    "kansentarief",
    "uitpas",
    "sociaaltarief",
    "tarifreduit",
    "reducedrate",
    "articlé27",
    "article27",
    "artikel27",
)
# Words in a "kind" column -> Organisation.Kind (first match wins).
KIND_WORDS = (
    (("dienstencentrum", "ldc", "servicecentre", "centredeservice"), "service_centre"),
    (
        ("buurthuis", "buurtcentrum", "gemeenschapscentrum", "maisondequartier", "community"),
        "community_centre",
    ),
    (("lotgenot", "peer", "entraide", "zelfhulp"), "peer_group"),
    (("buddy", "maatje", "parrain"), "buddy_project"),
    (("jeugd", "jeunesse", "youth", "jongeren", "jeunes"), "youth"),
    (("senior", "ouderen", "aines"), "seniors"),
    (("taalcafe", "cafelinguistique", "languagecafe", "conversation"), "language_cafe"),
    (("sociaalrestaurant", "restaurantsocial", "socialrestaurant"), "social_restaurant"),
    (("vrijwillig", "benevol", "volunteer"), "volunteering"),
    (
        ("ocmw", "cpas", "publicservice", "overheid", "servicepublic", "stad", "gemeente"),
        "public_service",
    ),
    (("sport", "voetbal", "turnen", "fitness"), "sports"),
    (
        ("cultuur", "theater", "toneel", "culture", "theatre", "muziek", "musique", "koor"),
        "culture",
    ),
)
# Language names (nl, fr, en; _key()) -> ISO 639-1; codes are read as they are.
LANGUAGE_NAMES = {
    "nederlands": "nl",
    "neerlandais": "nl",
    "dutch": "nl",
    "vlaams": "nl",
    "frans": "fr",
    "francais": "fr",
    "french": "fr",
    "engels": "en",
    "anglais": "en",
    "english": "en",
    "duits": "de",
    "allemand": "de",
    "german": "de",
    "arabisch": "ar",
    "arabe": "ar",
    "arabic": "ar",
    "turks": "tr",
    "turc": "tr",
    "turkish": "tr",
    "spaans": "es",
    "espagnol": "es",
    "spanish": "es",
    "pools": "pl",
    "polonais": "pl",
    "polish": "pl",
    "roemeens": "ro",
    "roumain": "ro",
    "romanian": "ro",
    "russisch": "ru",
    "russe": "ru",
    "russian": "ru",
    "oekraiens": "uk",
    "ukrainien": "uk",
    "ukrainian": "uk",
    "italiaans": "it",
    "italien": "it",
    "italian": "it",
    "portugees": "pt",
    "portugais": "pt",
    "portuguese": "pt",
    "berbers": "ber",
    "tamazight": "ber",
    "berbere": "ber",
    "somalisch": "so",
    "somali": "so",
    "tigrinya": "ti",
    "tigrinia": "ti",
    "dari": "prs",
    "pasjtoe": "ps",
    "pashto": "ps",
    "bulgaars": "bg",
    "bulgare": "bg",
    "bulgarian": "bg",
}
POSTCODE = re.compile(r"^(?:[1-9]\d{3}|[1-9]\d{3} ?[A-Za-z]{2})$")
KNOWN_SUFFIXES = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".json": "hsds"}
FORMAT_LABELS = {"csv": "CSV", "xlsx": "XLSX", "hsds": "HSDS 3.0 JSON"}


@dataclass
class SourceRow:
    """One association as read from the file: `label` says where ("line 7", "record 2")."""

    label: str
    values: dict[str, Any]  # model fields of Organisation, cleaned
    source_id: str = ""
    languages: list[str] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None
    assured_on: datetime.date | None = None
    problems: list[str] = field(default_factory=list)  # why the row cannot be imported
    notes: list[str] = field(default_factory=list)  # what was left out of it

    @property
    def name(self) -> str:
        return self.values.get("name", "")


@dataclass
class SourceFile:
    format: str  # "csv", "xlsx", "hsds"
    columns: dict[str, str]  # column in the file -> field ("" for HSDS)
    unused_columns: list[str]
    rows: list[SourceRow]
    details: str = ""  # encoding and separator of a CSV

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS[self.format]


def parse_mapping(items: list[str]) -> dict[str, str]:
    """["Naam vzw=name", "Opmerking=-"] -> {"Naam vzw": "name", ...}; ImportFileError when an
    item is not COLUMN=field or names no field."""
    mapping = {}
    for item in items or []:
        column, sep, name = item.partition("=")
        column, name = column.strip(), name.strip()
        if not sep or not column or (name not in FIELDS and name != IGNORE):
            raise ImportFileError(
                _(
                    "--map wants COLUMN=field, with one of these fields (or - to leave a column "
                    "out): %(fields)s. Not: %(item)s"
                )
                % {"fields": ", ".join(FIELDS), "item": item}
            )
        mapping[column] = name
    return mapping


def read_organisation_file(
    file: IO[bytes] | str | Path, *, filename: str = "", mapping: dict[str, str] | None = None
) -> SourceFile:
    """Read a whole file (a path, or an open binary file with its `filename`)."""
    if isinstance(file, str | Path):
        path = Path(file)
        if not path.is_file():
            raise ImportFileError(_("There is no file at %(path)s.") % {"path": path})
        filename = filename or path.name
        data = path.read_bytes()
    else:
        data = file.read()
    kind = KNOWN_SUFFIXES.get(Path(filename).suffix.lower())
    if kind is None:
        kind = (
            "xlsx" if data[:2] == b"PK" else "hsds" if data.lstrip()[:1] in (b"{", b"[") else "csv"
        )
    if kind == "xlsx":
        header, records = _xlsx_records(data)
        return _tabular("xlsx", header, records, mapping or {})
    if kind == "hsds":
        return _hsds(data)
    text, encoding = _decode(data)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header, records = _csv_records(reader)
        source = _tabular("csv", header, records, mapping or {})
    except csv.Error as exc:
        raise ImportFileError(
            _("This CSV file cannot be read: %(error)s") % {"error": exc}
        ) from exc
    source.details = _("%(encoding)s, separated by “%(delimiter)s”") % {
        "encoding": encoding,
        "delimiter": delimiter,
    }
    return source


# --- CSV and XLSX ----------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was in: UTF-8 with a byte-order mark, UTF-8, else
    Windows-1252 (which decodes any byte: what Excel writes on a Belgian or Dutch PC)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "UTF-8 (BOM)"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def _delimiter(text: str) -> str:
    sample = text[:8192]
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        return max(";,\t", key=first.count)


def _csv_records(reader) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    header: list[str] = []
    for row in reader:
        if any(cell.strip() for cell in row):
            header = row
            break
    if not header:
        raise ImportFileError(_("The file is empty: it has no row with column names."))

    def records():
        # A quoted field may hold line breaks: a record starts on the line after the last one.
        start = reader.line_num + 1
        for row in reader:
            yield start, row
            start = reader.line_num + 1

    return header, records()


def _xlsx_records(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ImportFileError(_("This is not an Excel file (XLSX) that can be read.")) from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header: list[str] = []
    number = 0
    for number, row in enumerate(rows, start=1):  # noqa: B007 - the header's row number
        if any(cell not in (None, "") for cell in row):
            header = ["" if cell is None else str(cell) for cell in row]
            break
    if not header:
        raise ImportFileError(_("The file is empty: it has no row with column names."))

    def records():
        for offset, row in enumerate(rows, start=number + 1):
            yield offset, list(row)

    return header, records()


def _columns(header: list[str], mapping: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Column -> field for every column read; the columns left unused."""
    by_key = {_key(column): field for column, field in mapping.items()}
    found: dict[str, str] = {}
    unused = []
    taken: set[str] = set()
    for column in header:
        name = by_key.get(_key(column)) or _BY_ALIAS.get(_key(column), "")
        if name == IGNORE or not name or name in taken:
            if column.strip() and name != IGNORE:
                unused.append(column)
            continue
        taken.add(name)
        found[column] = name
    unknown = [column for column in mapping if _key(column) not in {_key(h) for h in header}]
    if unknown:
        raise ImportFileError(
            _("--map names columns that are not in the file: %(columns)s. Its columns: %(header)s.")
            % {"columns": ", ".join(unknown), "header": ", ".join(h for h in header if h)}
        )
    if "name" not in taken:
        raise ImportFileError(
            _(
                "No column holds the name (naam, nom, name). Name it with --map, e.g. "
                '--map "Naam vzw=name". Its columns: %(header)s.'
            )
            % {"header": ", ".join(h for h in header if h)}
        )
    return found, unused


def _tabular(kind: str, header: list[str], records, mapping: dict[str, str]) -> SourceFile:
    columns, unused = _columns(header, mapping)
    positions = [(i, columns[c]) for i, c in enumerate(header) if c in columns]
    rows = []
    for number, record in records:
        raw = {name: record[i] if i < len(record) else None for i, name in positions}
        if all(_text(v) == "" for v in raw.values()):
            continue  # an empty line
        rows.append(_row(_("line %(number)s") % {"number": number}, raw))
    return SourceFile(format=kind, columns=columns, unused_columns=unused, rows=rows)


# --- Values ----------------------------------------------------------------------------------


def _yes(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    words = set(re.split(r"[^a-z0-9]+", _key_words(text))) - {""}
    return bool(words & TRUE_WORDS) and not words & {"nee", "neen", "non", "no", "niet", "pas"}


def _key_words(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def read_cost(value) -> tuple[str | None, bool]:
    """(Organisation.Cost or None when not said, reduced rate possible) from a price as
    written: "gratis", "€ 5, kansentarief mogelijk", "prix libre", 3.5."""
    text = _text(value)
    if not text:
        return None, False
    key = _key(text)
    reduced = any(word in key for word in REDUCED_RATE_WORDS)
    if any(word in key for word in PAY_WHAT_YOU_CAN_WORDS):
        return Organisation.Cost.PAY_WHAT_YOU_CAN, reduced
    amount = re.sub(r"[€\s]|eur(o)?s?", "", text.lower()).replace(",", ".")
    if key in FREE_WORDS or key.startswith(("gratis", "gratuit", "free")):
        return Organisation.Cost.FREE, reduced
    try:
        return (Organisation.Cost.FREE if float(amount) == 0 else Organisation.Cost.PAID), reduced
    except ValueError:
        pass
    if reduced and not re.search(r"\d", text):
        # "kansentarief mogelijk": there is a price, and a reduced one for some.
        return Organisation.Cost.PAID, True
    return Organisation.Cost.PAID, reduced


def read_kind(value) -> str:
    key = _key(value)
    if key in Organisation.Kind.values:
        return key
    for label_kind, label in Organisation.Kind.choices:
        if key == _key(str(label)):
            return label_kind
    for words, kind in KIND_WORDS:
        if any(word in key for word in words):
            return kind
    return Organisation.Kind.OTHER


def read_languages(value) -> list[str]:
    codes = []
    for part in re.split(r"[,;/|+]|\s+(?:en|et|and)\s+", _text(value)):
        key = _key(part)
        code = LANGUAGE_NAMES.get(key) or (key if 2 <= len(key) <= 3 else "")
        if code and code not in codes:
            codes.append(code)
    return codes


def _number(value) -> float | None:
    if isinstance(value, int | float):
        return float(value)
    text = _text(value).replace(",", ".")
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(_text(value)[:10])
    except ValueError:
        return None


def _row(label: str, raw: dict[str, Any], *, assured_on=None) -> SourceRow:
    """A SourceRow from field -> raw value: cleaned, with what is wrong in `problems` (the row
    is skipped) and what was left out in `notes`."""
    row = SourceRow(label=label, values={}, assured_on=assured_on)
    values = row.values
    row.source_id = _text(raw.get("source_id"))[:200]
    values["name"] = re.sub(r"\s+", " ", _text(raw.get("name")))[:200]
    if not values["name"]:
        row.problems.append(_("no name"))
    # Without a kind column, the name often says it ("Buurthuis ...", "Maison de quartier").
    values["kind"] = read_kind(raw.get("kind") or values["name"])
    for name in ("description", "opening_hours"):
        values[name] = _text(raw.get(name))
    values["phone"] = _text(raw.get("phone"))[:40]
    street = _text(raw.get("street_address"))
    if not street and _text(raw.get("street")):
        street = " ".join(
            p for p in (_text(raw.get("street")), _text(raw.get("house_number"))) if p
        )
    if street and _text(raw.get("box")):
        street += f" bus {_text(raw.get('box'))}"
    values["street_address"] = street[:200]
    postcode = _text(raw.get("postcode")).upper()
    values["city"] = _text(raw.get("city"))[:100]
    values["postcode"] = postcode if POSTCODE.match(postcode) else ""
    if postcode and not values["postcode"]:
        row.notes.append(
            _("the postcode %(value)s is not a Belgian or Dutch one") % {"value": postcode}
        )
    latitude, longitude = _number(raw.get("latitude")), _number(raw.get("longitude"))
    if latitude is not None and longitude is not None:
        if -90 <= latitude <= 90 and -180 <= longitude <= 180:
            row.latitude, row.longitude = latitude, longitude
        else:
            row.notes.append(
                _("the coordinates %(lat)s, %(lon)s do not exist")
                % {"lat": latitude, "lon": longitude}
            )
    if not values["postcode"] and row.latitude is None:
        row.problems.append(_("no place: no valid postcode and no coordinates"))
    for name, validator, label in (
        ("email", EmailValidator(), _("e-mail address")),
        ("website", URLValidator(schemes=["http", "https"]), _("website")),
    ):
        text = _text(raw.get(name))
        if name == "website" and text and "://" not in text:
            text = f"https://{text}"
        try:
            if text:
                validator(text)
        except ValidationError:
            row.notes.append(
                _("the %(what)s %(value)s is not valid") % {"what": label, "value": text}
            )
            text = ""
        values[name] = text
    try:
        values["enterprise_number"] = enterprise_number_normalise(
            _text(raw.get("enterprise_number"))
        )
    except ValidationError as error:
        values["enterprise_number"] = ""
        row.notes.append(" ".join(error.messages))
    cost, reduced = read_cost(raw.get("cost"))
    if cost is not None:
        values["cost"] = cost
    values["reduced_rate"] = reduced or _yes(raw.get("reduced_rate"))
    for flag in flags.ACCESSIBILITY:
        values[flag.field] = _yes(raw.get(flag.field))
    values["welcome_person"] = _yes(raw.get("welcome_person"))
    row.languages = read_languages(raw.get("languages"))
    row.assured_on = row.assured_on or _date(raw.get("assured_on"))
    return row


# --- HSDS 3.0 JSON ----------------------------------------------------------------------------


def _hsds(data: bytes) -> SourceFile:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFileError(
            _("This is not a JSON file that can be read: %(error)s") % {"error": exc}
        ) from exc
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        organizations = document["contents"]
    elif isinstance(document, list):
        organizations = document
    elif isinstance(document, dict):
        organizations = [document]
    else:
        organizations = []
    if not organizations or not all(isinstance(o, dict) and "name" in o for o in organizations):
        raise ImportFileError(
            _(
                "This JSON file holds no HSDS 3.0 organizations (objects with a name, alone, in a "
                'list or in the "contents" of a paginated list).'
            )
        )
    rows = [
        _hsds_row(_("record %(number)s") % {"number": number}, organization)
        for number, organization in enumerate(organizations, start=1)
    ]
    return SourceFile(format="hsds", columns={}, unused_columns=[], rows=rows)


def _list(value) -> list:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _hsds_row(label: str, organization: dict) -> SourceRow:
    services = _list(organization.get("services"))
    locations = _list(organization.get("locations"))
    location = next((loc for loc in locations if loc.get("location_type") == "physical"), None)
    location = location or (locations[0] if locations else {})
    addresses = _list(location.get("addresses"))
    address = next((a for a in addresses if a.get("address_type") == "physical"), None)
    address = address or (addresses[0] if addresses else {})
    phones = _list(organization.get("phones")) or _list(location.get("phones"))
    identifiers = _list(organization.get("organization_identifiers"))
    enterprise = next(
        (
            i.get("identifier")
            for i in identifiers
            if _key(i.get("identifier_type", ""))
            in {"kbo", "bce", "enterprisenumber", "ondernemingsnummer", "vat", "btw"}
        ),
        "",
    )
    descriptions = [_text(organization.get("description"))] + [
        f"{_text(s.get('name'))}: {_text(s.get('description'))}".strip(": ")
        for s in services
        if s.get("name") or s.get("description")
    ]
    schedules = [
        _text(schedule.get("description"))
        for item in (*services, location)
        for schedule in _list(item.get("schedules"))
    ]
    costs = [s.get("fees_description") for s in services if s.get("fees_description")]
    amounts = [c.get("amount") for s in services for c in _list(s.get("cost_options"))]
    accessibility = " ".join(
        _text(a.get("description")) + " " + _text(a.get("details"))
        for a in _list(location.get("accessibility"))
    ).lower()
    languages = [
        _text(language.get("code") or language.get("name"))
        for item in (location, *services)
        for language in _list(item.get("languages"))
    ]
    assured = [d for d in (_date(s.get("assured_date")) for s in services) if d]
    raw = {
        "source_id": organization.get("id"),
        "name": organization.get("name"),
        "description": "\n\n".join(d for d in descriptions if d),
        "street_address": ", ".join(
            p for p in (_text(address.get("address_1")), _text(address.get("address_2"))) if p
        ),
        "postcode": address.get("postal_code"),
        "city": address.get("city"),
        "phone": phones[0].get("number", "").strip('"') if phones else "",
        "email": organization.get("email")
        or next((s.get("email") for s in services if s.get("email")), ""),
        "website": organization.get("website") or organization.get("uri") or "",
        "opening_hours": "\n".join(s for s in schedules if s),
        "cost": "; ".join(map(str, costs))
        if costs
        else (min(amounts) if amounts and None not in amounts else None),
        "wheelchair_accessible": "yes"
        if re.search(r"wheelchair|rolstoel|fauteuil", accessibility)
        else "",
        "hearing_loop": "yes"
        if re.search(r"induction loop|hearing loop|ringleiding|boucle", accessibility)
        else "",
        "languages": ", ".join(languages),
        "enterprise_number": enterprise,
        "latitude": location.get("latitude"),
        "longitude": location.get("longitude"),
    }
    row = _row(label, raw, assured_on=max(assured) if assured else None)
    if len(locations) > 1:
        row.notes.append(
            _("%(count)s locations: only the first physical one is used")
            % {"count": len(locations)}
        )
    return row


# Lazily translated, for the help of the command and the upload page.
FIELD_HELP = gettext_lazy(
    "Recognised without --map: naam/nom/name, straat/rue/street with huisnummer/numéro/number "
    "(or adres/adresse/address in one column), bus/boîte/box, postcode/code postal, "
    "gemeente/commune/city, telefoon/téléphone/phone, e-mail/courriel, website/site, "
    "omschrijving/description, openingsuren/horaires/opening hours, prijs/prix/price, "
    "kansentarief/uitpas, rolstoeltoegankelijk/PMR/wheelchair accessible, ringleiding, "
    "prikkelarm, onthaalpersoon, talen/langues/languages, ondernemingsnummer/KBO/BCE, "
    "soort/type, id, lat/lon."
)
