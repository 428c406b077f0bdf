import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurt.geocoding import GeocodeInputError, GeocoderUnavailable, geocode
from core.commands import HelpfulCommand


class Command(HelpfulCommand):
    help = gettext_lazy(
        "Look up an address with the configured geocoders and print the best candidates as "
        "JSON (lat, lon, label, precision, score, source)."
    )

    def add_arguments(self, parser):
        parser.add_argument("address", help=_("The address, as a person would type it."))
        parser.add_argument("--limit", type=int, default=5, help=_("At most this many candidates."))
        parser.add_argument(
            "--chain",
            help=_("Comma-separated geocoders to ask instead of settings.GEOCODER_CHAIN."),
        )

    def handle(self, *args, address, limit, chain, **options):
        try:
            candidates = geocode(address, limit=limit, chain=chain.split(",") if chain else None)
        except (GeocodeInputError, GeocoderUnavailable) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            json.dumps([c.as_dict() for c in candidates], ensure_ascii=False, indent=2)
        )
