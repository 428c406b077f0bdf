"""Read the number of inhabitants per neighbourhood from the open files cities use.

- Statbel's population per statistical sector: a CSV/TXT (comma, semicolon, tab or "|") or
  an XLSX, one row per sector, keyed by `CD_SECTOR`, the count in `TOTAL` (or
  `MS_POPULATION` in the sector boundary files);
- CBS's wijken-en-buurten GeoPackage: layer `buurten`, keyed by `buurtcode`, the count in
  `aantal_inwoners` (negative numbers mean "kept secret").

Codes are matched exactly (after trimming spaces) against the imported neighbourhoods: a code
that matches none is reported, never guessed, and a sector is never split over areas. Each
figure keeps the file and column it came from. XLSX and GeoPackage files are read with GDAL.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .importers import ImportSourceError, _layer, _open, field_text
from .models import Neighbourhood
from .services import neighbourhoods_population_update

CODE_CANDIDATES = ("cd_sector", "buurtcode", "code")
POPULATION_CANDIDATES = ("total", "ms_population", "aantal_inwoners", "population", "inwoners")
TEXT_SUFFIXES = {".csv", ".txt"}
CSV_DELIMITERS = ",;|\t"
# Shown at the end of a report; the rest only with --verbosity 2.
SHOWN_UNKNOWN_CODES = 20


@dataclass(frozen=True)
class SkippedRow:
    number: int  # 1-based data row (the header not counted), as a person counts
    code: str
    reason: str


@dataclass
class PopulationImportResult:
    layer: str
    code_field: str
    population_field: str
    source: str
    dry_run: bool
    row_count: int = 0
    updated: int = 0
    unchanged: int = 0
    unknown_codes: list[str] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    without_figure: int = 0  # neighbourhoods the file has no figure for


# The largest figure Neighbourhood.population (a PositiveIntegerField) holds on every database.
MAX_POPULATION = 2_147_483_647


def population_import(
    *,
    path: str | Path,
    layer: str | int | None = None,
    code_field: str | None = None,
    population_field: str | None = None,
    dry_run: bool = False,
    today: date | None = None,
    progress: Callable[[Iterable, int], Iterable] | None = None,
) -> PopulationImportResult:
    """Set the population of every neighbourhood whose code is in the file, in one transaction.

    Rows whose code matches no neighbourhood are listed in `unknown_codes`; rows without a
    whole, non-negative number and repeated codes are listed in `skipped`; neither changes
    anything. Raises ImportSourceError when the file as a whole is unusable.
    """
    path = Path(path)
    layer_name, fields, rows = _table(path, layer)
    code_name = _field(fields, code_field, CODE_CANDIDATES, "--code-field", layer_name)
    population_name = _field(
        fields, population_field, POPULATION_CANDIDATES, "--population-field", layer_name
    )
    today = today or timezone.localdate()
    result = PopulationImportResult(
        layer=layer_name,
        code_field=code_name,
        population_field=population_name,
        source=f"{path.name} ({population_name}), {today.isoformat()}",
        dry_run=dry_run,
    )
    figures: dict[str, int] = {}
    seen: dict[str, int] = {}
    try:
        rows = list(rows)
    except csv.Error as error:  # a field over the csv module's limit (128 kB), a broken quote
        raise ImportSourceError(
            _("This CSV file cannot be read: %(error)s") % {"error": error}
        ) from None
    result.row_count = len(rows)
    for number, row in enumerate(progress(rows, len(rows)) if progress else rows, start=1):
        # PostgreSQL refuses a NUL in text: without it, the code is looked up like any other.
        code = field_text(row.get(code_name)).replace("\x00", "")
        if not code:
            result.skipped.append(SkippedRow(number, code, _("no code")))
            continue
        if code in seen:
            result.skipped.append(
                SkippedRow(
                    number, code, _("the same code as row %(number)s") % {"number": seen[code]}
                )
            )
            continue
        seen[code] = number
        population = _count(row.get(population_name))
        if population is None:
            result.skipped.append(
                SkippedRow(
                    number,
                    code,
                    _("%(value)r is not a number of inhabitants")
                    % {"value": field_text(row.get(population_name))},
                )
            )
            continue
        figures[code] = population

    current = dict(Neighbourhood.objects.filter(code__in=seen).values_list("code", "population"))
    result.unknown_codes = sorted(code for code in figures if code not in current)
    known = {code: figure for code, figure in figures.items() if code in current}
    result.unchanged = sum(1 for code, figure in known.items() if current[code] == figure)
    result.without_figure = Neighbourhood.objects.exclude(code__in=known).count()
    with transaction.atomic():
        result.updated = neighbourhoods_population_update(figures=known, source=result.source)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _table(path: Path, layer) -> tuple[str, list[str], Iterator[dict]]:
    """(layer name, field names, rows as dicts) of a CSV/TXT, or of any table GDAL reads."""
    if path.suffix.lower() in TEXT_SUFFIXES:
        if not path.exists():
            raise ImportSourceError(_("There is no file at %(path)s.") % {"path": path})
        text = _decode(path.read_bytes())
        try:
            dialect = csv.Sniffer().sniff(text[:65536], delimiters=CSV_DELIMITERS)
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(text.splitlines(), dialect=dialect)
        return path.stem, list(reader.fieldnames or []), iter(reader)
    source_layer = _layer(_open(path), layer)
    names = list(source_layer.fields)
    return (
        source_layer.name,
        names,
        ({name: feature.get(name) for name in names} for feature in source_layer),
    )


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as older Statbel exports are."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _field(fields: list[str], given: str | None, candidates, option: str, layer: str) -> str:
    by_lower = {name.strip().lower(): name for name in fields}
    if given:
        match = by_lower.get(given.strip().lower())
        if match is None:
            raise ImportSourceError(
                _("The field %(field)s (%(option)s) is not in %(layer)s.")
                % {"field": given, "option": option, "layer": layer}
                + " "
                + _("Fields: %(fields)s.") % {"fields": ", ".join(fields) or "-"}
            )
        return match
    for candidate in candidates:
        if candidate in by_lower:
            return by_lower[candidate]
    raise ImportSourceError(
        _("Cannot find the column in %(layer)s: name it with %(option)s.")
        % {"layer": layer, "option": option}
        + " "
        + _("Fields: %(fields)s.") % {"fields": ", ".join(fields) or "-"}
    )


def _count(value) -> int | None:
    """A whole, non-negative head count that the column holds, or None. "1.234" is not read
    as 1 or as 1234."""
    count = _whole(value)
    return count if count is not None and count <= MAX_POPULATION else None


def _whole(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    text = field_text(value).replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    if re.fullmatch(r"\d+(\.0+)?", text):
        return int(text.split(".")[0])
    return None
