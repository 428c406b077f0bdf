"""How moderation reads organisations: who hears about decisions and whose additions wait.

Registered by accounts rather than buurt, which sits below accounts: an organisation's authors
are its members and the review rule is a role, both decided here. Activities reuse the authors.
"""

from buurt.models import Organisation
from core import moderation

from . import policy
from .models import Membership, User


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
    )
