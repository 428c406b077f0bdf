import sys

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from buurt.importers import ImportSourceError, neighbourhoods_import
from core.commands import HelpfulCommand

EXAMPLES = gettext_lazy(
    """examples:
  Check a Statbel file of statistical sectors first, without saving anything:
    python manage.py buurt_import_neighbourhoods sh_statbel_statistical_sectors.shp --dry-run

  Import the buurten of a CBS GeoPackage:
    python manage.py buurt_import_neighbourhoods wijkenbuurten_2024.gpkg --layer buurten

  A file with column names of its own:
    python manage.py buurt_import_neighbourhoods wijken.geojson --code-field WIJKCODE \\
        --name-field WIJKNAAM --municipality-field NIS --municipality-name-field GEMEENTE"""
)


class Command(HelpfulCommand):
    examples = EXAMPLES

    help = gettext_lazy(
        """Import neighbourhood boundaries (buurten, wijken, statistical sectors) from a GIS file.

Reads a GeoPackage (.gpkg), a Shapefile (.shp) or a GeoJSON file. Files from Statbel
(statistical sectors) and from CBS (wijken en buurten) work without options; for other files,
say which column holds what with the --...-field options. The coordinates are converted to
GPS coordinates (WGS 84) on the way in, and broken shapes are repaired.

Running the import again updates the neighbourhoods with the same code and never makes
duplicates. Features without a code or without a shape are skipped and listed at the end.
Either everything is saved or nothing; with --dry-run nothing is saved. After an import every
organisation is placed again in the neighbourhood around its address."""
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            help=_(
                "The file to import. A Shapefile needs its .dbf, .shx and .prj files next to it."
            ),
        )
        parser.add_argument(
            "--layer",
            help=_(
                "Which layer of the file to read, by name or by number (0 is the first). "
                "Default: the first layer. A CBS GeoPackage has several: use --layer buurten."
            ),
        )
        parser.add_argument(
            "--code-field",
            help=_(
                "Column with the unique code of each neighbourhood. "
                "Default: cd_sector (Statbel) or buurtcode (CBS)."
            ),
        )
        parser.add_argument(
            "--name-field",
            help=_(
                "Column with the name of each neighbourhood. "
                "Default: tx_sector_descr_nl (Statbel) or buurtnaam (CBS)."
            ),
        )
        parser.add_argument(
            "--municipality-field",
            help=_(
                "Column with the code of the municipality (NIS code in Belgium, CBS code in "
                "the Netherlands). Default: cd_munty_refnis (Statbel) or gemeentecode (CBS)."
            ),
        )
        parser.add_argument(
            "--municipality-name-field",
            help=_(
                "Column with the name of the municipality. Default: tx_munty_descr_nl "
                "(Statbel) or gemeentenaam (CBS); without one, the municipality code is shown."
            ),
        )
        parser.add_argument(
            "--population-field",
            help=_(
                "Column with the number of inhabitants. Default: ms_population (Statbel) or "
                "aantal_inwoners (CBS), if present. Negative numbers (CBS: kept secret) are "
                "stored as unknown."
            ),
        )
        parser.add_argument(
            "--srid",
            type=int,
            help=_(
                "EPSG code of the coordinate system of the file, only needed when the file "
                "does not say it itself (e.g. a Shapefile without .prj). "
                "31370 = Belgian Lambert 72, 28992 = Dutch RD, 4326 = GPS degrees."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Read and check everything, report what would happen, but save nothing."),
        )

    def handle(self, *args, **options):
        stream = options.get("stderr") or sys.stderr

        def progress(features, total):
            return tqdm(
                features,
                total=total,
                file=stream,
                unit=_("features"),
                disable=options["verbosity"] == 0,
            )

        try:
            result = neighbourhoods_import(
                path=options["path"],
                layer=options["layer"],
                code_field=options["code_field"],
                name_field=options["name_field"],
                municipality_field=options["municipality_field"],
                municipality_name_field=options["municipality_name_field"],
                population_field=options["population_field"],
                srid=options["srid"],
                dry_run=options["dry_run"],
                progress=progress,
            )
        except ImportSourceError as exc:
            raise CommandError(str(exc)) from exc

        if options["verbosity"] >= 1:
            self._report_source(result)
            for skipped in result.skipped:
                message = (
                    _("Skipped feature %(number)s (code %(code)s): %(reason)s")
                    if skipped.code
                    else _("Skipped feature %(number)s: %(reason)s")
                )
                self.stdout.write(self.style.WARNING(message % vars(skipped)))
        summary = _(
            "Created %(created)s, updated %(updated)s, skipped %(skipped)s of %(total)s features."
        ) % {
            "created": result.created,
            "updated": result.updated,
            "skipped": len(result.skipped),
            "total": result.feature_count,
        }
        style = self.style.WARNING if result.skipped else self.style.SUCCESS
        self.stdout.write(style(summary))
        if result.dry_run:
            self.stdout.write(_("Dry run: nothing was saved."))
        else:
            self.stdout.write(
                _("Organisations placed in another neighbourhood: %(count)s.")
                % {"count": result.relocated}
            )

    def _report_source(self, result):
        self.stdout.write(
            _('Layer "%(layer)s", coordinate system %(srs)s.')
            % {"layer": result.layer, "srs": result.source_srs}
        )
        self.stdout.write(
            _("Columns used: %(fields)s.")
            % {
                "fields": ", ".join(
                    f"{role.replace('_', ' ')} = {name or '-'}"
                    for role, name in result.fields.items()
                )
            }
        )
