"""An association joins the map: registering a new one ("Zet je vereniging op de kaart") and
claiming a listing that has no members yet. Services (writes) and the reads of their pages.

A registration is saved at once, waits for a moderator (moderation.services.organisation_submit)
and is placed on the map in the background (buurt.placing). A claim is a moderated item of its
own (accounts/moderated.py): the moderator's approval makes the claimant an admin member.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from buurt.duplicates import website_key
from buurt.models import GeocodeStatus, Organisation, Precision
from buurt.querysets import public_organisations_q
from buurt.selectors import DuplicateMatch, organisation_duplicates
from buurt.services import organisation_insert
from core.moderation import ModerationState
from core.ratelimit import RateLimited
from core.tasks import enqueue_on_commit
from moderation.models import AuditEntry
from moderation.services import audit_record, organisation_submit

from . import policy
from .address_links import CLAIM_EMAIL
from .models import Membership, OrganisationClaim, User

# Claims per account in 24 hours, counted in the database: a person with two or three
# associations can claim them in one evening; nobody claims the whole map.
CLAIMS_PER_DAY = 3
CLAIM_WINDOW = timedelta(hours=24)


class ClaimError(ValidationError):
    """A claim rule was broken; the message can be shown as it is."""


class ClaimRateLimited(ClaimError):
    def __init__(self, limited: RateLimited):
        super().__init__(limited.message, code="rate_limited")
        self.retry_after = limited.retry_after


# --- Registering a new association ------------------------------------------------------------


def registration_duplicates(
    *, organisation: Organisation, author: User
) -> tuple[list[DuplicateMatch], set[int]]:
    """Listings that look like the association about to be registered, and which of them the
    author is already a member of. Public ones are offered as "Is this yours?" with the claim
    path; the author's own (a registration still waiting, say) with where it stands. Other
    listings that are not public are left to the moderator, who sees them with the submission
    (organisation_review_context)."""
    visible = Organisation.objects.filter(
        public_organisations_q() | Q(memberships__user=author)
    ).distinct()
    matches = organisation_duplicates(
        name=organisation.name,
        postcode=organisation.postcode,
        point=organisation.point,
        enterprise_number=organisation.enterprise_number,
        website=organisation.website,
        queryset=visible,
    )
    own = set(
        Membership.objects.filter(
            user=author, organisation__in=[m.organisation for m in matches]
        ).values_list("organisation_id", flat=True)
    )
    return matches, own


@transaction.atomic
def organisation_register(
    *, organisation: Organisation, author: User, languages=None, network_models=None
) -> Organisation:
    """A person with a confirmed e-mail address puts their association on the map.

    Saved at once (published by its members, but not public until a moderator approves), the
    author its first admin member; the address is placed on the map after the commit."""
    if not policy.can_register_organisation(author):
        raise PermissionDenied
    organisation.status = Organisation.Status.PUBLISHED
    # The person who puts it on the map vouches for it today.
    organisation.assured_on, organisation.assurer = (
        timezone.localdate(),
        Organisation.Assurer.MEMBER,
    )
    return organisation_insert(
        organisation=organisation,
        name=organisation.name,
        insert=lambda: organisation_submit(
            organisation=organisation,
            author=author,
            languages=languages,
            network_models=network_models,
        ),
    )


def placing_needs_a_hand(organisation: Organisation) -> bool:
    """Whether the member should check the point: placed only on the street, or not at all."""
    if organisation.geocode_status == GeocodeStatus.FAILED:
        return True
    return (
        organisation.geocode_status == GeocodeStatus.DONE
        and organisation.geocode_precision != Precision.ADDRESS
    )


def organisation_review_context(organisation: Organisation) -> dict:
    """For the moderator's page of a listing: who submitted it and which listings (in any
    state) look like the same association."""
    return {
        "organisation": organisation,
        "members": list(
            Membership.objects.filter(organisation=organisation).select_related("user")
        ),
        "similar": organisation_duplicates(
            name=organisation.name,
            postcode=organisation.postcode,
            point=organisation.point,
            enterprise_number=organisation.enterprise_number,
            website=organisation.website,
            exclude_pk=organisation.pk,
        ),
    }


# --- Claiming a listing without members -------------------------------------------------------


def claimable_organisations() -> QuerySet[Organisation]:
    """Public listings that nobody keeps yet: each shows "Is this your association?"."""
    return Organisation.objects.public().filter(memberships__isnull=True)


def email_fits_website(email: str, website: str) -> bool:
    """Whether an e-mail address is on the website's own domain (or a subdomain of it);
    never for a page on a shared host such as facebook.com."""
    site = website_key(website)
    if not site or "/" in site or "@" not in email:
        return False
    domain = email.rsplit("@", 1)[1].lower().rstrip(".")
    return domain == site or domain.endswith(f".{site}")


def claim_limit_reached(user: User, *, now=None) -> RateLimited | None:
    """None while `user` may claim again, else how long to wait (CLAIMS_PER_DAY a day)."""
    now = now or timezone.now()
    times = list(
        OrganisationClaim.objects.filter(user=user, created_at__gt=now - CLAIM_WINDOW)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:CLAIMS_PER_DAY]
    )
    if len(times) < CLAIMS_PER_DAY:
        return None
    return RateLimited(
        retry_after=max(1, math.ceil((times[-1] + CLAIM_WINDOW - now).total_seconds()))
    )


def open_claim(*, user: User, organisation: Organisation) -> OrganisationClaim | None:
    if not user.is_authenticated:
        return None
    return OrganisationClaim.objects.filter(
        user=user, organisation=organisation, moderation_state=ModerationState.PENDING
    ).first()


@transaction.atomic
def claim_create(
    *,
    user: User,
    organisation: Organisation,
    role: str,
    email: str = "",
    enterprise_number: str = "",
    note: str = "",
    language: str = "nl",
) -> OrganisationClaim:
    """Ask to keep a listing without members; a moderator decides (audited).

    Evidence: an e-mail address on the website's domain (a link to confirm it is sent after
    the commit, in `language`), the enterprise number, a note; at least one of them."""
    if not policy.can_claim_organisation(user):
        raise PermissionDenied
    if not claimable_organisations().filter(pk=organisation.pk).exists():
        raise ClaimError(_("This listing already has members: ask them to invite you."))
    if open_claim(user=user, organisation=organisation):
        raise ClaimError(_("You already asked for this listing; a moderator will answer."))
    email, note = email.strip(), note.strip()
    if not (email or enterprise_number or note):
        raise ClaimError(
            _("Give at least one piece of evidence: an e-mail address, the number or a note.")
        )
    if email and not email_fits_website(email, organisation.website):
        raise ClaimError({"email": _("Use an address on the association's website domain.")})
    limited = claim_limit_reached(user)
    if limited:
        raise ClaimRateLimited(limited)
    claim = OrganisationClaim(
        user=user,
        organisation=organisation,
        role=role.strip(),
        enterprise_number=enterprise_number,
        note=note,
    )
    CLAIM_EMAIL.issue(claim, email)
    claim.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError as exc:  # the same person twice at the same moment
        raise ClaimError(_("You already asked for this listing; a moderator will answer.")) from exc
    audit_record(actor=user, action=AuditEntry.Action.CLAIM, target=claim)
    if email:
        from .tasks import claim_email_task

        enqueue_on_commit(claim_email_task, claim.pk, language)
    return claim


def claim_email_url(claim: OrganisationClaim) -> str:
    return CLAIM_EMAIL.url(claim)


def claim_email_send(*, claim_id: int, language: str) -> bool:
    """Send the confirmation link to the claim's e-mail address (called by the task)."""
    claim = (
        OrganisationClaim.objects.select_related("organisation")
        .filter(pk=claim_id, moderation_state=ModerationState.PENDING)
        .exclude(email="")
        .first()
    )
    if claim is None or claim.email_confirmed:
        return False
    CLAIM_EMAIL.send(
        claim, language=language, context={"claim": claim, "organisation": claim.organisation}
    )
    return True


