"""Members leave; the last administrator names a successor first; admins manage members."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts import services
from accounts.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ADMIN, EDITOR = Membership.Role.ADMIN, Membership.Role.EDITOR


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Sportclub Muide", slug="sportclub-muide")


def test_an_editor_leaves(organisation):
    MembershipFactory(organisation=organisation, role=ADMIN)
    editor = MembershipFactory(organisation=organisation, role=EDITOR)
    services.membership_leave(membership=editor)
    assert not Membership.objects.filter(pk=editor.pk).exists()


def test_the_last_admin_cannot_leave_without_naming_another(organisation):
    admin = MembershipFactory(organisation=organisation, role=ADMIN)
    editor = MembershipFactory(organisation=organisation, role=EDITOR)
    with pytest.raises(services.LastAdminError, match="last administrator of Sportclub Muide"):
        services.membership_leave(membership=admin)
    assert Membership.objects.filter(pk=admin.pk).exists()

    services.membership_leave(membership=admin, successor=editor)
    editor.refresh_from_db()
    assert editor.role == ADMIN
    assert not Membership.objects.filter(pk=admin.pk).exists()


def test_the_successor_must_be_a_member_of_the_same_organisation(organisation):
    admin = MembershipFactory(organisation=organisation, role=ADMIN)
    MembershipFactory(organisation=organisation, role=EDITOR)
    stranger = MembershipFactory(role=EDITOR)  # of another organisation
    with pytest.raises(services.LastAdminError):
        services.membership_leave(membership=admin, successor=stranger)
    stranger.refresh_from_db()
    assert stranger.role == EDITOR


def test_one_of_two_admins_leaves_freely(organisation):
    first = MembershipFactory(organisation=organisation, role=ADMIN)
    MembershipFactory(organisation=organisation, role=ADMIN)
    MembershipFactory(organisation=organisation, role=EDITOR)
    services.membership_leave(membership=first)
    assert organisation.memberships.filter(role=ADMIN).count() == 1


def test_a_sole_member_may_leave(organisation):
    admin = MembershipFactory(organisation=organisation, role=ADMIN)
    services.membership_leave(membership=admin)
    assert not organisation.memberships.exists()


def test_the_last_admin_cannot_be_demoted_or_removed(organisation):
    admin = MembershipFactory(organisation=organisation, role=ADMIN)
    MembershipFactory(organisation=organisation, role=EDITOR)
    moderator = MembershipFactory(role=EDITOR, user__is_moderator=True).user
    with pytest.raises(services.LastAdminError):
        services.membership_set_role(membership=admin, role=EDITOR, actor=admin.user)
    with pytest.raises(services.LastAdminError):
        services.membership_remove(membership=admin, actor=moderator)


def test_admin_promotes_then_removes_a_member(organisation):
    admin = MembershipFactory(organisation=organisation, role=ADMIN)
    editor = MembershipFactory(organisation=organisation, role=EDITOR)
    services.membership_set_role(membership=editor, role=ADMIN, actor=admin.user)
    services.membership_set_role(membership=admin, role=EDITOR, actor=admin.user)
    admin.refresh_from_db()
    assert admin.role == EDITOR
    services.membership_remove(membership=admin, actor=editor.user)
    assert list(organisation.memberships.all()) == [editor]


def test_an_editor_cannot_manage_members(organisation):
    MembershipFactory(organisation=organisation, role=ADMIN)
    editor = MembershipFactory(organisation=organisation, role=EDITOR)
    other = MembershipFactory(organisation=organisation, role=EDITOR)
    with pytest.raises(PermissionDenied):
        services.membership_remove(membership=other, actor=editor.user)
    with pytest.raises(PermissionDenied):
        services.membership_set_role(membership=editor, role=ADMIN, actor=editor.user)


# --- Pages ------------------------------------------------------------------------------------


def test_leave_page_asks_the_last_admin_for_a_successor(client, organisation):
    admin = MembershipFactory(organisation=organisation, role=ADMIN)
    editor = MembershipFactory(organisation=organisation, role=EDITOR)
    client.force_login(admin.user)
    url = reverse("accounts:organisation-leave", args=[organisation.slug])
    response = client.get(url)
    assert "You are the last administrator" in response.content.decode()

    response = client.post(url, {})
    assert response.status_code == 400
    assert Membership.objects.filter(pk=admin.pk).exists()

    response = client.post(url, {"successor": editor.pk})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=admin.pk).exists()
    editor.refresh_from_db()
    assert editor.role == ADMIN


def test_members_page_for_admins_only(client, organisation):
    admin = MembershipFactory(organisation=organisation, role=ADMIN)
    editor = MembershipFactory(organisation=organisation, role=EDITOR, user__email="ed@example.org")
    url = reverse("accounts:organisation-members", args=[organisation.slug])
    client.force_login(editor.user)
    assert client.get(url).status_code == 404
    client.force_login(admin.user)
    response = client.get(url)
    assert response.status_code == 200
    assert "ed@example.org" in response.content.decode()


def test_members_page_shows_the_last_admin_message(client, organisation):
    admin = MembershipFactory(organisation=organisation, role=ADMIN)
    MembershipFactory(organisation=organisation, role=EDITOR)
    client.force_login(admin.user)
    response = client.post(
        reverse("accounts:member-update", args=[organisation.slug, admin.pk]),
        {"role": EDITOR},
        follow=True,
    )
    assert "Name another member as administrator first." in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == ADMIN


def test_admin_cannot_touch_memberships_of_another_organisation(client, organisation):
    admin = MembershipFactory(organisation=organisation, role=ADMIN)
    elsewhere = MembershipFactory(role=EDITOR)
    client.force_login(admin.user)
    # Own slug, foreign membership id: not found.
    response = client.post(
        reverse("accounts:member-update", args=[organisation.slug, elsewhere.pk]), {"remove": "1"}
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=elsewhere.pk).exists()


def test_dashboard_lists_my_organisations(client, organisation):
    membership = MembershipFactory(organisation=organisation, role=EDITOR)
    MembershipFactory(organisation=OrganisationFactory(name="Niet van mij"))
    client.force_login(membership.user)
    content = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Sportclub Muide" in content
    assert reverse("accounts:organisation-edit", args=[organisation.slug]) in content
    assert "Niet van mij" not in content


def test_dashboard_links_to_the_members_of_organisations_i_manage_only(client, organisation):
    mine = MembershipFactory(organisation=organisation, role=ADMIN)
    edited = MembershipFactory(user=mine.user, role=EDITOR).organisation
    client.force_login(mine.user)
    content = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("accounts:organisation-edit", args=[edited.slug]) in content
    assert reverse("accounts:organisation-members", args=[organisation.slug]) in content
    assert reverse("accounts:organisation-members", args=[edited.slug]) not in content
