from __future__ import annotations

import datetime

from django.db import models


class ReferralQuerySet(models.QuerySet):
    def made_by(self, user):
        return self.filter(worker=user) if user.is_authenticated else self.none()

    def for_members_of(self, user):
        """Referrals to the organisations this user is a member of."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(organisation__memberships__user=user)

    def open(self):
        return self.filter(status__in=("sent", "accepted"))

    def not_anonymised(self):
        return self.filter(anonymised_at__isnull=True)

    def created_before(self, moment: datetime.datetime):
        return self.filter(created_at__lt=moment)


class FollowUpQuerySet(models.QuerySet):
    def waiting_for_answer(self):
        return self.filter(asked_at__isnull=False, answer="")

    def to_ask(self, *, today: datetime.date):
        """Questions whose day has come, for referrals that were accepted and where the person
        has not already stopped or never gone (no point in asking again)."""
        return self.filter(
            asked_at__isnull=True,
            due_on__lte=today,
            referral__status="accepted",
            referral__anonymised_at__isnull=True,
            referral__worker__isnull=False,
        ).exclude(referral__outcome__in=("never", "stopped"))


class NotificationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status="pending")

    def failed(self):
        return self.filter(status="failed")

    def stale(self, *, queued_before: datetime.datetime):
        """Pending and not queued since `queued_before`: the broker lost or never got them."""
        return self.pending().filter(
            models.Q(queued_at__isnull=True) | models.Q(queued_at__lt=queued_before)
        )
