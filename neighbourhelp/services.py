"""Every write of neighbour help: offers, requests, matches, relayed messages, housekeeping.

Atomic and validated. E-mails (neighbourhelp.notifications) go out through a task queued when
the transaction commits.
"""

from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import spatial
from accounts import policy
from buurt.geocoding import GeocodeInputError, GeocoderUnavailable, geocode
from buurt.models import Neighbourhood
from core.ratelimit import RateLimited, rate_limit_hit
from core.tasks import enqueue_on_commit
from moderation.services import submission_state

from .models import HelpMatch, HelpMessage, HelpOffer, HelpRequest
from .querysets import MAX_PENDING_PER_HELPER

COARSEN_CELL_M = 250
# Below this many residents a 250 m cell may point at a handful of houses: use the centroid.
SMALL_NEIGHBOURHOOD_POPULATION = 1500
OFFER_LIFETIME = datetime.timedelta(days=91)
REMINDER_BEFORE = datetime.timedelta(days=14)
REQUEST_LIFETIME = datetime.timedelta(days=30)
REQUEST_WINDOW = datetime.timedelta(hours=24)
MESSAGE_RATE_LIMIT = 10
MESSAGE_RATE_PERIOD_SECONDS = 60 * 60


class HelpError(ValidationError):
    """A rule of neighbour help was broken; the message can be shown as it is."""


class HelpRateLimited(HelpError):
    """A rate limit of neighbour help was reached; the next try is allowed after `retry_after`
    seconds (a view's Retry-After)."""

    def __init__(self, limited: RateLimited):
        super().__init__(limited.message, code="rate_limited")
        self.retry_after = limited.retry_after


# --- Locations --------------------------------------------------------------------------------


def public_point_for(point: Point, neighbourhood: Neighbourhood | None) -> Point:
    """The one coarse point that may be shown of a private location (EPSG:4326): the centre of
    its 250 m grid cell, or the centroid of a small neighbourhood. Deterministic, computed
    once and stored."""
    if (
        neighbourhood
        and neighbourhood.population
        and (neighbourhood.population < SMALL_NEIGHBOURHOOD_POPULATION)
    ):
        centre = neighbourhood.boundary.point_on_surface
        centre.srid = spatial.WGS84
        return Point(round(centre.x, 6), round(centre.y, 6), srid=spatial.WGS84)
    coarse = spatial.coarsen(point, cell_m=COARSEN_CELL_M)
    return Point(round(coarse.x, 6), round(coarse.y, 6), srid=spatial.WGS84)


def locate_address(text: str) -> tuple[Point, Neighbourhood]:
    """The exact point of an address in the covered area, and its neighbourhood."""
    try:
        # A private person's address: never kept in the geocoder's cache (it would outlive
        # the offer and the account).
        found = geocode(text, limit=1, remember=False)
    except GeocodeInputError as exc:
        raise HelpError(exc.messages[0] if hasattr(exc, "messages") else str(exc)) from None
    except GeocoderUnavailable:
        raise HelpError(_("We cannot look up addresses right now. Try again later.")) from None
    if not found:
        raise HelpError(_("We could not find this address. Check the street and number."))
    point = Point(found[0].point.x, found[0].point.y, srid=spatial.WGS84)
    return point, neighbourhood_shown(point)


def neighbourhood_shown(point: Point) -> Neighbourhood:
    """The neighbourhood said of a private location ("a neighbour in X"): the one around the
    centre of its 250 m cell, so that it depends on the cell as the public point does — the
    exact point's neighbourhood would tell on which side of a border inside the cell a person
    lives. The exact one only where the cell's centre lies outside every neighbourhood (at
    the edge of the area the map covers)."""
    exact = Neighbourhood.objects.containing(point).first()
    if exact is None:
        raise HelpError(_("This address is outside the area the map covers."))
    centre = spatial.coarsen(point, cell_m=COARSEN_CELL_M)
    return Neighbourhood.objects.containing(centre).first() or exact


def _set_location(item, *, address: str) -> None:
    point, neighbourhood = locate_address(address)
    item.private_point = point
    item.neighbourhood = neighbourhood
    item.public_point = public_point_for(point, neighbourhood)


def _require_verified(user) -> None:
    if not policy.can_contact_neighbours(user):
        raise PermissionDenied(_("Confirm your e-mail address first."))


# --- Offers and requests ------------------------------------------------------------------------


@transaction.atomic
def help_offer_create(*, helper, address: str, **fields) -> HelpOffer:
    _require_verified(helper)
    offer = HelpOffer(helper=helper, expires_at=timezone.now() + OFFER_LIFETIME, **fields)
    _set_location(offer, address=address)
    offer.moderation_state = submission_state(author=helper, target=offer)
    offer.full_clean()
    offer.save()
    return offer


def help_offer_withdraw(*, offer: HelpOffer) -> None:
    offer.status = HelpOffer.Status.WITHDRAWN
    offer.save(update_fields=["status"])


