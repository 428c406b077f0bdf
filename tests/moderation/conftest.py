import pytest

from accounts.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def moderator():
    return UserFactory(email="moderator@example.org", first_name="Mona", is_moderator=True)


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Buurttheater De Koekoek", slug="buurttheater-de-koekoek")


@pytest.fixture
def author(organisation):
    """The organisation's admin: the one who hears about decisions."""
    return MembershipFactory(
        organisation=organisation, role=Membership.Role.ADMIN, user__email="beheer@koekoek.example"
    ).user


@pytest.fixture
def reporters():
    """Three different accounts with recognisable names and addresses."""
    return [
        UserFactory(email=f"melder{i}@example.org", first_name=f"Melder{i}", last_name="Geheim")
        for i in range(1, 4)
    ]
