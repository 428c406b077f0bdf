"""How moderation reads organisations: who hears about decisions and whose additions wait.

Registered by accounts rather than buurt, which sits below accounts: an organisation's authors
are its members and the review rule is a role, both decided here. Activities reuse the authors.
"""

from django.utils.translation import gettext as _

from buurt.models import Organisation
from core import moderation

from . import joining, policy
from .models import Membership, OrganisationClaim, User


def organisation_authors(organisation: Organisation) -> list[User]:
    """Decisions go to the organisation's admins; to its editors when it has no admin."""
    members = list(
        Membership.objects.filter(organisation=organisation, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    admins = [m.user for m in members if m.role == Membership.Role.ADMIN]
    return admins or [m.user for m in members]


def organisation_needs_review(author, organisation: Organisation) -> bool:
    """Every organisation a member or resident adds waits for a moderator."""
    return not policy.is_moderator(author)


def register() -> None:
    moderation.register(
        Organisation,
        authors=organisation_authors,
        public_queryset=lambda: Organisation.objects.public(),
        text_fields=("name", "description", "opening_hours"),
        needs_review=organisation_needs_review,
        review_template="accounts/_organisation_review.html",
        review_context=joining.organisation_review_context,
    )
    # A claim is never public (nobody can report it); the claimant hears the decision.
    moderation.register(
        OrganisationClaim,
        authors=lambda claim: [claim.user],
        public_queryset=lambda: OrganisationClaim.objects.none(),
        title=claim_title,
        text_fields=("role", "note"),
        decided=joining.claim_decided,
        review_template="accounts/_claim_review.html",
        review_context=joining.claim_review_context,
        decision_template="accounts/email/claim_decision",
    )


def claim_title(claim: OrganisationClaim) -> str:
    return _("Claim of %(organisation)s") % {"organisation": claim.organisation.name}
