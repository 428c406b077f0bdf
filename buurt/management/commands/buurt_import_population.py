import sys

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from buurt.importers import ImportSourceError
from buurt.population import SHOWN_UNKNOWN_CODES, population_import
from core.commands import HelpfulCommand

EXAMPLES = gettext_lazy(
    """examples:
  Check Statbel's population per statistical sector first, without saving anything:
    python manage.py buurt_import_population OPENDATA_SECTOREN_2024.csv --dry-run

  The buurten of a CBS GeoPackage (aantal_inwoners per buurtcode):
    python manage.py buurt_import_population wijkenbuurten_2024.gpkg --layer buurten

  A spreadsheet of the city's own wijken:
    python manage.py buurt_import_population wijken.xlsx --code-field WIJKCODE \\
        --population-field INWONERS"""
)


class Command(HelpfulCommand):
    examples = EXAMPLES

    help = gettext_lazy(
        """Set the number of inhabitants of the neighbourhoods from an open data file.

Reads Statbel's population per statistical sector (CSV, TXT or XLSX, keyed by CD_SECTOR,
the count in TOTAL) and CBS's wijken-en-buurten GeoPackage (layer buurten, keyed by
buurtcode, the count in aantal_inwoners) without options; for other files, say which column
holds the code and which the count. Import the neighbourhoods first
(buurt_import_neighbourhoods): the codes must be the same.

A code that matches no neighbourhood is reported and left out, never guessed; a row
without a whole number is reported too. Running the import again updates the figures. Each
figure keeps the name of its file and column, shown with it. Either everything is saved or
nothing; with --dry-run nothing is saved."""
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("The file to read: .csv, .txt, .xlsx or .gpkg."))
        parser.add_argument(
            "--layer",
            help=_(
                "Which sheet or layer to read, by name or by number (0 is the first). "
                "Default: the first. A CBS GeoPackage has several: use --layer buurten."
            ),
        )
        parser.add_argument(
            "--code-field",
            help=_(
                "Column with the neighbourhood code. Default: CD_SECTOR (Statbel) or "
                "buurtcode (CBS)."
            ),
        )
        parser.add_argument(
            "--population-field",
            help=_(
                "Column with the number of inhabitants. Default: TOTAL or MS_POPULATION "
                "(Statbel) or aantal_inwoners (CBS)."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Read and check everything, report what would happen, but save nothing."),
        )

    def handle(self, *args, **options):
        stream = options.get("stderr") or sys.stderr

        def progress(rows, total):
            return tqdm(
                rows, total=total, file=stream, unit=_("rows"), disable=options["verbosity"] == 0
            )

        try:
            result = population_import(
                path=options["path"],
                layer=options["layer"],
                code_field=options["code_field"],
                population_field=options["population_field"],
                dry_run=options["dry_run"],
                progress=progress,
            )
        except ImportSourceError as exc:
            raise CommandError(str(exc)) from exc

        verbosity = options["verbosity"]
        if verbosity >= 1:
            self.stdout.write(
                _('Read "%(layer)s": code in %(code)s, inhabitants in %(population)s.')
                % {
                    "layer": result.layer,
                    "code": result.code_field,
                    "population": result.population_field,
                }
            )
            for skipped in result.skipped:
                self.stdout.write(
                    self.style.WARNING(
                        _("Skipped row %(number)s (code %(code)s): %(reason)s") % vars(skipped)
                    )
                )
        if result.unknown_codes:
            shown = (
                result.unknown_codes
                if verbosity >= 2
                else result.unknown_codes[:SHOWN_UNKNOWN_CODES]
            )
            more = len(result.unknown_codes) - len(shown)
            self.stdout.write(
                self.style.WARNING(
                    _("%(count)s codes match no neighbourhood and were left out: %(codes)s")
                    % {"count": len(result.unknown_codes), "codes": ", ".join(shown)}
                    + (
                        " " + _("and %(more)s more (all with --verbosity 2).") % {"more": more}
                        if more
                        else ""
                    )
                )
            )
        summary = _(
            "Updated %(updated)s neighbourhoods (%(unchanged)s with the same figure as before) "
            "from %(rows)s rows; %(unknown)s unknown codes, %(skipped)s rows skipped; "
            "%(without)s neighbourhoods have no figure in this file."
        ) % {
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rows": result.row_count,
            "unknown": len(result.unknown_codes),
            "skipped": len(result.skipped),
            "without": result.without_figure,
        }
        problems = result.unknown_codes or result.skipped
        self.stdout.write((self.style.WARNING if problems else self.style.SUCCESS)(summary))
        self.stdout.write(
            _("Source stored with each figure: %(source)s") % {"source": result.source}
        )
        if result.dry_run:
            self.stdout.write(_("Dry run: nothing was saved."))
