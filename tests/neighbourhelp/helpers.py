"""Helpers at known addresses of the test gazetteer (tests/buurt/gazetteer_data.py)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from moderation.states import ModerationState
from neighbourhelp import services
from neighbourhelp.models import HelpOffer, HelpRequest
from tests import factories
from tests.buurt.gazetteer_data import load_gazetteer

# Exact points from the gazetteer: what must never be shown.
HOMES = {
    "Sint-Pietersnieuwstraat 33": (51.04480, 3.72530),
    "Sint-Pietersnieuwstraat 41": (51.04430, 3.72580),
    "Korenmarkt 1": (51.05430, 3.71960),
    "Veldstraat 33": (51.05180, 3.72100),
    "Frère-Orbanlaan 10": (51.04280, 3.73300),
    "Kortrijksesteenweg 100": (51.03800, 3.70900),
}


def covered_area(tmp_path):
    """The gazetteer and a neighbourhood (large population: grid coarsening) covering Gent."""
    load_gazetteer(tmp_path)
    return factories.NeighbourhoodFactory(
        name="Gent-Centrum",
        boundary=factories.box(3.69, 51.03, 3.76, 51.07),
        population=20_000,
    )


def resident(**kwargs):
    """A resident whose account is older than the new-resident review period."""
    return factories.UserFactory(
        date_joined=timezone.now() - datetime.timedelta(days=120), **kwargs
    )


def offer(address="Sint-Pietersnieuwstraat 33", helper=None, **fields) -> HelpOffer:
    defaults = {
        "categories": ["shopping", "paperwork"],
        "times": ["weekend"],
        "languages": ["nl"],
        "max_distance_m": 2000,
        "capacity_per_month": 2,
        "description": "Ik help graag met boodschappen.",
        "in_return": "",
    }
    defaults.update(fields)
    return services.help_offer_create(
        helper=helper or resident(), address=f"{address}, 9000 Gent", **defaults
    )


def help_request(address="Veldstraat 33", requester=None, **fields) -> HelpRequest:
    defaults = {
        "category": "shopping",
        "times": ["weekend"],
        "languages": ["nl"],
        "description": "Wie doet boodschappen voor mij?",
        "give_back": "Soep",
    }
    defaults.update(fields)
    return services.help_request_create(
        requester=requester or resident(), address=f"{address}, 9000 Gent", **defaults
    )


def approve(*items):
    for item in items:
        item.moderation_state = ModerationState.APPROVED
        item.save(update_fields=["moderation_state"])


def made_offer(**fields) -> HelpOffer:
    """An approved offer at a known point, without geocoding (for the IDOR matrix)."""
    from django.contrib.gis.geos import Point

    point = Point(3.71960, 51.05430, srid=4326)
    defaults = {
        "helper": resident(),
        "private_point": point,
        "public_point": services.public_point_for(point, None),
        "categories": ["shopping"],
        "languages": ["nl"],
        "moderation_state": ModerationState.APPROVED,
        "expires_at": timezone.now() + services.OFFER_LIFETIME,
    }
    defaults.update(fields)
    return HelpOffer.objects.create(**defaults)


def made_request(**fields) -> HelpRequest:
    from django.contrib.gis.geos import Point

    point = Point(3.72100, 51.05180, srid=4326)
    defaults = {
        "requester": resident(),
        "private_point": point,
        "public_point": services.public_point_for(point, None),
        "category": "shopping",
        "description": "Boodschappen",
        "moderation_state": ModerationState.APPROVED,
        "closes_at": timezone.now() + services.REQUEST_LIFETIME,
    }
    defaults.update(fields)
    return HelpRequest.objects.create(**defaults)


def made_match():
    from neighbourhelp.models import HelpMatch

    return HelpMatch.objects.create(request=made_request(), offer=made_offer())
