"""E-mails of neighbour help: a match asked, answered or written in, an offer about to expire,
a request closed. Sent by tasks queued when the transaction commits (neighbourhelp.tasks).

They never carry an address or a coordinate: they say what happened and link back to the
platform, which checks who is looking.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from core.mail import message_render, messages_send, site_url

from .models import HelpMatch, HelpOffer, HelpRequest


def help_match_notify(*, match_id: int, event: str, recipient_id: int | None = None) -> int:
    """Tell the other side what happened ('asked', 'accepted', 'declined', 'message')."""
    match = HelpMatch.objects.select_related("request__requester", "offer__helper").get(pk=match_id)
    helper, requester = match.offer.helper, match.request.requester
    recipient = {
        "asked": helper,
        "accepted": requester,
        "declined": requester,
        "message": helper if recipient_id == helper.pk else requester,
    }[event]
    message = message_render(
        template_prefix="neighbourhelp/email/match",
        context={
            "event": event,
            "request": str(match.request),
            "url": site_url(match.get_absolute_url()),
        },
        recipient=recipient,
    )
    return messages_send([message])


def help_offer_remind(*, offer_id: int) -> int:
    offer = HelpOffer.objects.select_related("helper").get(pk=offer_id)
    message = message_render(
        template_prefix="neighbourhelp/email/offer_expiring",
        context={
            "date": timezone.localtime(offer.expires_at).date(),
            "url": site_url(
                reverse("neighbourhelp:offer-renew", args=[offer.pk, offer.renew_token])
            ),
        },
        recipient=offer.helper,
    )
    return messages_send([message])


def help_request_closed_notify(*, request_id: int) -> int:
    item = HelpRequest.objects.select_related("requester").get(pk=request_id)
    message = message_render(
        template_prefix="neighbourhelp/email/request_closed",
        context={"request": str(item), "url": site_url(reverse("neighbourhelp:request-create"))},
        recipient=item.requester,
    )
    return messages_send([message])
