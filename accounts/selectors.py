"""Reads that feed the account pages."""

from django.db.models import Count, Q

from . import personal_data
from .models import Invitation, Membership, User, WorkerProfile


def memberships_of(*, user: User):
    """The user's memberships with their organisations: the "my organisations" list."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .annotate(
            waiting_referrals=Count(
                "organisation__referrals", filter=Q(organisation__referrals__status="sent")
            )
        )
        .order_by("organisation__name")
    )


def invitations_for(*, user: User):
    """Pending invitations sent to one of the user's addresses."""
    addresses = Q()
    for address in personal_data.verified_email_addresses(user):
        addresses |= Q(email__iexact=address)
    if not addresses:
        return Invitation.objects.none()
    return Invitation.objects.pending().filter(addresses).select_related("organisation")


def worker_profile_of(*, user: User) -> WorkerProfile | None:
    return WorkerProfile.objects.filter(user=user).select_related("employer").first()


def organisation_members(*, organisation):
    return organisation.memberships.select_related("user").order_by("role", "user__email")


def organisation_pending_invitations(*, organisation):
    return organisation.invitations.pending().select_related("invited_by")


def worker_profiles_pending(*, queryset):
    """Unverified profiles from a policy queryset, oldest first."""
    return (
        queryset.filter(verified_at__isnull=True).select_related("user", "employer").order_by("pk")
    )
