"""The daily retention task deletes what has been kept longer than the settings allow."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts import personal_data, tasks
from accounts.models import Invitation, Membership, User
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture(autouse=True)
def retention(settings):
    settings.ACCOUNT_INACTIVE_RETENTION_DAYS = 365
    settings.ACCOUNT_UNVERIFIED_RETENTION_DAYS = 30
    settings.INVITATION_RETENTION_DAYS = 90


def test_the_task_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["accounts-retention"]
    assert entry["task"] == tasks.personal_data_retention_task.name
    assert entry["schedule"] == 24 * 60 * 60


def test_inactive_accounts_are_deleted():
    old = UserFactory(last_login=days_ago(400))
    never = UserFactory(last_login=None, date_joined=days_ago(400))
    recent = UserFactory(last_login=days_ago(300), date_joined=days_ago(2000))
    staff = UserFactory(last_login=days_ago(4000), is_staff=True)

    counts = tasks.personal_data_retention_task.delay().get()

    assert counts["inactive_accounts"] == 2
    remaining = set(User.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, staff.pk}
    assert old.pk not in remaining
    assert never.pk not in remaining


def test_unconfirmed_sign_ups_are_deleted_after_30_days():
    stale = UserFactory(verified=False, date_joined=days_ago(31), last_login=None)
    fresh = UserFactory(verified=False, date_joined=days_ago(5), last_login=None)
    confirmed = UserFactory(date_joined=days_ago(31), last_login=days_ago(1))
    # Made by an operator (createsuperuser, no EmailAddress rows): left alone.
    operator = User.objects.create_user(email="operator@example.org", password="x")
    User.objects.filter(pk=operator.pk).update(date_joined=days_ago(31))

    counts = tasks.personal_data_retention_task.delay().get()

    assert counts["unverified_accounts"] == 1
    assert set(User.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk, operator.pk}
    assert not User.objects.filter(pk=stale.pk).exists()


def test_an_inactive_last_admin_is_kept_for_a_moderator():
    admin = MembershipFactory(role=Membership.Role.ADMIN, user__last_login=days_ago(400))
    MembershipFactory(organisation=admin.organisation, role=Membership.Role.EDITOR)

    counts = tasks.personal_data_retention_task.delay().get()

    assert counts["inactive_accounts"] == 0
    assert User.objects.filter(pk=admin.user_id).exists()


def test_ended_invitations_are_deleted_after_the_retention_period():
    InvitationFactory(email="oud-verlopen@example.org", expires_at=days_ago(91))
    InvitationFactory(
        email="oud-aanvaard@example.org", accepted_at=days_ago(91), expires_at=days_ago(80)
    )
    InvitationFactory(email="kort-verlopen@example.org", expires_at=days_ago(10))
    InvitationFactory(email="open@example.org")

    counts = tasks.personal_data_retention_task.delay().get()

    assert counts["invitations"] == 2
    assert set(Invitation.objects.values_list("email", flat=True)) == {
        "kort-verlopen@example.org",
        "open@example.org",
    }


def test_other_apps_add_retention_handlers(monkeypatch):
    monkeypatch.setattr(personal_data, "_retention", {})
    calls = []
    personal_data.register_retention("help_offers", lambda *, now: calls.append(now) or 3)

    counts = tasks.personal_data_retention_task.delay().get()

    assert counts["help_offers"] == 3
    assert len(calls) == 1


def test_nothing_to_do_changes_nothing():
    user = UserFactory(last_login=days_ago(1))
    counts = tasks.personal_data_retention_task.delay().get()
    assert counts == {
        "inactive_accounts": 0,
        "unverified_accounts": 0,
        "invitations": 0,
        "referrals": 0,
        "network_maps": 0,
    }
    assert User.objects.filter(pk=user.pk).exists()
