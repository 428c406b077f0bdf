import time

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.commands import HelpfulCommand
from regie.services import snapshot_take


class Command(HelpfulCommand):
    help = gettext_lazy(
        """Compute the figures of the coordination page (/regie/) now, for every neighbourhood.

Beat does this on the first day of every month; run it by hand after importing
neighbourhoods, population or addresses, to see the result at once. A snapshot taken again
on the same day replaces that day's. It can take minutes for a whole city."""
    )
    examples = gettext_lazy("example:\n    python manage.py regie_snapshot")

    def handle(self, *args, **options):
        started = time.monotonic()
        if options["verbosity"] >= 1:
            self.stdout.write(_("Computing reach and counts for every neighbourhood..."))
        snapshot = snapshot_take()
        self.stdout.write(
            self.style.SUCCESS(
                _("Snapshot of %(date)s: %(count)s neighbourhoods in %(seconds)s s.")
                % {
                    "date": snapshot.taken_on.isoformat(),
                    "count": snapshot.areas.count(),
                    "seconds": round(time.monotonic() - started, 1),
                }
            )
        )
