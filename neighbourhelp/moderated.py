"""Offers and requests in the moderation queue: new residents' posts wait for a moderator."""

import datetime

from django.utils import timezone

from accounts import policy
from core import moderation

from .models import HelpOffer, HelpRequest

# An account younger than this is a new resident: their posts are checked first.
NEW_ACCOUNT_AGE = datetime.timedelta(days=30)


def needs_review(author, item) -> bool:
    if policy.is_moderator(author) or policy.is_verified_worker(author):
        return False
    return author.date_joined > timezone.now() - NEW_ACCOUNT_AGE


def register() -> None:
    moderation.register(
        HelpOffer,
        authors=lambda offer: [offer.helper],
        public_queryset=lambda: HelpOffer.objects.public(),
        text_fields=("description", "in_return"),
        needs_review=needs_review,
    )
    moderation.register(
        HelpRequest,
        authors=lambda item: [item.requester],
        public_queryset=lambda: HelpRequest.objects.public(),
        text_fields=("on_behalf_of", "description", "give_back"),
        needs_review=needs_review,
    )
