"""Offers and requests made as a resident makes them: through the services, geocoding an
address of the test gazetteer (tests/buurt/gazetteer_data.py). Rows at a given point without
geocoding come from tests/factories.py (HelpOfferFactory, HelpRequestFactory)."""

from __future__ import annotations

from core.moderation import ModerationState
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
        helper=helper or factories.ResidentFactory(), address=f"{address}, 9000 Gent", **defaults
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
        requester=requester or factories.ResidentFactory(),
        address=f"{address}, 9000 Gent",
        **defaults,
    )


def approve(*items):
    for item in items:
        item.moderation_state = ModerationState.APPROVED
        item.save(update_fields=["moderation_state"])
