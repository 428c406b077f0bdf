"""Personal data: what a user can download, what is anonymised when they leave, and what is
deleted when it has been kept long enough. Three small registries that other apps extend.

An app registers its own handlers in its AppConfig.ready(), e.g. for help offers:

    from accounts import personal_data

    personal_data.register_exporter("help_offers", lambda user: [...])    # JSON-ready data
    personal_data.register_anonymiser("help_offers", anonymise_offers)   # fn(*, user)
    personal_data.register_retention("help_offers", purge_old_offers)    # fn(*, now) -> int

Anonymisers run inside the account deletion's transaction, before the user row is deleted:
they remove or detach everything that would otherwise be deleted with it or point at it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.models import EmailAddress

from .models import Invitation, Membership, OrganisationClaim, User, WorkerProfile

Exporter = Callable[[User], Any]
Anonymiser = Callable[..., None]
RetentionHandler = Callable[..., int]

_exporters: dict[str, Exporter] = {}
_anonymisers: dict[str, Anonymiser] = {}
_retention: dict[str, RetentionHandler] = {}


def register_exporter(name: str, exporter: Exporter) -> None:
    _exporters[name] = exporter


def register_anonymiser(name: str, anonymiser: Anonymiser) -> None:
    _anonymisers[name] = anonymiser


def register_retention(name: str, handler: RetentionHandler) -> None:
    _retention[name] = handler


def exporters() -> dict[str, Exporter]:
    return dict(_exporters)


def anonymisers() -> dict[str, Anonymiser]:
    return dict(_anonymisers)


def retention_handlers() -> dict[str, RetentionHandler]:
    return dict(_retention)


def _iso(value):
    return value.isoformat() if value else None


def verified_email_addresses(user: User) -> list[str]:
    """The addresses this user has proven to own, lower-cased.

    Only these link invitations to a user: anyone can add someone else's address to their
    account unconfirmed, and must not see or delete what was sent to it."""
    return sorted(
        {
            e.lower()
            for e in EmailAddress.objects.filter(user=user, verified=True).values_list(
                "email", flat=True
            )
        }
    )


def export_account(user: User) -> dict:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "is_moderator": user.is_moderator,
        "is_coordinator": user.is_coordinator,
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("email")
        ],
    }


def export_memberships(user: User) -> list[dict]:
    return [
        {
            "organisation": m.organisation.name,
            "organisation_slug": m.organisation.slug,
            "role": m.role,
            "member_since": _iso(m.created_at),
        }
        for m in Membership.objects.filter(user=user).select_related("organisation")
    ]


def export_worker_profile(user: User) -> dict | None:
    profile = WorkerProfile.objects.filter(user=user).select_related("employer").first()
    if profile is None:
        return None
    return {
        "profession": profile.profession,
        "employer": profile.employer_label,
        "work_email": profile.work_email,
        "work_email_confirmed_at": _iso(profile.work_email_confirmed_at),
        "phone": profile.phone,
        "verified_at": _iso(profile.verified_at),
    }


def _invitation(invitation: Invitation) -> dict:
    return {
        "organisation": invitation.organisation.name,
        "email": invitation.email,
        "role": invitation.role,
        "sent_at": _iso(invitation.created_at),
        "expires_at": _iso(invitation.expires_at),
        "accepted_at": _iso(invitation.accepted_at),
    }


def export_invitations(user: User) -> dict:
    """Invitations this user sent, and those sent to one of their addresses."""
    received = Invitation.objects.none()
    for address in verified_email_addresses(user):
        received |= Invitation.objects.filter(email__iexact=address)
    return {
        "sent": [
            _invitation(i)
            for i in Invitation.objects.filter(invited_by=user).select_related("organisation")
        ],
        "received": [_invitation(i) for i in received.select_related("organisation")],
    }


def export_claims(user: User) -> list[dict]:
    """Listings this user claimed, with the evidence they gave (deleted with the account)."""
    return [
        {
            "organisation": c.organisation.name,
            "role": c.role,
            "email": c.email,
            "email_confirmed_at": _iso(c.email_confirmed_at),
            "enterprise_number": c.enterprise_number,
            "note": c.note,
            "state": c.moderation_state,
            "claimed_at": _iso(c.created_at),
        }
        for c in OrganisationClaim.objects.filter(user=user).select_related("organisation")
    ]


register_exporter("account", export_account)
register_exporter("memberships", export_memberships)
register_exporter("worker_profile", export_worker_profile)
register_exporter("invitations", export_invitations)
register_exporter("claims", export_claims)
