"""What the coordination page measures: the fixed reach filters, the walking distances, and
the count indicators with their labels. Imported by the snapshot task, the page and the
exports, so that all three name and order the figures the same way."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, Occurrence
from buurt.models import NetworkModel, Organisation
from buurt.search.params import WALKING_PRESETS

# The map search's walking presets of 5, 10 and 15 minutes.
DISTANCES = tuple(WALKING_PRESETS[minutes] for minutes in (5, 10, 15))
DEFAULT_DISTANCE = WALKING_PRESETS[10]


def _network_model(model, code: str) -> Q:
    through = model.network_models.through
    owner = f"{model._meta.model_name}_id"
    return Q(Exists(through.objects.filter(**{owner: OuterRef("pk")}, networkmodel_id=code)))


def _dated(*, now: datetime.datetime, sunday: bool = False) -> Q:
    """An activity with a public, not cancelled date in the next ACTIVITY_REACH_HORIZON
    (with `sunday`, one starting on a Sunday in the site's time zone, Europe/Brussels)."""
    dates = Occurrence.objects.public().filter(
        activity_id=OuterRef("pk"),
        starts_at__gte=now,
        starts_at__lt=now + ACTIVITY_REACH_HORIZON,
    )
    if sunday:
        dates = dates.filter(starts_at__week_day=1)  # Django counts 1 = Sunday ... 7 = Saturday
    return Q(Exists(dates))


# An activity counts as a listing at its own point (the organisation's for its own place,
# its geocoded address otherwise; never online) while it has a date coming: six weeks, so
# that a monthly "every second Sunday" always has one in view.
ACTIVITY_REACH_HORIZON = datetime.timedelta(weeks=6)


@dataclass(frozen=True)
class ReachFilter:
    """A kind of listing reach is measured to. `organisations` filters public organisations
    with a point, `activities` public activities with a point and a date coming
    (reach_activities); None when none counts. Both take the moment of the snapshot."""

    code: str
    label: Promise
    organisations: Callable[[datetime.datetime], Q] | None
    activities: Callable[[datetime.datetime], Q] | None


def reach_activities(now: datetime.datetime):
    """The activities that may count as listings: public, at a place, with a date coming."""
    return Activity.objects.on_map().filter(_dated(now=now))


Kind, Category, Cost = Organisation.Kind, Activity.Category, Activity.Cost
Peers, Community = NetworkModel.Code.PEERS, NetworkModel.Code.COMMUNITY

# Six filters at three distances (the cost target of the issue). "Free or reduced rate" was
# dropped for "on Sunday": the cost of a listing defaults to free, so it measured almost the
# same as "any association". Per filter, what makes an activity count, and why:
REACH_FILTERS = (
    # Any activity with a date coming: a place to go, even away from its organisation.
    ReachFilter("any", _("any association or service"), lambda now: Q(), lambda now: Q()),
    # Activities have no "reduced rate" of their own: a free or pay-what-you-can one is at
    # least as cheap, and one of an organisation with a reduced rate has it; "come alone" is
    # the activity's own promise (come alone, or a welcome person waits).
    ReachFilter(
        "reduced_rate_come_alone",
        _("reduced rate and come alone (a welcome person)"),
        lambda now: Q(reduced_rate=True, welcome_person=True),
        lambda now: (
            (~Q(cost=Cost.PAID) | Q(organisation__reduced_rate=True))
            & (Q(come_alone=True) | Q(welcome_person=True))
        ),
    ),
    # A peer-group activity, or one the organiser marked with the peers model.
    ReachFilter(
        "peer_group",
        _("peer group"),
        lambda now: Q(kind=Kind.PEER_GROUP) | _network_model(Organisation, Peers),
        lambda now: Q(category=Category.PEER_GROUP) | _network_model(Activity, Peers),
    ),
    # The activity's own place must be accessible: its flag, not its organisation's.
    ReachFilter(
        "wheelchair",
        _("wheelchair accessible"),
        lambda now: Q(wheelchair_accessible=True),
        lambda now: Q(wheelchair_accessible=True),
    ),
    # Community building happens where a community centre's activity takes place, or where
    # an activity marked with the community model does.
    ReachFilter(
        "community",
        _("community building in the neighbourhood"),
        lambda now: Q(kind=Kind.COMMUNITY_CENTRE) | _network_model(Organisation, Community),
        lambda now: (
            Q(organisation__kind=Kind.COMMUNITY_CENTRE) | _network_model(Activity, Community)
        ),
    ),
    # Only dates say "Sunday": an organisation's opening hours are free text (the JSON-LD
    # reading of them is a guess and is not used here), so an organisation reaches a Sunday
    # through its activities, at their place, with a date on a Sunday coming.
    ReachFilter(
        "sunday",
        _("a place to go on Sunday"),
        None,
        lambda now: _dated(now=now, sunday=True),
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
