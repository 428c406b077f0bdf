"""Who may do what with warm referrals; the roles themselves are decided by accounts.policy.

Referrals are seen by their worker, the receiving organisation's members and moderators;
nobody else, coordinators included (they get counts). Everything else is 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.policy import (
    is_coordinator,
    is_moderator,
    is_resident,
    is_verified_worker,
    organisation_role,
)
from buurt.models import Organisation

from .models import Referral


def can_refer(user) -> bool:
    return is_verified_worker(user)


def referrals_visible_to(user) -> QuerySet[Referral]:
    if is_moderator(user):
        return Referral.objects.all()
    if not is_resident(user):
        return Referral.objects.none()
    return Referral.objects.filter(
        Q(worker=user) | Q(organisation__in=Organisation.objects.filter(memberships__user=user))
    )


def can_answer_referral(user, referral: Referral) -> bool:
    """Members of the receiving organisation answer; moderators only look."""
    return organisation_role(user, referral.organisation) is not None


def referrals_as_companion(user) -> QuerySet[Referral]:
    """Referrals this user was asked to go along with (through their help offer)."""
    if not is_resident(user):
        return Referral.objects.none()
    return Referral.objects.filter(companion_offer__helper=user).exclude(
        companion_status=Referral.CompanionStatus.NONE
    )


def can_see_referral_statistics(user) -> bool:
    return is_coordinator(user)
