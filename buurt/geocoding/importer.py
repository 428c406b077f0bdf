"""Streaming import of open address files into the gazetteer (Street, Address, postcodes).

address_files.py reads the rows (BeST, BAG). Memory stays bounded: rows are read one by one
and written in batches; only the street and postcode tables (thousands of rows, not
millions) are kept in memory; addresses are written by spatial.PointUpsert, on each backend
its fastest way. The whole import is one transaction: it lands entirely or not at all, and
bad rows are counted and reported with their line numbers instead. Addresses that are no
longer current are removed.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

import spatial
from buurt.models import Address, PostcodeCentroid, Street

from .address_files import FORMATS, AddressRow, ImportFileError, read_rows
from .normalise import box_key, house_key, number_part, place_keys, street_key

__all__ = ["FORMATS", "ImportFileError", "ImportReport", "addresses_import"]

BATCH_SIZE = 5000
STAGE_EVERY_ROWS = 1_000_000
MAX_REPORTED_BAD_LINES = 200
# A postcode centre computed from fewer addresses than this does not replace a shipped one.
MIN_ADDRESSES_FOR_CENTRE = 20


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    not_current: int = 0
    removed: int = 0
    bad: int = 0
    bad_lines: list[tuple[int, str]] = field(default_factory=list)
    streets: int = 0
    postcodes: int = 0
    dry_run: bool = False

    def add_bad(self, line: int, reason: str) -> None:
        self.bad += 1
        if len(self.bad_lines) < MAX_REPORTED_BAD_LINES:
            self.bad_lines.append((line, reason))


# --- reading ------------------------------------------------------------------------------


# House numbers and boxes repeat across millions of rows (1 to a few hundred, bus 1 to 4):
# their keys are worked out once each. Pure functions, so the rows are the same.
_number_part = functools.lru_cache(maxsize=100_000)(number_part)
_house_key = functools.lru_cache(maxsize=100_000)(house_key)
_box_key = functools.lru_cache(maxsize=10_000)(box_key)


# Rows of one street come together in the open files: a few thousand recent streets hit as
# often as all of them would. Full at 200,000 it held ~110 MB, a third of a 10M import's peak.
@functools.lru_cache(maxsize=16_384)
def _street_identity(postcode: str, name: str, name_alt: str) -> tuple[str, str, str]:
    key = street_key(name)
    return f"{postcode}:{key}", key, street_key(name_alt) if name_alt else ""


class Writer:
    """Upserts streets at once and addresses in batches; merges and counts at the end."""

    ADDRESS_COLUMNS = (
        "source_id",
        "street_id",
        "house_number",
        "number",
        "house_key",
        "box",
        "box_key",
        "source",
        "status",
    )

    def __init__(self, source: str):
        self.source = source
        self.street_ids: dict[str, int] = {}
        # street id -> [sum lon, sum lat, n]; postcode -> the same plus names
        self.street_sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
        self.postcodes: dict[str, dict] = {}
        self.removed = 0
        self.addresses = spatial.PointUpsert(
            connection, Address._meta.db_table, self.ADDRESS_COLUMNS
        )

    # streets
    def _street_ids(self, rows: list[AddressRow]) -> list[int]:
        new: dict[str, tuple] = {}
        for row in rows:
            uid, key, key_alt = _street_identity(row.postcode, row.street, row.street_alt)
            if uid not in self.street_ids and uid not in new:
                new[uid] = (
                    uid,
                    row.street,
                    row.street_alt,
                    row.language,
                    row.language_alt,
                    key,
                    key_alt,
                    row.postcode,
                    row.municipality,
                    row.municipality_alt,
                    place_keys(
                        row.postal_name or row.municipality, row.municipality, row.municipality_alt
                    ),
                )
        if new:
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO buurt_street (uid, name, name_alt, language, language_alt, key,"
                    " key_alt, postcode, municipality, municipality_alt, place_keys,"
                    " address_count) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0)"
                    " ON CONFLICT (uid) DO UPDATE SET name = EXCLUDED.name,"
                    " name_alt = EXCLUDED.name_alt, language = EXCLUDED.language,"
                    " language_alt = EXCLUDED.language_alt, key_alt = EXCLUDED.key_alt,"
                    " municipality = EXCLUDED.municipality,"
                    " municipality_alt = EXCLUDED.municipality_alt,"
                    " place_keys = EXCLUDED.place_keys",
                    list(new.values()),
                )
            for uid, pk in Street.objects.filter(uid__in=list(new)).values_list("uid", "pk"):
                self.street_ids[uid] = pk
        return [
            self.street_ids[_street_identity(r.postcode, r.street, r.street_alt)[0]] for r in rows
        ]

    def write(self, rows: list[AddressRow], lonlats: list[tuple[float, float]]) -> None:
        street_ids = self._street_ids(rows)
        records = []
        for row, street_id, (lon, lat) in zip(rows, street_ids, lonlats, strict=True):
            sums = self.street_sums[street_id]
            sums[0] += lon
            sums[1] += lat
            sums[2] += 1
            self._count_postcode(row, lon, lat)
            records.append(
                (
                    row.source_id,
                    street_id,
                    row.house_number[:20],
                    _number_part(row.house_number),
                    _house_key(row.house_number)[:20],
                    row.box[:20],
                    _box_key(row.box)[:20],
                    self.source,
                    row.status[:40],
                    lon,
                    lat,
                )
            )
        self.addresses.add(records)

    def _count_postcode(self, row: AddressRow, lon: float, lat: float) -> None:
        entry = self.postcodes.get(row.postcode)
        if entry is None:
            entry = self.postcodes[row.postcode] = {
                "sums": [0.0, 0.0, 0],
                "name": row.postal_name or row.municipality,
                "municipality": row.municipality,
                "municipality_alt": row.municipality_alt,
                "names": set(),
            }
        entry["sums"][0] += lon
        entry["sums"][1] += lat
        entry["sums"][2] += 1
        if row.postal_name:
            entry["names"].add(row.postal_name)

    def retire(self, source_ids: list[str]) -> None:
        """Remove addresses that are no longer current, at once (memory stays bounded)."""
        if not source_ids:
            return
        self.addresses.discard(source_ids)
        deleted = Address.objects.filter(source_id__in=source_ids).delete()[1]
        self.removed += deleted.get(Address._meta.label, 0)

    def finish(self, stage: Callable[[str], None]) -> tuple[int, int]:
        """Merge staged rows, remove retired ones, refresh streets and postcodes.

        Returns (addresses removed, streets touched).
        """
        stage(_("Writing the addresses and their indexes."))
        self.addresses.finish()
        stage(
            _("Counting the addresses of %(streets)d streets.") % {"streets": len(self.street_sums)}
        )
        self._refresh_streets()
        self._refresh_postcodes()
        return self.removed, len(self.street_sums)

    def _refresh_streets(self) -> None:
        ids = list(self.street_sums)
        point = spatial.point_from_lonlat_sql(connection)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE buurt_street SET point = {point} WHERE id = %s",
                [(s[0] / s[2], s[1] / s[2], pk) for pk, s in self.street_sums.items()],
            )
        count = (
            Address.objects.filter(street=OuterRef("pk"))
            .order_by()
            .values("street")
            .annotate(n=Count("pk"))
            .values("n")
        )
        for start in range(0, len(ids), 5000):
            Street.objects.filter(pk__in=ids[start : start + 5000]).update(
                address_count=Coalesce(Subquery(count), 0)
            )
        with connection.cursor() as cursor:
            # Fresh statistics: after a first load PostgreSQL otherwise plans with the empty
            # table's (at 10M: 137 streets expected in a postcode whose index held 7,876 rows).
            cursor.execute("ANALYZE buurt_street")

    def _refresh_postcodes(self) -> None:
        for postcode, entry in self.postcodes.items():
            lon_sum, lat_sum, n = entry["sums"]
            existing = PostcodeCentroid.objects.filter(postcode=postcode).first()
            keys = place_keys(
                entry["name"],
                entry["municipality"],
                entry["municipality_alt"],
                *sorted(entry["names"]),
            )
            if existing:
                merged = existing.place_keys.split() + [
                    k for k in keys.split() if k not in existing.place_keys.split()
                ]
                keys = " " + " ".join(merged) + " "
            PostcodeCentroid.objects.update_or_create(
                postcode=postcode,
                defaults={
                    "name": existing.name if existing else entry["name"],
                    "municipality": entry["municipality"],
                    "municipality_alt": entry["municipality_alt"]
                    or (existing.municipality_alt if existing else ""),
                    "place_keys": keys,
                    # The mean of enough address points replaces a hand-made centre.
                    "point": spatial.make_point(lat=lat_sum / n, lon=lon_sum / n)
                    if n >= MIN_ADDRESSES_FOR_CENTRE or not existing
                    else existing.point,
                    "country": "NL" if not postcode.isdigit() else "BE",
                },
            )


def addresses_import(
    path: Path,
    *,
    fmt: str,
    dry_run: bool = False,
    progress: Callable[[int], None] = lambda n: None,
    stage: Callable[[str], None] = lambda text: None,
) -> ImportReport:
    """Import an address file (see the module docstring). Raises ImportFileError before
    writing anything when the file cannot be read as `fmt`. `progress` hears the bytes read,
    `stage` a line now and then (every million rows, then each step of the end)."""
    report = ImportReport(dry_run=dry_run)
    transformers: dict[int, spatial.LonLatTransformer] = {}
    rows = read_rows(path, fmt, progress=progress)
    first = next(rows, None)  # reads the header: a wrong file fails here, before any write

    def batches():
        batch = []
        for item in [first] if first is not None else []:
            batch.append(item)
        for item in rows:
            batch.append(item)
            if len(batch) >= BATCH_SIZE:
                yield batch
                batch = []
        if batch:
            yield batch

    with transaction.atomic():
        writer = None if dry_run else Writer(source=fmt.split("-")[0])
        for batch in batches():
            good: list[AddressRow] = []
            retired: list[str] = []
            for item in batch:
                report.rows += 1
                if report.rows % STAGE_EVERY_ROWS == 0:
                    stage(_("%(rows)d rows read.") % {"rows": report.rows})
                if isinstance(item, tuple):
                    report.add_bad(*item)
                elif not item.current:
                    report.not_current += 1
                    retired.append(item.source_id)
                else:
                    good.append(item)
            placed = _reproject(good, transformers, report)
            report.imported += len(placed)
            if writer and placed:
                writer.write([r for r, _ in placed], [p for _, p in placed])
            if writer:
                writer.retire(retired)
        if writer:
            report.removed, report.streets = writer.finish(stage)
            report.postcodes = len(writer.postcodes)
    report.bad_lines.sort()
    return report


def _reproject(rows, transformers, report) -> list[tuple[AddressRow, tuple[float, float]]]:
    """(row, (lon, lat)) for rows whose coordinates land in the Benelux; others are bad."""
    by_srid: dict[int, list[AddressRow]] = defaultdict(list)
    for row in rows:
        by_srid[row.srid].append(row)
    placed = []
    for srid, group in by_srid.items():
        if srid not in transformers:
            transformers[srid] = spatial.LonLatTransformer(srid)
        lonlats = transformers[srid]([(r.x, r.y) for r in group])
        for row, (lon, lat) in zip(group, lonlats, strict=True):
            if spatial.in_benelux(lon, lat):
                placed.append((row, (lon, lat)))
            else:
                report.add_bad(
                    row.line,
                    _("coordinates outside Belgium and the Netherlands (x and y swapped?)"),
                )
    placed.sort(key=lambda item: item[0].line)
    return placed
