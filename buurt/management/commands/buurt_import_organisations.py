import sys

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from buurt.organisation_files import (
    FIELD_HELP,
    ImportFileError,
    parse_mapping,
    read_organisation_file,
)
from buurt.organisation_import import DEFAULT_SOURCE_LABEL, organisations_import
from core.commands import HelpfulCommand


class Command(HelpfulCommand):
    help = (
        gettext_lazy(
            "Load a list of associations: a spreadsheet saved as CSV (comma or semicolon; UTF-8 or "
            "what Excel writes on a Belgian or Dutch PC), an Excel file (.xlsx), or an HSDS 3.0 "
            "JSON file (Open Referral organizations with their services and locations).\n\n"
            "Rows without a name, or without a place (no valid postcode and no coordinates), are "
            "listed with their line number and the reason, and skipped. A row that looks like a "
            "listing already on the map (same enterprise number or website, or a similar name in "
            "the same postcode or nearby) is not created: it is listed as a possible duplicate "
            "with the existing listing's name, for you to decide. New listings wait for a "
            "moderator unless you add --publish, and are placed on the map from their address in "
            "the background. Loading the same file again changes nothing.\n\n"
        )
        + FIELD_HELP
    )
    examples = gettext_lazy(
        "Examples:\n"
        "  python manage.py buurt_import_organisations verenigingen.csv --dry-run\n"
        '  python manage.py buurt_import_organisations verenigingen.xlsx --map "Naam vzw=name" '
        "--map Opmerking=-\n"
        "  python manage.py buurt_import_organisations hsds.json --source gent --publish"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The list: .csv, .xlsx or .json (HSDS 3.0)."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Read and check everything and print the same report; save nothing."),
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=field",
            help=_(
                "Which field a column holds, when its name is not recognised; - leaves a "
                "column out. Repeat for more columns."
            ),
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help=_("Publish new listings at once instead of waiting for a moderator."),
        )
        parser.add_argument(
            "--source",
            default=DEFAULT_SOURCE_LABEL,
            help=_(
                "A short name for this list (default: %(default)s). Rows are matched by their "
                "id within it: give each municipality's list its own name when their ids may "
                "repeat."
            ),
        )
        parser.add_argument(
            "--no-progress", action="store_true", help=_("Do not show a progress bar.")
        )

    def handle(self, *args, file, dry_run, map, publish, source, no_progress, **options):
        try:
            parsed = read_organisation_file(file, mapping=parse_mapping(map))
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("%(format)s, %(rows)d rows.")
            % {"format": parsed.format_label, "rows": len(parsed.rows)}
            + (f" {parsed.details}." if parsed.details else "")
        )
        if parsed.columns:
            self.stdout.write(
                _("Columns read: %(columns)s.")
                % {"columns": ", ".join(f"{c} → {f}" for c, f in parsed.columns.items())}
            )
        if parsed.unused_columns:
            self.stdout.write(
                _("Columns not read (name them with --map): %(columns)s.")
                % {"columns": ", ".join(parsed.unused_columns)}
            )

        def progress(rows, total):
            return tqdm(
                rows, total=total, unit=_("rows"), file=sys.stderr, disable=no_progress or None
            )

        report = organisations_import(
            source=parsed, source_label=source, dry_run=dry_run, publish=publish, progress=progress
        )
        for row in report.bad:
            reason = row.detail + (f" ({'; '.join(row.notes)})" if row.notes else "")
            self.stdout.write(
                _("bad row, %(row)s: %(reason)s") % {"row": row.label, "reason": reason}
            )
        for row in report.duplicates:
            self.stdout.write(
                _("possible duplicate, %(row)s: %(name)s looks like %(existing)s")
                % {"row": row.label, "name": row.name, "existing": row.detail}
            )
        for row in report.noted:
            self.stdout.write(
                _("note, %(row)s (%(name)s): %(notes)s")
                % {"row": row.label, "name": row.name, "notes": "; ".join(row.notes)}
            )
        self.stdout.write(report.summary())
        if report.waiting_ids:
            self.stdout.write(_("The new listings wait for a moderator in the moderation queue."))
