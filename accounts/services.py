"""Every write about accounts, memberships, invitations and worker profiles.

Atomic and validated; permissions are asked of accounts.policy; e-mails go out through tasks
queued when the transaction commits. Rule violations raise ValidationError subclasses whose
message can be shown to the user as it is.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from buurt.models import Organisation
from buurt.services import organisation_save
from core.mail import message_render, messages_send, site_url
from core.tasks import enqueue_on_commit

from . import listing_reviews, personal_data, policy
from .address_links import WORK_EMAIL
from .models import Invitation, Membership, User, WorkerProfile

logger = logging.getLogger(__name__)


class LastAdminError(ValidationError):
    """The change would leave an organisation with members but without an administrator."""


class InvitationError(ValidationError):
    pass


class InvitationUnavailable(InvitationError):
    """Accepted already, or expired."""


class InvitationWrongAccount(InvitationError):
    """The signed-in account has not verified the address the invitation was sent to."""


def wrong_account_message() -> str:
    return _(
        "This invitation was sent to another e-mail address. Sign in with that address, or "
        "add and confirm it in your account first."
    )


# --- Invitations ------------------------------------------------------------------------------


def _is_member(organisation: Organisation, email: str) -> bool:
    return Membership.objects.filter(
        Q(user__emailaddress__email__iexact=email, user__emailaddress__verified=True)
        | Q(user__email__iexact=email),
        organisation=organisation,
    ).exists()


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, email: str, role: str, invited_by: User
) -> Invitation:
    """Invite an address to join; a newer invitation to the same address replaces older ones."""
    if not policy.can_manage_members(invited_by, organisation):
        raise PermissionDenied
    email = email.strip()
    if _is_member(organisation, email):
        raise ValidationError(_("This address already belongs to a member."))
    Invitation.objects.filter(
        organisation=organisation, email__iexact=email, accepted_at__isnull=True
    ).delete()
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=invited_by,
        token=secrets.token_urlsafe(32),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()

    from .tasks import invitation_send_task

    enqueue_on_commit(invitation_send_task, invitation.pk)
    return invitation


def invitation_send_mail(*, invitation_id: int) -> bool:
    """Send the invitation e-mail (called by the task); False when it is no longer pending."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_pending:
        return False
    message = message_render(
        template_prefix="accounts/email/invitation",
        context={
            "invitation": invitation,
            "organisation": invitation.organisation,
            "accept_url": site_url(reverse("accounts:invitation", args=[invitation.token])),
        },
        recipient=invitation.email,
        language=invitation.language,  # the inviter's: the invitee has no account yet
    )
    messages_send([message])
    return True


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Make the user a member. Single use: the row is locked, then marked accepted."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise InvitationUnavailable(
            _("This invitation has already been used or has expired. Ask for a new one.")
        )
    if not policy.can_accept_invitation(user, invitation):
        raise InvitationWrongAccount(wrong_account_message())
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    # Accepting never takes a role away: an admin invited as editor stays admin.
    if not created and invitation.role == Membership.Role.ADMIN:
        membership.role = Membership.Role.ADMIN
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> None:
    if not policy.can_manage_members(actor, invitation.organisation):
        raise PermissionDenied
    invitation.delete()


# --- Memberships ------------------------------------------------------------------------------


def _lock_memberships(organisation_id: int) -> list[Membership]:
    """Lock the organisation's memberships so that two admins cannot both leave at once."""
    return list(Membership.objects.select_for_update().filter(organisation_id=organisation_id))


def _is_last_admin(membership: Membership, memberships: list[Membership]) -> bool:
    return membership.role == Membership.Role.ADMIN and not any(
        m.role == Membership.Role.ADMIN and m.pk != membership.pk for m in memberships
    )


def _last_admin_error(organisation) -> LastAdminError:
    return LastAdminError(
        _(
            "You are the last administrator of %(organisation)s. Name another member as "
            "administrator first."
        )
        % {"organisation": organisation}
    )


@transaction.atomic
def membership_leave(*, membership: Membership, successor: Membership | None = None) -> None:
    """Leave an organisation. The last admin names a successor among the other members.

    A sole member may leave: the organisation then has no members, and a moderator can
    invite new ones."""
    memberships = _lock_memberships(membership.organisation_id)
    others = [m for m in memberships if m.pk != membership.pk]
    if _is_last_admin(membership, memberships) and others:
        if successor is None or successor.pk not in {m.pk for m in others}:
            raise _last_admin_error(membership.organisation)
        successor.role = Membership.Role.ADMIN
        successor.save(update_fields=["role"])
    membership.delete()


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, actor: User) -> Membership:
    if not policy.can_manage_members(actor, membership.organisation):
        raise PermissionDenied
    memberships = _lock_memberships(membership.organisation_id)
    if role != Membership.Role.ADMIN and _is_last_admin(membership, memberships):
        raise _last_admin_error(membership.organisation)
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    """An admin (or moderator) removes another member; leaving oneself is membership_leave."""
    if not policy.can_manage_members(actor, membership.organisation):
        raise PermissionDenied
    if membership.user_id == actor.pk:
        raise ValidationError(_("To leave the organisation yourself, use “Leave”."))
    memberships = _lock_memberships(membership.organisation_id)
    if _is_last_admin(membership, memberships) and len(memberships) > 1:
        raise _last_admin_error(membership.organisation)
    membership.delete()


