"""The moderator's page of an organisation links the organisation's members page, which opens
for the moderator: who is behind an association is part of deciding on it."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "Wie zijn de leden van Buurtwerking"),
        ("fr", "Qui sont les membres de Buurtwerking"),
        ("en", "Who are the members of Buurtwerking"),
    ],
)
def test_the_organisation_review_links_its_members(client, language, text):
    organisation = factories.OrganisationFactory(name="Buurtwerking", moderation_state="pending")
    admin = factories.MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN)
    client.force_login(factories.UserFactory(is_moderator=True))

    review = client.get(
        reverse("moderation:item", args=["buurt.organisation", organisation.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    members_url = reverse("accounts:organisation-members", args=[organisation.slug])
    assert review.status_code == 200
    assert f'href="{members_url}"' in review.content.decode()
    assert text in review.content.decode()

    members = client.get(members_url)
    assert members.status_code == 200
    assert admin.user.email in members.content.decode()


def test_other_reviews_have_no_members_link(client):
    offer = factories.HelpOfferFactory(moderation_state="pending")
    client.force_login(factories.UserFactory(is_moderator=True))
    review = client.get(reverse("moderation:item", args=["neighbourhelp.helpoffer", offer.pk]))
    assert review.status_code == 200
    assert "/leden/" not in review.content.decode()
