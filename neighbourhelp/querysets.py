from __future__ import annotations

from django.contrib.gis.db import models
from django.db.models import Count, Max, Q

from core.moderation import ModerationState

# A helper with this many unanswered requests is not asked again until they answer.
MAX_PENDING_PER_HELPER = 3


class HelpOfferQuerySet(models.QuerySet):
    def public(self):
        """Offers anyone may see: approved, active, of an active account."""
        return self.filter(
            moderation_state=ModerationState.APPROVED, status="active", helper__is_active=True
        )

    def contactable(self):
        """Offers of helpers who may be contacted (accounts.policy.is_verified_account)."""
        from accounts.policy import verified_accounts_q

        return self.filter(verified_accounts_q("helper__"))

    def with_load(self, *, since):
        """pending_count (unanswered asks), month_count (helps said yes to since `since`),
        last_asked: what the rankings spread requests over helpers by."""
        return self.annotate(
            pending_count=Count("matches", filter=Q(matches__status="pending"), distinct=True),
            month_count=Count(
                "matches",
                filter=Q(matches__status="accepted", matches__answered_at__gte=since),
                distinct=True,
            ),
            last_asked=Max("matches__created_at"),
        )

    def with_pending(self):
        return self.annotate(
            pending_count=Count("matches", filter=Q(matches__status="pending"), distinct=True)
        )


class HelpRequestQuerySet(models.QuerySet):
    def public(self):
        """Requests anyone may see: approved, open, of an active account."""
        return self.filter(
            moderation_state=ModerationState.APPROVED, status="open", requester__is_active=True
        )


class HelpMatchQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status="pending")

    def involving(self, user):
        """Matches this user is a party to, as the requester or as the helper."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(request__requester=user) | Q(offer__helper=user))
