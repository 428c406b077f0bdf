"""Reads for the pages of neighbour help: the board, suggestions for a request, the load."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Protocol

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

import spatial
from buurt.models import Neighbourhood
from core.fields import has_code

from .models import HelpMatch, HelpOffer, HelpRequest
from .querysets import MAX_PENDING_PER_HELPER
from .services import month_start

# Counts of offers per area are shown only from this many up: fewer could point at a person.
MIN_COUNT_SHOWN = 3
# Upper ends of the distance buckets shown for private people, in metres.
BUCKETS_M = (500, 1000, 2000, 5000)


def distance_bucket(meters: float) -> str:
    """A distance to a private person as a bucket ("under 500 m"), never in metres."""
    if meters < BUCKETS_M[0]:
        return _("under 500 m")
    if meters < BUCKETS_M[1]:
        return _("500 m – 1 km")
    if meters < BUCKETS_M[2]:
        return _("1 – 2 km")
    if meters < BUCKETS_M[3]:
        return _("2 – 5 km")
    return _("more than 5 km")


def bucket_index(meters: float) -> int:
    return sum(1 for limit in BUCKETS_M if meters >= limit)


def offer_fits(offer: HelpOffer, request: HelpRequest) -> bool:
    """Whether this offer can be asked for this request: public, the right kind of help,
    a time and a language in common (where both say), and the helper's reach covering the
    distance between the two coarse points (250 m squares or small neighbourhoods)."""
    if offer.status != HelpOffer.Status.ACTIVE or offer.moderation_state != "approved":
        return False
    if request.category not in offer.categories:
        return False
    if request.times and offer.times and not set(request.times) & set(offer.times):
        return False
    if request.languages and offer.languages and not set(request.languages) & set(offer.languages):
        return False
    return public_distance_m(offer, request.public_point) <= offer.max_distance_m


def public_distance_m(offer: HelpOffer, point) -> float:
    """Metres on the sphere from the offer's stored coarse point to `point` (EPSG:4326), which
    must itself be public: a request's coarse point or an association's address.

    Privacy: every answer about a helper (listed or not, in which order, with which distance
    label) is decided from this, never from the exact home. An answer decided from the home
    is an oracle: someone who places requests at chosen addresses and watches the answers
    pins the home down to a few metres (tests/neighbourhelp/test_privacy.py)."""
    return spatial.great_circle_m(offer.public_point, point)


@dataclass(frozen=True)
class Suggestion:
    offer: HelpOffer
    distance: str  # a bucket label
    asked: bool  # this request already asked this helper


class LoadedOffer(Protocol):
    """A HelpOffer from HelpOfferQuerySet.with_load(), with its annotations."""

    pk: int
    last_asked: datetime.datetime | None
    month_count: int
    pending_count: int


def load_rank(offer: LoadedOffer, meters: float, *, extra_load: int = 0) -> tuple:
    """Sort key that spreads requests over helpers: distance bucket, then how much the
    helper already does (HelpOfferQuerySet.with_load), then who was asked least recently."""
    last = offer.last_asked.timestamp() if offer.last_asked else 0
    load = offer.month_count + offer.pending_count + extra_load
    return (bucket_index(meters), load, last, offer.pk)


def offers_for_request(request: HelpRequest, *, limit: int = 10) -> list[Suggestion]:
    """Offers that fit, ranked so that requests spread over helpers (load_rank). Never simply
    the nearest first."""
    candidates = (
        HelpOffer.objects.public()
        .contactable()
        .filter(has_code("categories", request.category))
        .exclude(helper=request.requester)
        .filter(spatial.within_sphere("public_point", request.public_point, 10_000))
        .select_related("helper", "neighbourhood")
        .with_load(since=month_start(timezone.now()))
    )
    asked = set(request.matches.values_list("offer_id", flat=True))
    ranked = []
    for offer in candidates:
        if not offer_fits(offer, request):
            continue
        if offer.pk not in asked and offer.pending_count >= MAX_PENDING_PER_HELPER:
            continue
        meters = public_distance_m(offer, request.public_point)
        suggestion = Suggestion(offer, distance_bucket(meters), offer.pk in asked)
        ranked.append((load_rank(offer, meters), suggestion))
    ranked.sort(key=lambda pair: pair[0])
    return [suggestion for _key, suggestion in ranked[:limit]]


@dataclass(frozen=True)
class AreaCount:
    neighbourhood: Neighbourhood
    count: int


def offer_counts_by_area() -> list[AreaCount]:
    """Public offers per neighbourhood, only where there are at least MIN_COUNT_SHOWN."""
    rows = (
        HelpOffer.objects.public()
        .values("neighbourhood")
        .annotate(count=Count("pk"))
        .filter(count__gte=MIN_COUNT_SHOWN, neighbourhood__isnull=False)
    )
    counts = {row["neighbourhood"]: row["count"] for row in rows}
    areas = Neighbourhood.objects.filter(pk__in=counts).only("name", "code")
    return sorted(
        (AreaCount(area, counts[area.pk]) for area in areas), key=lambda a: a.neighbourhood.name
    )


def board(*, category: str = "") -> dict:
    offers = HelpOffer.objects.public().select_related("neighbourhood")
    requests = HelpRequest.objects.public().select_related("neighbourhood")
    if category:
        offers = offers.filter(has_code("categories", category))
        requests = requests.filter(category=category)
    return {
        "offers": offers.order_by("-created_at", "pk")[:50],
        "requests": requests.order_by("-created_at", "pk")[:50],
        "area_counts": offer_counts_by_area(),
    }


def my_help(user) -> dict:
    return {
        "offers": HelpOffer.objects.filter(helper=user).select_related("neighbourhood"),
        "requests": HelpRequest.objects.filter(requester=user).select_related("neighbourhood"),
        "matches": HelpMatch.objects.involving(user).select_related(
            "request__neighbourhood", "offer__neighbourhood", "request__requester", "offer__helper"
        ),
    }


@dataclass(frozen=True)
class HelperLoad:
    offer: HelpOffer
    pending: int
    this_month: int


def help_load() -> dict:
    """Load per helper and per neighbourhood, for coordinators and moderators."""
    start = month_start(timezone.now())
    offers = (
        HelpOffer.objects.exclude(status=HelpOffer.Status.WITHDRAWN)
        .select_related("helper", "neighbourhood")
        .annotate(
            pending=Count("matches", filter=Q(matches__status="pending"), distinct=True),
            this_month=Count(
                "matches",
                filter=Q(matches__status="accepted", matches__answered_at__gte=start),
                distinct=True,
            ),
        )
        .order_by("-this_month", "-pending", "pk")
    )
    helpers = [HelperLoad(o, o.pending, o.this_month) for o in offers]
    areas: dict[str, list[int]] = {}
    for row in helpers:
        totals = areas.setdefault(row.offer.area_name, [0, 0, 0])
        totals[0] += 1
        totals[1] += row.pending
        totals[2] += row.this_month
    return {"helpers": helpers, "areas": sorted(areas.items())}


# An account that closes this many of its own requests within PROBE_PERIOD before asking
# anyone is shown to moderators: requests at many addresses, each read once and closed, are
# how someone would try to find where helpers live.
PROBE_CLOSED_UNASKED = 5
PROBE_PERIOD = datetime.timedelta(days=30)


@dataclass(frozen=True)
class Prober:
    user: object
    closed_unasked: int


def request_probers(*, now=None) -> list[Prober]:
    """Accounts that closed at least PROBE_CLOSED_UNASKED of their requests early (before
    the request would have closed itself) without asking any helper, in the last PROBE_PERIOD."""
    now = now or timezone.now()
    rows = (
        HelpRequest.objects.filter(
            created_at__gte=now - PROBE_PERIOD,
            status=HelpRequest.Status.CLOSED,
            closes_at__gt=now,
        )
        .exclude(Exists(HelpMatch.objects.filter(request=OuterRef("pk"))))
        .values("requester")
        .annotate(count=Count("pk"))
        .filter(count__gte=PROBE_CLOSED_UNASKED)
    )
    counts = {row["requester"]: row["count"] for row in rows}
    users = get_user_model().objects.filter(pk__in=counts).order_by("email")
    return sorted(
        (Prober(user, counts[user.pk]) for user in users), key=lambda p: -p.closed_unasked
    )
