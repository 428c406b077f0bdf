"""accounts.policy: what each role may do, decided in one place."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import policy
from accounts.models import Membership
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    WorkerProfileFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Toneelgroep De Buurt")


@pytest.fixture
def people(organisation):
    """One person per role, all around the same organisation."""
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    editor = MembershipFactory(organisation=organisation, role=Membership.Role.EDITOR).user
    worker = WorkerProfileFactory(verified_at="2026-01-05T10:00Z").user
    return {
        "anonymous": AnonymousUser(),
        "resident": UserFactory(),
        "admin": admin,
        "editor": editor,
        "worker": worker,
        "unverified_worker": WorkerProfileFactory().user,
        "moderator": UserFactory(is_moderator=True),
        "coordinator": UserFactory(is_coordinator=True),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        "blocked_moderator": UserFactory(is_moderator=True, is_active=False),
    }


# role: (resident, moderator, coordinator, verified worker, edit, manage members)
EXPECTED = {
    "anonymous": (False, False, False, False, False, False),
    "resident": (True, False, False, False, False, False),
    "admin": (True, False, False, False, True, True),
    "editor": (True, False, False, False, True, False),
    "worker": (True, False, False, True, False, False),
    "unverified_worker": (True, False, False, False, False, False),
    "moderator": (True, True, True, False, True, True),
    "coordinator": (True, False, True, False, False, False),
    "superuser": (True, True, True, False, True, True),
    "blocked_moderator": (False, False, False, False, False, False),
}


@pytest.mark.parametrize("role", EXPECTED)
def test_predicates_per_role(people, organisation, role):
    user = people[role]
    actual = (
        policy.is_resident(user),
        policy.is_moderator(user),
        policy.is_coordinator(user),
        policy.is_verified_worker(user),
        policy.can_edit_organisation(user, organisation),
        policy.can_manage_members(user, organisation),
    )
    assert actual == EXPECTED[role]
    assert policy.can_verify_workers(user) == EXPECTED[role][1]


@pytest.mark.parametrize("role", EXPECTED)
def test_querysets_agree_with_the_predicates(people, organisation, role):
    user = people[role]
    other = OrganisationFactory()
    editable = set(policy.organisations_editable_by(user))
    managed = set(policy.organisations_managed_by(user))
    assert (organisation in editable) == EXPECTED[role][4]
    assert (organisation in managed) == EXPECTED[role][5]
    # Only moderators reach organisations they are not a member of.
    assert (other in editable) == EXPECTED[role][1]
    members = policy.memberships_managed_by(user, organisation)
    assert members.exists() == EXPECTED[role][5]
    assert policy.worker_profiles_reviewable_by(user).exists() == EXPECTED[role][1]


def test_roles_in_one_organisation_give_nothing_in_another(people):
    other = OrganisationFactory()
    for role in ("admin", "editor"):
        assert not policy.can_edit_organisation(people[role], other)
        assert not policy.can_manage_members(people[role], other)
        assert policy.organisation_role(people[role], other) is None


def test_only_the_invited_verified_address_may_accept():
    invitation = InvitationFactory(email="Genodigde@Example.org")
    invited = UserFactory(email="genodigde@example.org")
    unconfirmed = UserFactory(email="ander@example.org")
    unconfirmed.emailaddress_set.create(email="genodigde@example.org", verified=False)
    assert policy.can_accept_invitation(invited, invitation)
    assert not policy.can_accept_invitation(unconfirmed, invitation)
    assert not policy.can_accept_invitation(UserFactory(), invitation)
    assert not policy.can_accept_invitation(AnonymousUser(), invitation)


def test_unpublished_help_is_seen_by_its_author_and_moderators_only(people):
    author = people["resident"]
    assert policy.can_see_unpublished_help(author, author_id=author.pk)
    assert policy.can_see_unpublished_help(people["moderator"], author_id=author.pk)
    for role in ("anonymous", "coordinator", "worker", "blocked_moderator"):
        assert not policy.can_see_unpublished_help(people[role], author_id=author.pk), role
