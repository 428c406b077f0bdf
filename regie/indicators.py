"""What the coordination page measures: the fixed reach filters, the walking distances, and
the count indicators with their labels. Imported by the snapshot task, the page and the
exports, so that all three name and order the figures the same way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from buurt.models import NetworkModel, Organisation
from buurt.search.params import WALKING_PRESETS

# The map search's walking presets of 5, 10 and 15 minutes.
DISTANCES = tuple(WALKING_PRESETS[minutes] for minutes in (5, 10, 15))
DEFAULT_DISTANCE = WALKING_PRESETS[10]


def _network_model(code: str) -> Q:
    through = Organisation.network_models.through
    return Q(Exists(through.objects.filter(organisation_id=OuterRef("pk"), networkmodel_id=code)))


@dataclass(frozen=True)
class ReachFilter:
    code: str
    label: Promise
    condition: Callable[[], Q]  # on public organisations with a point


REACH_FILTERS = (
    ReachFilter("any", _("any association or service"), lambda: Q()),
    ReachFilter(
        "reduced_rate_come_alone",
        _("reduced rate and come alone (a welcome person)"),
        lambda: Q(reduced_rate=True, welcome_person=True),
    ),
    ReachFilter(
        "free_or_reduced",
        _("free or reduced rate"),
        lambda: Q(reduced_rate=True) | ~Q(cost=Organisation.Cost.PAID),
    ),
    ReachFilter(
        "peer_group",
        _("peer group"),
        lambda: Q(kind=Organisation.Kind.PEER_GROUP) | _network_model(NetworkModel.Code.PEERS),
    ),
    ReachFilter("wheelchair", _("wheelchair accessible"), lambda: Q(wheelchair_accessible=True)),
    ReachFilter(
        "community",
        _("community building in the neighbourhood"),
        lambda: (
            Q(kind=Organisation.Kind.COMMUNITY_CENTRE) | _network_model(NetworkModel.Code.COMMUNITY)
        ),
    ),
)
FILTERS_BY_CODE = {f.code: f for f in REACH_FILTERS}
DEFAULT_FILTER = "reduced_rate_come_alone"


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str | Promise
    about_people: bool = False  # suppressed below MIN_CELL, never divided by residents
    per_thousand: bool = True


def count_indicators() -> list[Indicator]:
    """Every count a snapshot stores, in the order of the table and the export columns."""
    listing = [
        Indicator("organisations", _("associations and services")),
        *(Indicator(f"kind_{code}", label) for code, label in Organisation.Kind.choices),
        *(Indicator(f"model_{code}", label) for code, label in NetworkModel.Code.choices),
        Indicator("reduced_rate", _("with a reduced rate")),
        Indicator("welcome_person", _("with a welcome person (come alone)")),
        Indicator("wheelchair", _("wheelchair accessible")),
        Indicator("activities_30_days", _("activity dates in the next 30 days")),
        Indicator("listings_confirmed", _("listings confirmed in the last 12 months")),
    ]
    people = [
        Indicator("help_offers", _("neighbour help offers"), about_people=True),
        Indicator(
            "help_requests_unmatched",
            _("help requests without a helper after 14 days"),
            about_people=True,
        ),
        Indicator("helpers_at_capacity", _("helpers at their monthly capacity"), about_people=True),
        Indicator("referred", _("referrals"), about_people=True),
        Indicator("referrals_went", _("referrals: went at least once"), about_people=True),
        Indicator(
            "referrals_still_going", _("referrals: still going after 12 weeks"), about_people=True
        ),
    ]
    return listing + people
