from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurt.demo import demo_scale, demo_seed
from buurt.models import Organisation
from core.commands import HelpfulCommand

EXAMPLES = gettext_lazy(
    """examples:
  Load the demo data, or bring it up to date:
    python manage.py seed_demo

  Load it only on an empty map (what `make run` does):
    python manage.py seed_demo --if-empty

  Add 100,000 extra test organisations to measure speed (run again to add more):
    python manage.py seed_demo --scale 100000"""
)


class Command(HelpfulCommand):
    examples = EXAMPLES

    help = gettext_lazy(
        """Fill the map with demo data for Gent, to try Buurtkaart out or to show it.

Creates about ten neighbourhoods, one per Gent postcode (9000 Gent, 9030 Mariakerke, ...).
Their borders are drawn roughly from the postcodes, not official ones. Then about forty
fictitious organisations (every kind: theatre, sports club, buurthuis, ...) are placed in
them. All of it is marked as demo data, and the names end in "(demo)".

Running it again updates the demo data and never makes duplicates. Organisations you added
yourself are left alone."""
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Do nothing when there already is at least one organisation."),
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help=_(
                "Also add N synthetic test organisations spread over Gent, to measure speed. "
                "They are published demo data; each run adds N more."
            ),
        )

    def handle(self, *args, if_empty, scale, verbosity, **options):
        if scale < 0:
            raise CommandError(_("--scale needs a number of organisations, 1 or more."))
        if if_empty and Organisation.objects.exists():
            if verbosity:
                self.stdout.write(_("There are organisations already: no demo data loaded."))
            return

        progress = verbosity > 0
        result = demo_seed(progress=progress)
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Demo data for Gent: %(neighbourhoods)d neighbourhoods "
                        "(%(new_neighbourhoods)d new), %(organisations)d organisations "
                        "(%(new_organisations)d new)."
                    )
                    % {
                        "neighbourhoods": result.neighbourhoods_created
                        + result.neighbourhoods_updated,
                        "new_neighbourhoods": result.neighbourhoods_created,
                        "organisations": result.organisations_created
                        + result.organisations_updated,
                        "new_organisations": result.organisations_created,
                    }
                )
            )
        if scale:
            added = demo_scale(count=scale, progress=progress)
            if verbosity:
                self.stdout.write(
                    self.style.SUCCESS(
                        _("Added %(count)d synthetic test organisations.") % {"count": added}
                    )
                )
