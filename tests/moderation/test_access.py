"""Object-id URLs of moderation, tried by people who have no business there.

The moderation pages exist only for moderators: 404 for everyone else (even the item's own
author), whatever the method. The report page is open to every signed-in user for public
items only; for anything else it is 404 for everyone.
"""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from buurt.models import Organisation
from core.moderation import ModerationState
from moderation.models import AuditEntry, Report
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

MODERATOR_PAGES = ["moderation:item", "moderation:decide"]
STATES = [s.value for s in ModerationState]


@pytest.fixture
def items():
    """An organisation in every moderation state, each with its own admin."""
    organisations = {state: OrganisationFactory(moderation_state=state) for state in STATES}
    for organisation in organisations.values():
        MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN)
    return organisations


def visitors(organisation):
    """Everyone who is not a moderator, including the organisation's own admin."""
    return {
        "anonymous": None,
        "resident": UserFactory(),
        "coordinator": UserFactory(is_coordinator=True),
        "staff without moderation": UserFactory(is_staff=True),
        "its own admin": organisation.memberships.get().user,
        "admin of another organisation": MembershipFactory().user,
    }


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def snapshot():
    return (
        list(AuditEntry.objects.values_list("pk", flat=True)),
        list(Report.objects.values_list("pk", flat=True)),
        dict(Organisation.objects.values_list("pk", "moderation_state")),
    )


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("name", MODERATOR_PAGES)
def test_moderator_pages_of_an_item_are_404_for_everyone_else(items, state, name):
    organisation = items[state]
    url = reverse(name, args=["buurt.organisation", organisation.pk])
    people = visitors(organisation)
    before = snapshot()
    for who, user in people.items():
        client = client_for(user)
        for method in ("get", "post", "put", "patch", "delete"):
            data = {"decision": "approve", "reason": "x"} if method == "post" else None
            response = getattr(client, method)(url, data)
            assert response.status_code == 404, (who, method, url)
    assert snapshot() == before


@pytest.mark.parametrize("url", [reverse("moderation:queue"), reverse("moderation:audit-log")])
def test_moderator_lists_are_404_for_everyone_else(items, url):
    for who, user in visitors(items["approved"]).items():
        assert client_for(user).get(url).status_code == 404, who


@pytest.mark.parametrize("state", [s for s in STATES if s != ModerationState.APPROVED])
def test_reporting_an_item_that_is_not_public_is_404_for_everyone(items, state):
    organisation = items[state]
    url = reverse("moderation:report", args=["buurt.organisation", organisation.pk])
    everyone = visitors(organisation) | {"moderator": UserFactory(is_moderator=True)}
    before = snapshot()
    for who, user in everyone.items():
        client = client_for(user)
        assert client.get(url).status_code == 404, who
        assert client.post(url, {"reason": "spam"}).status_code == 404, who
    assert snapshot() == before


def test_reporting_a_public_item_asks_anonymous_visitors_to_log_in(items):
    organisation = items["approved"]
    url = reverse("moderation:report", args=["buurt.organisation", organisation.pk])
    client = Client()

    for response in (client.get(url), client.post(url, {"reason": "spam"})):
        assert response.status_code == 200
        assert "login_url" in response.context
    assert client.put(url).status_code == 405
    assert not Report.objects.exists()


def test_a_moderator_reaches_the_pages_of_every_item(items):
    client = client_for(UserFactory(is_moderator=True))
    for organisation in items.values():
        url = reverse("moderation:item", args=["buurt.organisation", organisation.pk])
        assert client.get(url).status_code == 200
