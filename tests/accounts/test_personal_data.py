"""Privacy page, "download my data" and "delete my account"."""

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from accounts import personal_data, services
from accounts.models import Invitation, Membership, User, WorkerProfile
from buurt.models import Organisation
from tests.factories import (
    PASSWORD,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    WorkerProfileFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    """A member of one organisation, a worker at another, who sent and received invitations."""
    user = UserFactory(email="els@example.org", first_name="Els")
    club = OrganisationFactory(name="Fanfare Ledeberg", slug="fanfare-ledeberg")
    MembershipFactory(user=user, organisation=club, role=Membership.Role.EDITOR)
    MembershipFactory(organisation=club, role=Membership.Role.ADMIN)
    WorkerProfileFactory(user=user, employer=OrganisationFactory(name="CAW Oost-Vlaanderen"))
    InvitationFactory(organisation=club, invited_by=user, email="vriend@example.org")
    InvitationFactory(organisation=OrganisationFactory(name="Buurtwerk"), email="ELS@example.org")
    return user


def test_privacy_page_is_public_and_plain(client, settings):
    settings.INVITATION_VALID_DAYS = 14
    response = client.get(reverse("accounts:privacy"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "What we store" in content
    assert "An invitation can be accepted for 14 days." in content


def test_privacy_page_in_dutch(client):
    response = client.get(reverse("accounts:privacy"), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    assert '<html lang="nl">' in response.content.decode()


def test_download_my_data(client, person):
    client.force_login(person)
    response = client.get(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="buurtkaart-')
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["account"]["email"] == "els@example.org"
    assert data["account"]["first_name"] == "Els"
    assert data["account"]["email_addresses"] == [
        {"email": "els@example.org", "verified": True, "primary": True}
    ]
    assert data["memberships"] == [
        {
            "organisation": "Fanfare Ledeberg",
            "organisation_slug": "fanfare-ledeberg",
            "role": "editor",
            "member_since": data["memberships"][0]["member_since"],
        }
    ]
    assert data["worker_profile"]["employer"] == "CAW Oost-Vlaanderen"
    assert [i["email"] for i in data["invitations"]["sent"]] == ["vriend@example.org"]
    assert [i["organisation"] for i in data["invitations"]["received"]] == ["Buurtwerk"]
    assert "password" not in json.dumps(data)


def test_download_contains_nothing_of_others(client, person):
    other = UserFactory(email="ander@example.org")
    client.force_login(other)
    data = json.loads(client.get(reverse("accounts:export")).content)
    assert data["memberships"] == []
    assert data["worker_profile"] is None
    assert data["invitations"] == {"sent": [], "received": []}
    assert "els@example.org" not in json.dumps(data)


def test_other_apps_add_their_items(client, person, monkeypatch):
    monkeypatch.setattr(personal_data, "_exporters", dict(personal_data._exporters))
    personal_data.register_exporter("help_offers", lambda user: [{"title": f"van {user.pk}"}])
    client.force_login(person)
    data = json.loads(client.get(reverse("accounts:export")).content)
    assert data["help_offers"] == [{"title": f"van {person.pk}"}]


def test_delete_my_account(client, person):
    club = Organisation.objects.get(slug="fanfare-ledeberg")
    client.force_login(person)
    url = reverse("accounts:delete")
    assert client.get(url).status_code == 200

    response = client.post(url, {"password": "verkeerd"})
    assert response.status_code == 400
    assert "This is not your password." in response.content.decode()
    assert User.objects.filter(pk=person.pk).exists()

    response = client.post(url, {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=person.pk).exists()
    assert "_auth_user_id" not in client.session
    assert not Membership.objects.filter(user_id=person.pk).exists()
    assert not WorkerProfile.objects.filter(user_id=person.pk).exists()
    assert not EmailAddress.objects.filter(email="els@example.org").exists()
    # The invitation addressed to them is gone; the one they sent stays, without a sender.
    assert list(Invitation.objects.values_list("email", "invited_by")) == [
        ("vriend@example.org", None)
    ]
    # Nothing else breaks: the organisation and its other member are still there.
    assert club.memberships.count() == 1
    assert client.get(club.get_absolute_url()).status_code == 200


def test_the_last_admin_cannot_delete_the_account(client):
    admin = MembershipFactory(role=Membership.Role.ADMIN, organisation__name="Kinderboerderij")
    MembershipFactory(organisation=admin.organisation, role=Membership.Role.EDITOR)
    client.force_login(admin.user)
    url = reverse("accounts:delete")
    assert "Kinderboerderij" in client.get(url).content.decode()
    response = client.post(url, {"password": PASSWORD})
    assert response.status_code == 400
    assert "last administrator of Kinderboerderij" in response.content.decode()
    assert User.objects.filter(pk=admin.user_id).exists()


def test_a_sole_admin_may_delete_the_account():
    admin = MembershipFactory(role=Membership.Role.ADMIN)
    services.account_delete(user=admin.user)
    assert Organisation.objects.filter(pk=admin.organisation_id).exists()


def test_anonymisers_run_before_the_user_is_deleted(person, monkeypatch):
    monkeypatch.setattr(personal_data, "_anonymisers", {})
    seen = []
    personal_data.register_anonymiser(
        "posts", lambda *, user: seen.append((user.pk, User.objects.filter(pk=user.pk).exists()))
    )
    pk = person.pk
    services.account_delete(user=person)
    assert seen == [(pk, True)]


def test_a_failing_anonymiser_deletes_nothing(person, monkeypatch):
    monkeypatch.setattr(personal_data, "_anonymisers", {})

    def broken(*, user):
        Membership.objects.filter(user=user).delete()
        raise RuntimeError("boom")

    personal_data.register_anonymiser("broken", broken)
    with pytest.raises(RuntimeError):
        services.account_delete(user=person)
    assert Membership.objects.filter(user=person).exists()


def test_dashboard_links_to_export_and_delete(client, person):
    client.force_login(person)
    content = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("accounts:export") in content
    assert reverse("accounts:delete") in content
    assert reverse("accounts:privacy") in content


def test_expired_invitations_are_not_offered_on_the_dashboard(client):
    user = UserFactory(email="laat@example.org")
    InvitationFactory(email=user.email, expires_at=timezone.now() - timedelta(days=1))
    client.force_login(user)
    assert "Invitations for you" not in client.get(reverse("accounts:dashboard")).content.decode()


def test_an_unconfirmed_address_links_no_invitations(client):
    """Adding someone else's address without confirming it shows and deletes nothing of theirs."""
    invitation = InvitationFactory(email="slachtoffer@example.org")
    intruder = UserFactory(email="indringer@example.org")
    intruder.emailaddress_set.create(email="slachtoffer@example.org", verified=False)
    client.force_login(intruder)

    data = json.loads(client.get(reverse("accounts:export")).content)
    assert data["invitations"]["received"] == []
    assert "Invitations for you" not in client.get(reverse("accounts:dashboard")).content.decode()

    services.account_delete(user=intruder)
    assert Invitation.objects.filter(pk=invitation.pk).exists()
