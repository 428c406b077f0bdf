import os
import sys
import time
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from buurt.geocoding.importer import FORMATS, ImportFileError, addresses_import
from core.commands import HelpfulCommand


class Command(HelpfulCommand):
    help = gettext_lazy(
        "Import an open address file into the local address search: BeST Address CSV "
        "(Belgium) or a CSV derived from the Dutch BAG. Running it again updates the same "
        "addresses instead of adding them twice. Bad rows are skipped and listed with their "
        "line numbers; everything else is saved in one go, or nothing with --dry-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("The CSV file to import."))
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default="best",
            help=_("best: BeST Address CSV (BOSA); bag-csv: a BAG-derived CSV."),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Read and check the file; save nothing.")
        )
        parser.add_argument(
            "--no-progress", action="store_true", help=_("Do not show a progress bar.")
        )

    def handle(self, *args, path, format, dry_run, no_progress, **options):
        path = Path(path)
        if not path.is_file():
            raise CommandError(_("%(path)s is not a file.") % {"path": path})
        bar = tqdm(
            total=os.path.getsize(path),
            unit="B",
            unit_scale=True,
            file=sys.stderr,
            disable=no_progress or None,
            desc=path.name,
        )
        started = time.monotonic()

        def stage(text: str) -> None:
            # What the bar cannot show: the rows read when it is off, and the long end of a
            # large import (merging, indexes, street counts).
            if options["verbosity"] < 1:
                return
            line = f"{time.monotonic() - started:7.1f} s  {text}"
            if bar.disable:
                self.stderr.write(line)
            else:
                bar.write(line, file=sys.stderr)  # above the bar, which stays at the bottom

        try:
            with bar:
                report = addresses_import(
                    path, fmt=format, dry_run=dry_run, progress=bar.update, stage=stage
                )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc

        for line, reason in report.bad_lines:
            self.stderr.write(_("line %(line)d: %(reason)s") % {"line": line, "reason": reason})
        if report.bad > len(report.bad_lines):
            self.stderr.write(
                _("… and %(more)d more bad rows.") % {"more": report.bad - len(report.bad_lines)}
            )
        summary = _(
            "%(rows)d rows: %(imported)d addresses, %(not_current)d not current, "
            "%(bad)d bad; %(removed)d removed, %(streets)d streets, %(postcodes)d postcodes."
        ) % {
            "rows": report.rows,
            "imported": report.imported,
            "not_current": report.not_current,
            "bad": report.bad,
            "removed": report.removed,
            "streets": report.streets,
            "postcodes": report.postcodes,
        }
        if dry_run:
            summary = _("Dry run, nothing saved. ") + summary
        self.stdout.write(summary)
