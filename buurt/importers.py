"""Read neighbourhood boundaries from GIS files into Neighbourhood rows.

Any polygon layer GDAL can read (GeoPackage, Shapefile, GeoJSON) works. The two official
sources need no options: Statbel statistical sectors (Belgium, EPSG:31370) and CBS
wijken-en-buurten (the Netherlands, EPSG:28992). Reprojection and repair happen in
spatial; every write goes through buurt.services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.gdal import DataSource
from django.contrib.gis.gdal.error import GDALException
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

import spatial

from .services import neighbourhood_upsert, organisations_relocate

# Field names of the official files, first match wins: Statbel, CBS, then plain English.
FIELD_CANDIDATES = {
    "code": ("cd_sector", "buurtcode", "code"),
    "name": ("tx_sector_descr_nl", "buurtnaam", "name", "naam"),
    "municipality_code": ("cd_munty_refnis", "gemeentecode", "municipality_code"),
    "municipality_name": (
        "tx_munty_descr_nl",
        "gemeentenaam",
        "municipality_name",
        "municipality",
    ),
    "population": ("ms_population", "aantal_inwoners", "population", "inwoners"),
}
REQUIRED_FIELDS = ("code", "name", "municipality_code")
# The command-line option that names each field, for error messages.
FIELD_OPTIONS = {
    "code": "--code-field",
    "name": "--name-field",
    "municipality_code": "--municipality-field",
    "municipality_name": "--municipality-name-field",
    "population": "--population-field",
}
# A dBase (Shapefile) field name has at most 10 characters: "tx_sector_descr_nl" is stored
# as "tx_sector_".
DBF_NAME_LENGTH = 10


class ImportSourceError(ValueError):
    """The file cannot be imported at all (unreadable, no such layer, missing field, no SRS).

    The message is meant for the coordinator who runs the import.
    """


@dataclass(frozen=True)
class SkippedFeature:
    number: int  # 1-based position in the layer, as a person counts
    code: str
    reason: str


@dataclass
class ImportResult:
    layer: str
    feature_count: int
    source_srs: str
    fields: dict[str, str | None]  # role ("code", "name", ...) -> field in the file
    dry_run: bool
    created: int = 0
    updated: int = 0
    skipped: list[SkippedFeature] = field(default_factory=list)
    relocated: int | None = None  # organisations that changed neighbourhood; None when dry


def neighbourhoods_import(
    *,
    path: str | Path,
    layer: str | int | None = None,
    code_field: str | None = None,
    name_field: str | None = None,
    municipality_field: str | None = None,
    municipality_name_field: str | None = None,
    population_field: str | None = None,
    srid: int | None = None,
    dry_run: bool = False,
    progress: Callable[[Iterable, int], Iterable] | None = None,
) -> ImportResult:
    """Create or update a neighbourhood per feature, matched by code, in one transaction.

    Features without a code or a usable geometry are skipped and reported, never fatal. After
    a real import every organisation's neighbourhood is derived again; a dry run validates
    everything the same way and then rolls back. `progress(features, total)` may wrap the
    iteration (a progress bar). Raises ImportSourceError when the file as a whole is unusable.
    """
    data_source = _open(path)
    source_layer = _layer(data_source, layer)
    fields = _fields(
        source_layer,
        {
            "code": code_field,
            "name": name_field,
            "municipality_code": municipality_field,
            "municipality_name": municipality_name_field,
            "population": population_field,
        },
        data_source=data_source,
    )
    try:
        extent = source_layer.extent.tuple
    except GDALException:
        extent = None  # an empty layer, or one without geometries
    try:
        srs = spatial.source_srs(source_layer.srs, srid=srid, extent=extent)
    except spatial.SpatialInputError as exc:
        raise ImportSourceError(
            _("%(problem)s Use --srid, e.g. --srid 31370 (Belgian Lambert 72) or 28992 (Dutch RD).")
            % {"problem": exc}
        ) from exc

    result = ImportResult(
        layer=source_layer.name,
        feature_count=len(source_layer),
        source_srs=_describe(srs),
        fields=fields,
        dry_run=dry_run,
    )
    features = progress(source_layer, result.feature_count) if progress else source_layer
    seen: dict[str, int] = {}
    source = f"{Path(path).name} ({fields['population']})" if fields["population"] else ""
    with transaction.atomic():
        for number, feature in enumerate(features, start=1):
            code = field_text(feature.get(fields["code"]))
            try:
                created = _import_feature(
                    feature, code=code, fields=fields, srs=srs, seen=seen, source=source
                )
            except _Skip as skip:
                result.skipped.append(SkippedFeature(number=number, code=code, reason=str(skip)))
                continue
            seen[code] = number
            if created:
                result.created += 1
            else:
                result.updated += 1
        if dry_run:
            transaction.set_rollback(True)
        else:
            result.relocated = organisations_relocate()
    return result


class _Skip(Exception):
    """This feature cannot be imported; the message says why."""


def _import_feature(feature, *, code, fields, srs, seen, source) -> bool:
    """Create or update the neighbourhood of one feature; True when created. Raises _Skip."""
    if not code:
        raise _Skip(_("no code"))
    if code in seen:
        raise _Skip(_("the same code as feature %(number)s") % {"number": seen[code]})
    try:
        geometry = feature.geom
    except GDALException:
        raise _Skip(_("no geometry")) from None
    # An --srid override replaces what the file says; otherwise this is the layer's own SRS.
    geometry.srs = srs
    municipality_code = field_text(feature.get(fields["municipality_code"]))
    municipality_name = _optional(feature, fields["municipality_name"], field_text)
    # Without a population column, a figure imported before (buurt_import_population) stays.
    population = (
        {
            "population": _population(feature.get(fields["population"])),
            "population_source": source,
            "population_is_demo": False,
        }
        if fields["population"]
        else {}
    )
    try:
        _neighbourhood, created = neighbourhood_upsert(
            code=code,
            name=field_text(feature.get(fields["name"])),
            municipality_code=municipality_code,
            # Without a municipality name the code still tells municipalities apart.
            municipality_name=municipality_name or municipality_code,
            **population,
            boundary=spatial.to_wgs84_multipolygon(geometry),
            is_approximate=False,
        )
    except spatial.SpatialInputError as exc:
        raise _Skip(str(exc)) from exc
    except ValidationError as exc:
        raise _Skip(
            "; ".join(f"{name}: {' '.join(errors)}" for name, errors in exc.message_dict.items())
        ) from exc
    except (DatabaseError, GDALException) as exc:
        # neighbourhood_upsert runs in its own savepoint, so the import can go on.
        raise _Skip(str(exc).strip()) from exc
    return created


def _optional(feature, field_name: str | None, convert):
    return convert(feature.get(field_name)) if field_name else convert(None)


def _open(path) -> DataSource:
    path = Path(path)
    if not path.exists():
        raise ImportSourceError(_("There is no file at %(path)s.") % {"path": path})
    try:
        return DataSource(str(path))
    except GDALException as exc:
        raise ImportSourceError(
            _("%(path)s is not a GIS file GDAL can read (GeoPackage, Shapefile, GeoJSON).")
            % {"path": path}
        ) from exc


def _layer(data_source: DataSource, wanted: str | int | None):
    names = [layer.name for layer in data_source]
    if wanted is None or wanted == "":
        wanted = 0
    elif str(wanted) in names:
        wanted = str(wanted)
    elif str(wanted).isdigit():
        wanted = int(wanted)
    try:
        return data_source[wanted]
    except (IndexError, GDALException):
        raise ImportSourceError(
            _("The file has no layer %(layer)s. Its layers: %(names)s.")
            % {"layer": wanted, "names": ", ".join(names) or "-"}
        ) from None


def _fields(layer, given: dict[str, str | None], *, data_source) -> dict[str, str | None]:
    """Map each role to a field of the layer: the given name, else a known official name."""
    available = layer.fields
    by_lower = {name.lower(): name for name in available}
    found: dict[str, str | None] = {}
    for role, name in given.items():
        if name:
            match = by_lower.get(name.lower())
            if match is None:
                raise ImportSourceError(
                    _("The field %(field)s (%(option)s) is not in layer %(layer)s.")
                    % {"field": name, "option": FIELD_OPTIONS[role], "layer": layer.name}
                    + " "
                    + _available(available, data_source)
                )
        else:
            match = next(filter(None, (_known(by_lower, c) for c in FIELD_CANDIDATES[role])), None)
            if match is None and role in REQUIRED_FIELDS:
                raise ImportSourceError(
                    _("Cannot find the %(role)s field in layer %(layer)s: name it with %(option)s.")
                    % {
                        "role": role.replace("_", " "),
                        "layer": layer.name,
                        "option": FIELD_OPTIONS[role],
                    }
                    + " "
                    + _available(available, data_source)
                )
        found[role] = match
    return found


def _known(by_lower: dict[str, str], candidate: str) -> str | None:
    return by_lower.get(candidate) or by_lower.get(candidate[:DBF_NAME_LENGTH])


def _available(fields: list[str], data_source: DataSource) -> str:
    text = _("Fields in this layer: %(fields)s.") % {"fields": ", ".join(fields) or "-"}
    if data_source.layer_count > 1:
        text += " " + _("Other layers, for --layer: %(layers)s.") % {
            "layers": ", ".join(layer.name for layer in data_source)
        }
    return text


def _describe(srs) -> str:
    return f"EPSG:{srs.srid} {srs.name}" if srs.srid else srs.name


def field_text(value) -> str:
    """A field value as trimmed text; a whole float (44021.0 from a dBase number or a
    spreadsheet cell) as 44021."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _population(value) -> int | None:
    """A head count, or None when unknown: CBS writes negative codes (-99999997) for secret."""
    try:
        number = int(float(value))
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number >= 0 else None
