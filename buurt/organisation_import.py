"""Load a municipality's list of associations (read by buurt.organisation_files).

Each row is, in this order:
- bad: no name, or no usable place (no valid postcode and no coordinates): reported with its
  line number and the reason, skipped;
- matched by the source's id (stored as "<source label>:<id>" in Organisation.source_id):
  updated when the list says something else, unchanged otherwise;
- like an existing listing (buurt.selectors.organisation_duplicates: the same enterprise
  number or website, a similar name in the same postcode or within 300 m): a row without an
  id that says exactly what that listing says is unchanged (it was loaded before); otherwise a
  possible duplicate, reported with the existing listing's name and not created;
- new: created as confirmed by the import today (or on the HSDS assured_date), waiting for a
  moderator unless `publish`, and placed on the map from its address after the commit
  (buurt.services.organisation_save) when the row has no coordinates.
Running the same list again changes nothing. A dry run does all of it and rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import spatial
from core.moderation import ModerationState

from .models import Language, Organisation
from .organisation_files import SourceFile, SourceRow
from .selectors import organisation_duplicates
from .services import organisation_insert, organisation_save

NEW, UPDATED, UNCHANGED, DUPLICATE, BAD = "new", "updated", "unchanged", "duplicate", "bad"
DEFAULT_SOURCE_LABEL = "list"
# Two points closer than this (about 1 m in degrees) are the same place.
SAME_POINT_DEGREES = 1e-5


@dataclass
class RowResult:
    label: str  # "line 7", "record 2"
    name: str
    outcome: str  # NEW, UPDATED, UNCHANGED, DUPLICATE or BAD
    detail: str = ""  # why it is bad, or which listings it looks like
    notes: list[str] = field(default_factory=list)
    organisation_id: int | None = None


@dataclass
class OrganisationImportReport:
    source: SourceFile
    dry_run: bool
    publish: bool
    results: list[RowResult] = field(default_factory=list)

    def _with(self, outcome: str) -> list[RowResult]:
        return [r for r in self.results if r.outcome == outcome]

    @property
    def new(self) -> list[RowResult]:
        return self._with(NEW)

    @property
    def updated(self) -> list[RowResult]:
        return self._with(UPDATED)

    @property
    def unchanged(self) -> list[RowResult]:
        return self._with(UNCHANGED)

    @property
    def duplicates(self) -> list[RowResult]:
        return self._with(DUPLICATE)

    @property
    def bad(self) -> list[RowResult]:
        return self._with(BAD)

    @property
    def noted(self) -> list[RowResult]:
        return [r for r in self.results if r.notes and r.outcome != BAD]

    @property
    def waiting_ids(self) -> list[int]:
        """New listings that wait for a moderator (not published at once)."""
        if self.publish or self.dry_run:
            return []
        return [r.organisation_id for r in self.new if r.organisation_id]

    def summary(self) -> str:
        text = _(
            "%(new)d new, %(updated)d updated, %(unchanged)d unchanged, %(duplicates)d possible "
            "duplicates, %(bad)d bad rows."
        ) % {
            "new": len(self.new),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "duplicates": len(self.duplicates),
            "bad": len(self.bad),
        }
        if self.dry_run:
            text += " " + _("Dry run: nothing was saved.")
        return text


class _Bad(Exception):
    """The row cannot be saved; the message says why."""


def organisations_import(
    *,
    source: SourceFile,
    source_label: str = DEFAULT_SOURCE_LABEL,
    dry_run: bool = False,
    publish: bool = False,
    progress: Callable[[Iterable, int], Iterable] | None = None,
) -> OrganisationImportReport:
    """Import the rows of `source` in one transaction (rolled back for a dry run)."""
    report = OrganisationImportReport(source=source, dry_run=dry_run, publish=publish)
    known_languages = set(Language.objects.values_list("code", flat=True))
    rows: Iterable[SourceRow] = source.rows
    if progress:
        rows = progress(rows, len(source.rows))
    with transaction.atomic():
        for row in rows:
            report.results.append(
                _import_row(row, source_label=source_label, publish=publish, known=known_languages)
            )
        if dry_run:
            transaction.set_rollback(True)
    return report


def _import_row(row: SourceRow, *, source_label: str, publish: bool, known: set[str]) -> RowResult:
    result = RowResult(label=row.label, name=row.name, outcome=BAD, notes=list(row.notes))
    if row.problems:
        result.detail = "; ".join(row.problems)
        return result
    unknown = [code for code in row.languages if code not in known]
    if unknown:
        result.notes.append(
            _("languages not known here: %(codes)s") % {"codes": ", ".join(unknown)}
        )
    languages = [code for code in row.languages if code in known]
    point = (
        spatial.make_point(lat=row.latitude, lon=row.longitude)
        if row.latitude is not None and row.longitude is not None
        else None
    )
    key = f"{source_label}:{row.source_id}" if row.source_id else ""
    try:
        with transaction.atomic():
            existing = Organisation.objects.filter(source_id=key).first() if key else None
            if existing is not None:
                result.organisation_id = existing.pk
                if not _differs(existing, row, point, languages):
                    result.outcome = UNCHANGED
                    return result
                _save(existing, row, point, languages)
                result.outcome = UPDATED
                return result
            matches = organisation_duplicates(
                name=row.name,
                postcode=row.values["postcode"],
                point=point,
                enterprise_number=row.values["enterprise_number"],
                website=row.values["website"],
            )
            same = next(
                (
                    m.organisation
                    for m in matches
                    if not _differs(m.organisation, row, point, languages)
                ),
                None,
            )
            if same is not None and not key:
                result.outcome, result.organisation_id = UNCHANGED, same.pk
                return result
            if matches:
                result.outcome = DUPLICATE
                result.detail = "; ".join(
                    f"{m.organisation.name} ({', '.join(m.reason_labels)})" for m in matches[:3]
                )
                return result
            organisation = Organisation(
                source_id=key,
                status=Organisation.Status.PUBLISHED,
                moderation_state=ModerationState.APPROVED if publish else ModerationState.PENDING,
            )
            organisation_insert(
                organisation=organisation,
                name=row.name,
                insert=lambda: _save(organisation, row, point, languages),
            )
            result.outcome, result.organisation_id = NEW, organisation.pk
            return result
    except ValidationError as error:
        result.detail = "; ".join(
            f"{name}: {' '.join(errors)}" if name != "__all__" else " ".join(errors)
            for name, errors in error.message_dict.items()
        )
    except DatabaseError as error:
        result.detail = str(error).strip()
    return result


def _differs(organisation: Organisation, row: SourceRow, point, languages: list[str]) -> bool:
    """Whether saving the row would change the listing (what the row says, nothing else)."""
    if any(getattr(organisation, name) != value for name, value in row.values.items()):
        return True
    if point is not None and (
        organisation.point is None
        or abs(organisation.point.x - point.x) > SAME_POINT_DEGREES
        or abs(organisation.point.y - point.y) > SAME_POINT_DEGREES
    ):
        return True
    if languages:
        return set(organisation.languages.values_list("code", flat=True)) != set(languages)
    return False


def _save(organisation: Organisation, row: SourceRow, point, languages: list[str]) -> None:
    for name, value in row.values.items():
        setattr(organisation, name, value)
    if point is not None:
        organisation.point = point
    # The list vouches for the listing as it is now: confirmed by the import.
    organisation.assured_on = row.assured_on or timezone.localdate()
    organisation.assurer = Organisation.Assurer.IMPORT
    organisation_save(organisation=organisation, languages=languages or None)
