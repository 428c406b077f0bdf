"""Invitations to join an organisation: sent by e-mail, accepted once, by the right account."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Membership
from tests.factories import InvitationFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Buurthuis De Sleep", slug="buurthuis-de-sleep")


@pytest.fixture
def admin(organisation):
    return MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user


def test_admin_invites_by_email_and_the_invitee_accepts(
    client, organisation, admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:member-invite", args=[organisation.slug]),
            {"email": "an@example.org", "role": "editor"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.invited_by == admin
    assert invitation.expires_at > timezone.now() + timedelta(days=13)

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["an@example.org"]
    assert "Buurthuis De Sleep" in mail.subject
    path = re.search(r"http://127\.0\.0\.1:8000(/\S+)", mail.body).group(1)
    assert path == reverse("accounts:invitation", args=[invitation.token])

    invitee = UserFactory(email="an@example.org")
    client.force_login(invitee)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    membership = Membership.objects.get(user=invitee)
    assert membership.organisation == organisation
    assert membership.role == Membership.Role.EDITOR
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee
    assert invitation.accepted_at is not None


def test_an_invitation_is_single_use(organisation):
    invitation = InvitationFactory(organisation=organisation, email="an@example.org")
    invitee = UserFactory(email="an@example.org")
    services.invitation_accept(invitation=invitation, user=invitee)
    Membership.objects.filter(user=invitee).delete()
    with pytest.raises(services.InvitationUnavailable):
        services.invitation_accept(invitation=invitation, user=invitee)
    assert not Membership.objects.filter(user=invitee).exists()


def test_an_expired_invitation_cannot_be_accepted(client, organisation):
    invitation = InvitationFactory(
        organisation=organisation,
        email="laat@example.org",
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    client.force_login(UserFactory(email="laat@example.org"))
    url = reverse("accounts:invitation", args=[invitation.token])
    assert client.get(url).status_code == 410
    response = client.post(url, follow=True)
    assert "already been used or has expired" in response.content.decode()
    assert not Membership.objects.exists()


def test_another_account_cannot_use_a_forwarded_link(client, organisation):
    invitation = InvitationFactory(organisation=organisation, email="an@example.org")
    client.force_login(UserFactory(email="iemand-anders@example.org"))
    url = reverse("accounts:invitation", args=[invitation.token])
    response = client.get(url)
    assert response.status_code == 403
    assert "sent to another e-mail address" in response.content.decode()
    assert client.post(url).status_code == 403
    assert not Membership.objects.exists()
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_the_invited_address_must_be_confirmed(organisation):
    invitation = InvitationFactory(organisation=organisation, email="an@example.org")
    unconfirmed = UserFactory(email="an@example.org", verified=False)
    with pytest.raises(services.InvitationWrongAccount):
        services.invitation_accept(invitation=invitation, user=unconfirmed)


def test_a_second_confirmed_address_counts(organisation):
    invitation = InvitationFactory(organisation=organisation, email="werk@example.org")
    user = UserFactory(email="thuis@example.org")
    user.emailaddress_set.create(email="werk@example.org", verified=True)
    membership = services.invitation_accept(invitation=invitation, user=user)
    assert membership.user == user


def test_accepting_never_lowers_a_role(organisation):
    membership = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN)
    invitation = InvitationFactory(
        organisation=organisation, email=membership.user.email, role=Membership.Role.EDITOR
    )
    # Inviting an existing member is refused by the service; an old invitation still works.
    services.invitation_accept(invitation=invitation, user=membership.user)
    membership.refresh_from_db()
    assert membership.role == Membership.Role.ADMIN


def test_only_admins_and_moderators_invite(organisation):
    editor = MembershipFactory(organisation=organisation, role=Membership.Role.EDITOR).user
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            organisation=organisation, email="x@example.org", role="editor", invited_by=editor
        )
    moderator = UserFactory(is_moderator=True)
    invitation = services.invitation_create(
        organisation=organisation, email="x@example.org", role="admin", invited_by=moderator
    )
    assert invitation.role == Membership.Role.ADMIN


def test_inviting_a_member_again_is_refused(organisation, admin):
    with pytest.raises(ValidationError, match="already belongs to a member"):
        services.invitation_create(
            organisation=organisation, email=admin.email.upper(), role="editor", invited_by=admin
        )


def test_a_new_invitation_replaces_the_pending_one(organisation, admin):
    first = services.invitation_create(
        organisation=organisation, email="an@example.org", role="editor", invited_by=admin
    )
    second = services.invitation_create(
        organisation=organisation, email="AN@example.org", role="admin", invited_by=admin
    )
    assert list(Invitation.objects.all()) == [second]
    assert first.token != second.token


def test_the_invitation_mail_is_not_sent_when_withdrawn_before_the_task_runs(
    organisation, admin, mailoutbox
):
    invitation = InvitationFactory(organisation=organisation)
    invitation_id = invitation.pk
    services.invitation_revoke(invitation=invitation, actor=admin)
    assert services.invitation_send_mail(invitation_id=invitation_id) is False
    assert mailoutbox == []


def test_admin_withdraws_an_invitation(client, organisation, admin):
    invitation = InvitationFactory(organisation=organisation)
    client.force_login(admin)
    response = client.post(
        reverse("accounts:invitation-revoke", args=[organisation.slug, invitation.pk])
    )
    assert response.status_code == 302
    assert not Invitation.objects.exists()


def test_an_unknown_token_is_404(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:invitation", args=["bestaat-niet"])).status_code == 404


def test_anonymous_is_sent_to_log_in_and_back(client, organisation):
    invitation = InvitationFactory(organisation=organisation)
    url = reverse("accounts:invitation", args=[invitation.token])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


def test_invalid_invitation_form_shows_errors(client, organisation, admin):
    client.force_login(admin)
    response = client.post(
        reverse("accounts:member-invite", args=[organisation.slug]),
        {"email": "geen-adres", "role": "editor"},
    )
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not Invitation.objects.exists()
