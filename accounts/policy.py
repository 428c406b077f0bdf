"""Who may do what: the one place that decides. Views, APIs and templates ask here.

Objects a user may not see are hidden (404), never shown with a 403, so that ids reveal
nothing. Every predicate is safe for anonymous users.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, Q, QuerySet

from buurt.models import Organisation

from .models import Invitation, Membership, WorkerProfile


def is_resident(user) -> bool:
    """Anyone signed up (and not blocked)."""
    return bool(user.is_authenticated and user.is_active)


def is_moderator(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and (user.is_moderator or user.is_superuser)
    )


def is_coordinator(user) -> bool:
    """Read-only overview of everything, plus statistics."""
    return bool(user.is_authenticated and user.is_active and user.is_coordinator) or is_moderator(
        user
    )


def is_verified_worker(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    profile = getattr(user, "worker_profile", None)
    return bool(profile and profile.is_verified)


def organisation_role(user, organisation: Organisation) -> str | None:
    """'admin', 'editor' or None."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, organisation=organisation)
        .values_list("role", flat=True)
        .first()
    )


def can_edit_organisation(user, organisation: Organisation) -> bool:
    """Members change their own organisation (and its activities); moderators any."""
    return is_moderator(user) or organisation_role(user, organisation) is not None


def can_manage_members(user, organisation: Organisation) -> bool:
    """Invite and remove members: the organisation's admins and moderators."""
    return is_moderator(user) or organisation_role(user, organisation) == Membership.Role.ADMIN


def organisations_editable_by(user) -> QuerySet[Organisation]:
    """The organisations this user may edit; look objects up in here to 404 the others."""
    if is_moderator(user):
        return Organisation.objects.all()
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user)


def organisations_managed_by(user) -> QuerySet[Organisation]:
    """The organisations whose members this user manages (admins; moderators all)."""
    if is_moderator(user):
        return Organisation.objects.all()
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.ADMIN
    )


def memberships_managed_by(user, organisation: Organisation) -> QuerySet[Membership]:
    """Memberships of the organisation that this user may change or remove."""
    if not can_manage_members(user, organisation):
        return Membership.objects.none()
    return Membership.objects.filter(organisation=organisation)


def invitations_managed_by(user, organisation: Organisation) -> QuerySet[Invitation]:
    if not can_manage_members(user, organisation):
        return Invitation.objects.none()
    return Invitation.objects.filter(organisation=organisation)


def can_verify_workers(user) -> bool:
    return is_moderator(user)


def worker_profiles_reviewable_by(user) -> QuerySet[WorkerProfile]:
    """Worker profiles this user may verify or reject: all for moderators, none otherwise."""
    if not can_verify_workers(user):
        return WorkerProfile.objects.none()
    return WorkerProfile.objects.all()


def can_accept_invitation(user, invitation: Invitation) -> bool:
    """Only an account that has confirmed the invited address: a forwarded link is useless."""
    return bool(
        is_resident(user)
        and EmailAddress.objects.filter(
            user=user, email__iexact=invitation.email, verified=True
        ).exists()
    )


# --- Neighbour help -------------------------------------------------------------------------


def is_verified_account(user) -> bool:
    """An account that confirmed its e-mail address (the accounts' verification step), or that
    a moderator vouches for. Unverified accounts browse but cannot contact or be contacted."""
    if not is_resident(user):
        return False
    if is_moderator(user) or is_verified_worker(user):
        return True
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def verified_accounts_q(prefix: str = "") -> Q:
    """is_verified_account() as a filter on users (`prefix` leads to the user, e.g.
    "helper__"): for lists, so that no row costs a query of its own."""
    confirmed = EmailAddress.objects.filter(user=OuterRef(f"{prefix}pk"), verified=True)
    return Q(**{f"{prefix}is_active": True}) & (
        Q(**{f"{prefix}is_moderator": True})
        | Q(**{f"{prefix}is_superuser": True})
        | Q(**{f"{prefix}worker_profile__verified_at__isnull": False})
        | Exists(confirmed)
    )


def can_contact_neighbours(user) -> bool:
    """Offer help, ask for help, answer and send relayed messages."""
    return is_verified_account(user)


def can_see_unpublished_help(user, *, author_id: int) -> bool:
    """A help offer or request that is not public (waiting, rejected, hidden, expired): its
    author and moderators see it; for everyone else it does not exist."""
    return is_moderator(user) or bool(user.is_authenticated and user.pk == author_id)


def can_ask_on_behalf(user) -> bool:
    """Verified workers ask for help on behalf of a client (a first name or pseudonym)."""
    return is_verified_worker(user)


def can_see_help_load(user) -> bool:
    """The load per helper and neighbourhood: coordinators and moderators."""
    return is_coordinator(user)


def can_see_request_probers(user) -> bool:
    """Accounts whose help requests look like probing for helpers' homes: moderators."""
    return is_moderator(user)


# --- Joining the map ---------------------------------------------------------------------------


def can_register_organisation(user) -> bool:
    """Put a new association on the map: an account with a confirmed e-mail address."""
    return is_verified_account(user)


def can_claim_organisation(user) -> bool:
    """Claim a listing without members: an account with a confirmed e-mail address."""
    return is_verified_account(user)