def help_offer_renew(*, offer: HelpOffer, now=None) -> HelpOffer:
    """Three more months from now; an expired offer becomes active again."""
    now = now or timezone.now()
    offer.expires_at = now + OFFER_LIFETIME
    offer.reminder_sent_at = None
    if offer.status == HelpOffer.Status.EXPIRED:
        offer.status = HelpOffer.Status.ACTIVE
    offer.save(update_fields=["expires_at", "reminder_sent_at", "status"])
    help_offer_pause_if_full(offer=offer, now=now)
    return offer


def help_request_limit_reached(requester, *, now=None) -> RateLimited | None:
    """None while `requester` may create another help request, else how long to wait.

    Counted in the database over the last 24 hours (shared by every process, and a mistyped
    address costs nothing): each request is one more look at the helpers page, so this bounds
    how fast anyone can probe it (settings.HELP_REQUESTS_PER_DAY[_ON_BEHALF])."""
    now = now or timezone.now()
    limit = (
        settings.HELP_REQUESTS_PER_DAY_ON_BEHALF
        if policy.can_ask_on_behalf(requester)
        else settings.HELP_REQUESTS_PER_DAY
    )
    recent = HelpRequest.objects.filter(requester=requester, created_at__gt=now - REQUEST_WINDOW)
    times = list(recent.order_by("-created_at").values_list("created_at", flat=True)[:limit])
    if len(times) < limit:
        return None
    # The oldest of the last `limit` requests leaves the window first.
    return RateLimited(
        retry_after=max(1, math.ceil((times[-1] + REQUEST_WINDOW - now).total_seconds()))
    )


@transaction.atomic
def help_request_create(*, requester, address: str, on_behalf_of: str = "", **fields):
    _require_verified(requester)
    if on_behalf_of and not policy.can_ask_on_behalf(requester):
        raise PermissionDenied
    limited = help_request_limit_reached(requester)
    if limited:
        raise HelpRateLimited(limited)
    item = HelpRequest(
        requester=requester,
        on_behalf_of=on_behalf_of,
        closes_at=timezone.now() + REQUEST_LIFETIME,
        **fields,
    )
    _set_location(item, address=address)
    item.moderation_state = submission_state(author=requester, target=item)
    item.full_clean()
    item.save()
    return item


def help_request_close(*, item: HelpRequest) -> None:
    item.status = HelpRequest.Status.CLOSED
    item.save(update_fields=["status"])
    item.matches.pending().update(status=HelpMatch.Status.CANCELLED, answered_at=timezone.now())


# --- Capacity -----------------------------------------------------------------------------------


def month_start(now) -> datetime.datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month_start(now) -> datetime.datetime:
    start = month_start(now)
    return (start + datetime.timedelta(days=32)).replace(day=1)


def helps_this_month(offer: HelpOffer, *, now=None) -> int:
    now = now or timezone.now()
    return offer.matches.filter(
        status=HelpMatch.Status.ACCEPTED, answered_at__gte=month_start(now)
    ).count()


def help_offer_pause_if_full(*, offer: HelpOffer, now=None) -> bool:
    """Pause the offer until the first of next month once its monthly capacity is reached."""
    now = now or timezone.now()
    if offer.status != HelpOffer.Status.ACTIVE:
        return False
    if helps_this_month(offer, now=now) < offer.capacity_per_month:
        return False
    offer.status = HelpOffer.Status.PAUSED
    offer.paused_until = next_month_start(now)
    offer.save(update_fields=["status", "paused_until"])
    return True


# --- Matches and messages -------------------------------------------------------------------


@transaction.atomic
def help_match_create(*, request: HelpRequest, offer: HelpOffer, actor) -> HelpMatch:
    """The requester asks one helper (their yes); the helper hears by e-mail."""
    from .selectors import offer_fits

    if actor != request.requester:
        raise PermissionDenied
    _require_verified(actor)
    if not policy.can_contact_neighbours(offer.helper) or offer.helper == actor:
        raise HelpError(_("This neighbour cannot be asked."))
    if request.status != HelpRequest.Status.OPEN:
        raise HelpError(_("This request is no longer open."))
    offer = HelpOffer.objects.select_for_update().get(pk=offer.pk)
    if not offer_fits(offer, request):
        raise HelpError(_("This offer does not fit the request (any more)."))
    if HelpMatch.objects.filter(offer__helper=offer.helper).pending().count() >= (
        MAX_PENDING_PER_HELPER
    ):
        raise HelpError(_("This neighbour has enough open requests. Ask someone else."))
    if HelpMatch.objects.filter(request=request, offer=offer).exists():
        raise HelpError(_("You already asked this neighbour."))
    match = HelpMatch.objects.create(request=request, offer=offer)
    _notify_on_commit(match, "asked")
    return match