def organisations_needing_successor(user: User):
    """Organisations where this user is the only admin and other members remain."""
    admin_of = Membership.objects.filter(user=user, role=Membership.Role.ADMIN).values(
        "organisation"
    )
    return (
        Organisation.objects.filter(pk__in=admin_of)
        .annotate(
            admin_count=Count("memberships", filter=Q(memberships__role=Membership.Role.ADMIN)),
            member_count=Count("memberships"),
        )
        .filter(admin_count=1, member_count__gt=1)
    )


# --- Workers ----------------------------------------------------------------------------------


@transaction.atomic
def worker_request(
    *,
    user: User,
    profession: str,
    employer: Organisation | None,
    employer_name: str = "",
    work_email: str = "",
    phone: str = "",
    language: str = "nl",
) -> WorkerProfile:
    """Ask to be a worker. Changing profession, employer or work address asks for verification
    again; a new work address gets a confirmation link (sent after the commit, in `language`)."""
    profile = WorkerProfile.objects.filter(user=user).first() or WorkerProfile(user=user)
    work_email = work_email.strip().lower()
    employer_name = "" if employer is not None else employer_name.strip()
    if employer is None and not employer_name:
        raise ValidationError(
            {"employer_name": _("Choose your employer from the list, or type its name.")}
        )
    new_address = work_email != profile.work_email
    changed = (
        profile.pk is None
        or new_address
        or (profile.profession, profile.employer_id, profile.employer_name)
        != (profession, employer.pk if employer else None, employer_name)
    )
    profile.profession, profile.employer, profile.employer_name = (
        profession,
        employer,
        employer_name,
    )
    profile.phone = phone
    if new_address:
        WORK_EMAIL.issue(profile, work_email)
    if changed:
        profile.verified_at, profile.verified_by = None, None
    profile.full_clean()
    profile.save()
    if new_address and work_email:
        from .tasks import worker_email_task

        enqueue_on_commit(worker_email_task, profile.pk, language)
    return profile


def worker_email_url(profile: WorkerProfile) -> str:
    return WORK_EMAIL.url(profile)


def _work_addresses_to_confirm():
    return WorkerProfile.objects.filter(work_email_confirmed_at__isnull=True).exclude(work_email="")


def worker_email_send(*, profile_id: int, language: str) -> bool:
    """Send the confirmation link to the work e-mail address (called by the task)."""
    profile = _work_addresses_to_confirm().filter(pk=profile_id).first()
    if profile is None:
        return False
    WORK_EMAIL.send(profile, language=language, context={"profile": profile})
    return True


@transaction.atomic
def worker_email_resend(*, user: User, language: str = "nl") -> WorkerProfile | None:
    """A new link to confirm the worker's still unconfirmed work address (the old one expired
    after WORK_EMAIL_LINK_VALID_DAYS, or its e-mail was lost), sent after the commit; the old
    link stops working. None when there is no address waiting to be confirmed."""
    profile = _work_addresses_to_confirm().filter(user=user).first()
    if profile is None:
        return None
    WORK_EMAIL.renew(profile)
    from .tasks import worker_email_task

    enqueue_on_commit(worker_email_task, profile.pk, language)
    return profile


def worker_email_confirm(*, profile_id: int, token: str, user: User) -> WorkerProfile:
    """The worker opened the link sent to the work address, in their own session
    (accounts.address_links). Raises WorkerProfile.DoesNotExist for a wrong link,
    address_links.LinkExpired after WORK_EMAIL_LINK_VALID_DAYS."""
    return WORK_EMAIL.confirm(pk=profile_id, token=token, user=user)


@transaction.atomic
def worker_verify(*, profile: WorkerProfile, moderator: User) -> WorkerProfile:
    """A moderator confirms the person works where they say; worker rights start now."""
    if not policy.can_verify_workers(moderator):
        raise PermissionDenied
    if profile.is_verified:
        return profile
    profile.verified_at, profile.verified_by = timezone.now(), moderator
    profile.save(update_fields=["verified_at", "verified_by"])
    _audit(actor=moderator, action="verify", target=profile)

    from .tasks import worker_decision_mail_task

    user_id = profile.user_id
    enqueue_on_commit(worker_decision_mail_task, user_id, True)
    return profile


