import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from activities.uit import count_events, events_import
from core.commands import HelpfulCommand


class Command(HelpfulCommand):
    help = gettext_lazy(
        "Import events from UiTdatabank (search API v3 JSON-LD) as activities. Give one file "
        "or a folder of .json files: a single event, a list, or a search result with "
        '"member". Each event goes to the organisation with the organizer\'s name, or to a '
        "new one that waits for a moderator. Running it again updates the same events (by "
        "their @id). Events that cannot be shown are skipped and listed with the reason."
    )
    examples = gettext_lazy(
        "Examples:\n"
        "  python manage.py activities_import_uit export.json\n"
        "  python manage.py activities_import_uit exports/ --dry-run"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("A JSON file or a folder of JSON files."))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Read and check the events; save nothing.")
        )
        parser.add_argument(
            "--no-progress", action="store_true", help=_("Do not show a progress bar.")
        )

    def handle(self, *args, path, dry_run, no_progress, **options):
        path = Path(path)
        if not path.exists():
            raise CommandError(_("%(path)s does not exist.") % {"path": path})
        bar = tqdm(
            total=count_events(path),
            unit=_("events"),
            file=sys.stderr,
            disable=no_progress or None,
            desc=path.name,
        )
        with bar:
            report = events_import(path, dry_run=dry_run, progress=bar.update)
        for source, reason in report.skipped:
            self.stderr.write(
                _("skipped %(item)s: %(reason)s") % {"item": source, "reason": reason}
            )
        for source, warning in report.warnings:
            self.stderr.write(_("note %(item)s: %(reason)s") % {"item": source, "reason": warning})
        summary = _(
            "%(created)d activities created, %(updated)d updated, %(skipped)d skipped, "
            "%(organisations)d new organisations waiting for a moderator."
        ) % {
            "created": report.created,
            "updated": report.updated,
            "skipped": len(report.skipped),
            "organisations": report.organisations_created,
        }
        if dry_run:
            summary += " " + _("Dry run: nothing was saved.")
        self.stdout.write(summary)
