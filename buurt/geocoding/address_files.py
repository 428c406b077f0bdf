"""Reading open address files row by row: BeST Address CSV (Belgium) and BAG-derived CSV
(the Netherlands), by column name. Used by importer.py; writes nothing.

- `best`: EPSG:4326_lat/lon when present, else Lambert 72 (EPSG:31370_x/_y), else Lambert 2008
  (EPSG:3812_x/_y). Status `current` is kept; other statuses are marked not current.
- `bag-csv`: postcode, huisnummer, huisletter, toevoeging, straat/openbareruimte, woonplaats,
  x/y in EPSG:28992 or lat/lon; comma or semicolon separated. Withdrawn addresses are marked
  not current.

A row that cannot be read (missing coordinates, wrong number of columns, bytes that are not
UTF-8) comes out as (line number, reason); the file goes on.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

import spatial

FORMATS = ("best", "bag-csv")
# Longest field read, in characters. csv's limit is process-wide, so it is raised only while
# this module reads a row (_field_size_limit) and restored at once: raising it for good leaked
# into every other CSV reader of the process.
FIELD_SIZE_LIMIT = 1_000_000


@contextmanager
def _field_size_limit(limit: int) -> Iterator[None]:
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


class ImportFileError(ValueError):
    """The file cannot be imported at all (unreadable, wrong columns). Nothing was written."""


class RowError(ValueError):
    """One row cannot be imported; the message says why."""


@dataclass
class AddressRow:
    line: int
    source_id: str
    street: str
    street_alt: str
    language: str
    language_alt: str
    house_number: str
    box: str
    postcode: str
    municipality: str
    municipality_alt: str
    postal_name: str
    x: float
    y: float
    srid: int
    status: str
    current: bool = True


def _number(value: str, what: str) -> float:
    try:
        number = float(value.replace(",", ".")) if value else None
    except ValueError:
        number = None
    if number is None or number != number:  # NaN
        raise RowError(_("missing or unreadable %(what)s") % {"what": what})
    return number


class BestReader:
    """BeST Address CSV rows -> AddressRow (or RowError)."""

    REQUIRED = ("address_id", "house_number", "postcode", "status")
    COORDINATES = (
        ("EPSG:4326_lon", "EPSG:4326_lat", spatial.WGS84),
        ("EPSG:31370_x", "EPSG:31370_y", spatial.LAMBERT_72),
        ("EPSG:3812_x", "EPSG:3812_y", spatial.LAMBERT_2008),
    )
    LANGUAGES = ("nl", "fr", "de")

    def __init__(self, header: list[str]):
        missing = [c for c in self.REQUIRED if c not in header]
        if not any(f"streetname_{lang}" in header for lang in self.LANGUAGES):
            missing.append("streetname_nl|fr|de")
        self.pairs = [
            (x, y, srid) for x, y, srid in self.COORDINATES if x in header and y in header
        ]
        if not self.pairs:
            missing.append("EPSG:4326_lat/lon, EPSG:31370_x/y or EPSG:3812_x/y")
        if missing:
            raise ImportFileError(
                _("This is not a BeST Address CSV: missing columns %(columns)s.")
                % {"columns": ", ".join(missing)}
            )

    def __call__(self, line: int, row: dict) -> AddressRow:
        pair = next((p for p in self.pairs if row.get(p[0]) and row.get(p[1])), None)
        if pair is None:
            raise RowError(_("no coordinates"))
        x_column, y_column, srid = pair
        x, y = _number(row[x_column], x_column), _number(row[y_column], y_column)
        names = [
            (
                lang,
                row.get(f"streetname_{lang}", "").strip(),
                row.get(f"municipality_name_{lang}", "").strip(),
            )
            for lang in self.LANGUAGES
        ]
        names = [n for n in names if n[1]]
        if not names:
            raise RowError(_("no street name"))
        number = row["house_number"].strip()
        if not number:
            raise RowError(_("no house number"))
        postcode = row["postcode"].strip()
        if not postcode:
            raise RowError(_("no postcode"))
        (language, street, municipality), *others = names
        alt = others[0] if others else ("", "", "")
        if not municipality:
            municipality = next(
                (
                    row.get(f"municipality_name_{lang}", "").strip()
                    for lang in self.LANGUAGES
                    if row.get(f"municipality_name_{lang}")
                ),
                "",
            )
        region = row.get("region_code", "").strip()
        status = row["status"].strip().lower()
        return AddressRow(
            line=line,
            source_id=f"best:{region + ':' if region else ''}{row['address_id'].strip()}",
            street=street,
            street_alt=alt[1],
            language=language,
            language_alt=alt[0],
            house_number=number,
            box=row.get("box_number", "").strip(),
            postcode=postcode,
            municipality=municipality,
            municipality_alt=alt[2] if alt[2] != municipality else "",
            postal_name=(
                row.get(f"postname_{language}")
                or row.get("postname_nl")
                or row.get("postname_fr")
                or ""
            ).strip(),
            x=x,
            y=y,
            srid=srid,
            status=status,
            current=status == "current",
        )


class BagReader:
    """Rows of a BAG-derived CSV -> AddressRow (or RowError)."""

    ALIASES = {
        "street": ("straat", "openbareruimte", "openbare_ruimte", "straatnaam"),
        "number": ("huisnummer",),
        "letter": ("huisletter",),
        "addition": ("toevoeging", "huisnummertoevoeging"),
        "postcode": ("postcode",),
        "town": ("woonplaats", "plaats"),
        "municipality": ("gemeente",),
        "id": ("nummeraanduiding", "nummeraanduiding_id", "identificatie", "id"),
        "status": ("status", "nummeraanduidingstatus", "verblijfsobjectstatus"),
        "x": ("x", "rd_x"),
        "y": ("y", "rd_y"),
        "lat": ("lat", "latitude"),
        "lon": ("lon", "lng", "longitude"),
    }
    RETIRED = ("ingetrokken", "niet gerealiseerd", "gesloopt", "ten onrechte")

    def __init__(self, header: list[str]):
        lower = {h.lower().strip(): h for h in header}
        self.columns = {
            name: next((lower[a] for a in aliases if a in lower), None)
            for name, aliases in self.ALIASES.items()
        }
        missing = [n for n in ("street", "number", "postcode", "town") if not self.columns[n]]
        has_rd = self.columns["x"] and self.columns["y"]
        has_ll = self.columns["lat"] and self.columns["lon"]
        if not (has_rd or has_ll):
            missing.append("x/y or lat/lon")
        if missing:
            raise ImportFileError(
                _("This is not a BAG address CSV: missing columns %(columns)s.")
                % {"columns": ", ".join(missing)}
            )

    def get(self, row: dict, name: str) -> str:
        column = self.columns[name]
        return (row.get(column) or "").strip() if column else ""

    def __call__(self, line: int, row: dict) -> AddressRow:
        if self.get(row, "lat") and self.get(row, "lon"):
            x, y, srid = (
                _number(self.get(row, "lon"), "lon"),
                _number(self.get(row, "lat"), "lat"),
                spatial.WGS84,
            )
        elif self.get(row, "x") and self.get(row, "y"):
            x, y, srid = (
                _number(self.get(row, "x"), "x"),
                _number(self.get(row, "y"), "y"),
                spatial.RD_NEW,
            )
        else:
            raise RowError(_("no coordinates"))
        street, number = self.get(row, "street"), self.get(row, "number")
        if not street or not number:
            raise RowError(_("no street or house number"))
        postcode = re.sub(r"\s+", "", self.get(row, "postcode")).upper()
        letter, addition = self.get(row, "letter"), self.get(row, "addition")
        status = self.get(row, "status").lower()
        town = self.get(row, "town")
        municipality = self.get(row, "municipality")
        source_id = self.get(row, "id") or f"{postcode}:{number}{letter}-{addition}"
        return AddressRow(
            line=line,
            source_id=f"bag:{source_id}",
            street=street,
            street_alt="",
            language="nl",
            language_alt="",
            house_number=f"{number}{letter}",
            box=addition,
            postcode=postcode,
            municipality=town,
            municipality_alt=municipality if municipality != town else "",
            postal_name=town,
            x=x,
            y=y,
            srid=srid,
            status=status,
            current=not any(word in status for word in self.RETIRED),
        )


READERS = {"best": BestReader, "bag-csv": BagReader}


def _lines(handle, progress) -> Iterator[str]:
    pending = 0
    for text in handle:
        pending += len(text)
        if pending > 1 << 20:
            progress(pending)
            pending = 0
        yield text
    progress(pending)


def read_rows(
    path: Path, fmt: str, *, progress: Callable[[int], None] = lambda n: None
) -> Iterator[AddressRow | tuple[int, str]]:
    """AddressRow for each good row and (line, reason) for each bad one, streaming."""
    if fmt not in READERS:
        raise ImportFileError(_("Unknown format %(format)s.") % {"format": fmt})
    try:
        with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            yield from _read_open(handle, READERS[fmt], progress)
    except OSError as exc:
        raise ImportFileError(str(exc)) from exc


def _read_open(handle, reader_class, progress) -> Iterator[AddressRow | tuple[int, str]]:
    """Rows of an open file: the header first, then one item per data row."""
    first = handle.readline()
    delimiter = ";" if first.count(";") > first.count(",") else ","
    with _field_size_limit(FIELD_SIZE_LIMIT):
        header = next(csv.reader([first], delimiter=delimiter), [])
    header = [h.strip() for h in header]
    reader_for = reader_class(header)
    rows = csv.reader(_lines(handle, progress), delimiter=delimiter)
    line = 1
    while True:
        try:
            # Set and restored around each row: the caller runs between two rows.
            with _field_size_limit(FIELD_SIZE_LIMIT):
                values = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            line = rows.line_num + 1
            yield line, _("unreadable CSV: %(error)s") % {"error": exc}
            continue
        line = rows.line_num + 1  # +1 for the header read before the reader
        if not values or values == [""]:
            continue
        if len(values) != len(header):
            yield (
                line,
                _("expected %(expected)d columns, found %(found)d")
                % {
                    "expected": len(header),
                    "found": len(values),
                },
            )
            continue
        try:
            "\x1f".join(values).encode("utf-8")
        except UnicodeEncodeError:
            yield line, _("not valid UTF-8 text")
            continue
        try:
            yield reader_for(line, dict(zip(header, values, strict=True)))
        except RowError as exc:
            yield line, str(exc)


# --- writing ------------------------------------------------------------------------------
