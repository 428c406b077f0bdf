"""New organisations from members and residents wait for a moderator."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from accounts.models import Membership
from buurt.models import Organisation
from core.moderation import ModerationState
from moderation import selectors, services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def new_organisation(**fields):
    values = {"name": "Repair Café Brugse Poort", "slug": "repair-cafe-brugse-poort"}
    return Organisation(kind=Organisation.Kind.VOLUNTEERING, status="published", **values | fields)


def test_a_residents_organisation_waits_in_the_queue_and_they_become_its_admin():
    resident = UserFactory()

    organisation = services.organisation_submit(organisation=new_organisation(), author=resident)

    organisation.refresh_from_db()
    assert organisation.moderation_state == ModerationState.PENDING
    assert not Organisation.objects.public().exists()
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.role) == (resident, Membership.Role.ADMIN)
    assert [item.obj for item in selectors.moderation_queue().pending] == [organisation]


def test_the_author_hears_when_it_is_approved(
    moderator, mailoutbox, django_capture_on_commit_callbacks
):
    resident = UserFactory(email="stichter@example.org")
    organisation = services.organisation_submit(organisation=new_organisation(), author=resident)

    with django_capture_on_commit_callbacks(execute=True):
        services.moderation_decide(moderator=moderator, target=organisation, decision="approve")

    assert Organisation.objects.public().get() == organisation
    assert [m.to for m in mailoutbox] == [["stichter@example.org"]]


def test_a_moderators_organisation_is_approved_at_once(moderator):
    organisation = services.organisation_submit(organisation=new_organisation(), author=moderator)
    assert Organisation.objects.public().get() == organisation


def test_anonymous_users_cannot_submit():
    with pytest.raises(PermissionDenied):
        services.organisation_submit(organisation=new_organisation(), author=AnonymousUser())
    assert not Organisation.objects.exists()