def claim_email_confirm(*, claim_id: int, token: str, user: User) -> OrganisationClaim:
    """The claimant opened the link sent to the association's address, in their own session
    (accounts.address_links). Raises OrganisationClaim.DoesNotExist for a wrong link."""
    return CLAIM_EMAIL.confirm(pk=claim_id, token=token, user=user)


def claim_decided(claim: OrganisationClaim, state: str, moderator) -> None:
    """Registered with moderation: an approved claim makes the claimant an admin member.
    A refusal changes nothing else (the moderator's reason is e-mailed to the claimant)."""
    if state != ModerationState.APPROVED:
        return
    membership, created = Membership.objects.get_or_create(
        user=claim.user, organisation=claim.organisation, defaults={"role": Membership.Role.ADMIN}
    )
    if not created and membership.role != Membership.Role.ADMIN:
        membership.role = Membership.Role.ADMIN
        membership.save(update_fields=["role"])


def claim_review_context(claim: OrganisationClaim) -> dict:
    """For the moderator's page of a claim: the evidence next to the listing's own data."""
    organisation = claim.organisation
    return {
        "claim": claim,
        "organisation": organisation,
        "email_fits": email_fits_website(claim.email, organisation.website)
        if claim.email
        else None,
        "members": list(
            Membership.objects.filter(organisation=organisation).select_related("user")
        ),
        "other_claims": list(
            OrganisationClaim.objects.filter(
                organisation=organisation, moderation_state=ModerationState.PENDING
            )
            .exclude(pk=claim.pk)
            .select_related("user")
        ),
    }


def claims_of(*, user: User):
    """The user's claims with their listings, newest first: for "My account"."""
    return OrganisationClaim.objects.filter(user=user).select_related("organisation")