@transaction.atomic
def worker_reject(*, profile: WorkerProfile, moderator: User) -> None:
    """Refuse (or withdraw) worker rights: the request is deleted and the person told."""
    if not policy.can_verify_workers(moderator):
        raise PermissionDenied
    user_id = profile.user_id
    _audit(actor=moderator, action="reject", target=profile)
    profile.delete()

    from .tasks import worker_decision_mail_task

    enqueue_on_commit(worker_decision_mail_task, user_id, False)


def worker_decision_mail(*, user_id: int, verified: bool) -> bool:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    template = "worker_verified" if verified else "worker_rejected"
    message = message_render(
        template_prefix=f"accounts/email/{template}",
        context={"user": user, "account_url": site_url(reverse("accounts:dashboard"))},
        recipient=user,
    )
    messages_send([message])
    return True


def _audit(*, actor: User, action: str, target) -> None:
    from moderation.models import AuditEntry
    from moderation.services import audit_record

    audit_record(actor=actor, action=AuditEntry.Action(action), target=target)


# --- Organisation profiles --------------------------------------------------------------------


@transaction.atomic
def organisation_edit(
    *, organisation: Organisation, editor: User, languages=None, network_models=None
) -> Organisation:
    """Save a profile edited by a member, or by a moderator on the member's behalf (audited)."""
    if not policy.can_edit_organisation(editor, organisation):
        raise PermissionDenied
    organisation = organisation_save(
        organisation=organisation, languages=languages, network_models=network_models
    )
    if policy.organisation_role(editor, organisation) is None:
        _audit(actor=editor, action="edit_on_behalf", target=organisation)
    else:
        # A member who saved the profile has looked at it: that confirms the listing.
        listing_reviews.listing_confirm(organisation=organisation, user=editor)
    return organisation


# --- Roles set by the operator ----------------------------------------------------------------


@transaction.atomic
def user_make_moderator(*, email: str) -> User:
    """Make an existing account a moderator; the operator vouches for its address."""
    user = User.objects.get(email__iexact=email.strip())
    user.is_moderator = True
    user.save(update_fields=["is_moderator"])
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email=user.email.lower(), defaults={"verified": True, "primary": True}
    )
    if not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    return user


# --- Personal data ----------------------------------------------------------------------------


def account_export(*, user: User) -> dict:
    """Everything linked to the user, as JSON-ready data (the exporters' registry)."""
    return {
        "generated_at": timezone.now().isoformat(),
        **{name: export(user) for name, export in personal_data.exporters().items()},
    }


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete an account. Public posts are anonymised or removed by the registered anonymisers;
    memberships, the worker profile and e-mail addresses go with the user row."""
    blocking = list(organisations_needing_successor(user))
    if blocking:
        raise LastAdminError(
            _(
                "You are the last administrator of %(organisations)s. Name another "
                "administrator or leave these organisations first."
            )
            % {"organisations": ", ".join(o.name for o in blocking)}
        )
    for anonymise in personal_data.anonymisers().values():
        anonymise(user=user)
    addresses = Q()
    for address in personal_data.verified_email_addresses(user):
        addresses |= Q(email__iexact=address)
    if addresses:
        Invitation.objects.filter(addresses, accepted_at__isnull=True).delete()
    user.delete()


def _delete_accounts(users, reason: str) -> int:
    deleted = 0
    for user in list(users):
        try:
            account_delete(user=user)
        except LastAdminError:
            # Left for a moderator: deleting it would orphan an organisation's members.
            logger.warning("Kept %s account %s: last admin of an organisation", reason, user.pk)
        else:
            deleted += 1
    return deleted


def personal_data_retention(*, now=None) -> dict[str, int]:
    """Delete what has been kept longer than the retention settings allow.

    Site staff are never deleted automatically. Returns what was deleted, per kind."""
    now = now or timezone.now()
    people = User.objects.filter(is_staff=False, is_superuser=False)

    inactive_before = now - timedelta(days=settings.ACCOUNT_INACTIVE_RETENTION_DAYS)
    inactive = people.filter(
        Q(last_login__lt=inactive_before)
        | Q(last_login__isnull=True, date_joined__lt=inactive_before)
    )
    unverified_before = now - timedelta(days=settings.ACCOUNT_UNVERIFIED_RETENTION_DAYS)
    # Sign-ups that never confirmed their address; accounts made by an operator have no
    # EmailAddress rows and are left alone.
    unverified = (
        people.filter(date_joined__lt=unverified_before, emailaddress__isnull=False)
        .exclude(emailaddress__verified=True)
        .distinct()
    )
    ended_before = now - timedelta(days=settings.INVITATION_RETENTION_DAYS)
    counts = {
        "inactive_accounts": _delete_accounts(inactive, "inactive"),
        "unverified_accounts": _delete_accounts(unverified, "unverified"),
        "invitations": Invitation.objects.filter(
            Q(accepted_at__lt=ended_before) | Q(expires_at__lt=ended_before)
        ).delete()[0],
    }
    for name, handler in personal_data.retention_handlers().items():
        counts[name] = handler(now=now)
    return counts