@transaction.atomic
def help_match_answer(*, match: HelpMatch, actor, accept: bool, now=None) -> HelpMatch:
    """The helper says yes (contact details are shared) or no (the requester may ask
    someone else)."""
    now = now or timezone.now()
    if actor != match.offer.helper:
        raise PermissionDenied
    if match.status != HelpMatch.Status.PENDING:
        raise HelpError(_("This request has already been answered."))
    if accept and match.request.status != HelpRequest.Status.OPEN:
        raise HelpError(_("This request is no longer open."))
    match.status = HelpMatch.Status.ACCEPTED if accept else HelpMatch.Status.DECLINED
    match.answered_at = now
    match.save(update_fields=["status", "answered_at"])
    if accept:
        request = match.request
        request.status = HelpRequest.Status.MATCHED
        request.save(update_fields=["status"])
        request.matches.pending().exclude(pk=match.pk).update(
            status=HelpMatch.Status.CANCELLED, answered_at=now
        )
        help_offer_pause_if_full(offer=match.offer, now=now)
    _notify_on_commit(match, "accepted" if accept else "declined")
    return match


def help_message_send(*, match: HelpMatch, sender, body: str) -> HelpMessage:
    """A relayed message between the two people of a match, rate-limited per sender."""
    if sender not in (match.request.requester, match.offer.helper):
        raise PermissionDenied
    _require_verified(sender)
    if match.status in (HelpMatch.Status.DECLINED, HelpMatch.Status.CANCELLED):
        raise HelpError(_("This conversation is closed."))
    body = (body or "").strip()
    if not any(ch.isalnum() for ch in body):
        raise HelpError(_("Write a message with words in it."))
    limited = rate_limit_hit(
        f"help-message:{sender.pk}",
        limit=MESSAGE_RATE_LIMIT,
        period=MESSAGE_RATE_PERIOD_SECONDS,
    )
    if limited:
        raise HelpRateLimited(limited)
    message = HelpMessage(match=match, sender=sender, body=body)
    message.full_clean()
    message.save()
    _notify_on_commit(match, "message", recipient_id=_other(match, sender).pk)
    return message


def _other(match: HelpMatch, user):
    return match.offer.helper if user == match.request.requester else match.request.requester


# --- E-mail ------------------------------------------------------------------------------------


def _notify_on_commit(match: HelpMatch, event: str, *, recipient_id: int | None = None) -> None:
    from .tasks import help_match_notify_task

    enqueue_on_commit(help_match_notify_task, match.pk, event, recipient_id=recipient_id)


# --- Housekeeping (Celery beat) --------------------------------------------------------------


def help_housekeeping(*, now=None) -> dict[str, int]:
    """Resume paused offers in a new month, remind and expire old offers, close old
    requests (with a message to the requester)."""
    from .tasks import help_offer_remind_task, help_request_closed_task

    now = now or timezone.now()
    resumed = HelpOffer.objects.filter(
        status=HelpOffer.Status.PAUSED, paused_until__lte=now
    ).update(status=HelpOffer.Status.ACTIVE, paused_until=None)
    to_remind = list(
        HelpOffer.objects.filter(
            status__in=[HelpOffer.Status.ACTIVE, HelpOffer.Status.PAUSED],
            reminder_sent_at__isnull=True,
            expires_at__lte=now + REMINDER_BEFORE,
            expires_at__gt=now,
        ).values_list("pk", flat=True)
    )
    HelpOffer.objects.filter(pk__in=to_remind).update(reminder_sent_at=now)
    for pk in to_remind:
        enqueue_on_commit(help_offer_remind_task, pk)
    expired = HelpOffer.objects.filter(
        status__in=[HelpOffer.Status.ACTIVE, HelpOffer.Status.PAUSED], expires_at__lte=now
    ).update(status=HelpOffer.Status.EXPIRED)
    to_close = list(HelpRequest.objects.filter(status=HelpRequest.Status.OPEN, closes_at__lte=now))
    for item in to_close:
        help_request_close(item=item)
        enqueue_on_commit(help_request_closed_task, item.pk)
    return {
        "resumed": resumed,
        "reminded": len(to_remind),
        "expired": expired,
        "closed": len(to_close),
    }


# --- Personal data ---------------------------------------------------------------------------


def export_help(user) -> dict:
    """What this user gave: their own exact location stays theirs, so it is in their export."""

    def location(item):
        return {"lat": item.private_point.y, "lon": item.private_point.x}

    return {
        "offers": [
            {
                "categories": offer.categories,
                "times": offer.times,
                "languages": offer.languages,
                "max_distance_m": offer.max_distance_m,
                "capacity_per_month": offer.capacity_per_month,
                "description": offer.description,
                "in_return": offer.in_return,
                "status": offer.status,
                "location": location(offer),
                "created_at": offer.created_at.isoformat(),
            }
            for offer in user.help_offers.all()
        ],
        "requests": [
            {
                "category": item.category,
                "on_behalf_of": item.on_behalf_of,
                "description": item.description,
                "give_back": item.give_back,
                "status": item.status,
                "location": location(item),
                "created_at": item.created_at.isoformat(),
            }
            for item in user.help_requests.all()
        ],
        "messages": list(HelpMessage.objects.filter(sender=user).values_list("body", flat=True)),
    }


def anonymise_help(*, user) -> None:
    """Offers, requests and the matches and messages hanging on them go with the account:
    a person's location is not kept for anyone else."""
    HelpMessage.objects.filter(sender=user).delete()
    HelpOffer.objects.filter(helper=user).delete()
    HelpRequest.objects.filter(requester=user).delete()
