"""Becoming a worker: a request with profession and employer, verified by a moderator."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts import policy, services
from accounts.models import User, WorkerProfile
from tests.factories import OrganisationFactory, UserFactory, WorkerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ocmw():
    return OrganisationFactory(name="OCMW Gent", kind="public_service")


def test_request_then_moderator_verifies(
    client, ocmw, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="maatschappelijk@example.org")
    client.force_login(user)
    response = client.post(
        reverse("accounts:worker-request"),
        {
            "profession": "ocmw",
            "employer": ocmw.pk,
            "work_email": "an@ocmw.gent.example.org",
            "phone": "09 266 35 00",
        },
    )
    assert response.status_code == 302
    profile = WorkerProfile.objects.get(user=user)
    assert not profile.is_verified
    assert not policy.is_verified_worker(user)

    moderator = UserFactory(is_moderator=True)
    client.force_login(moderator)
    queue = client.get(reverse("accounts:worker-queue"))
    assert "maatschappelijk@example.org" in queue.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:worker-decide", args=[profile.pk]), {"decision": "verify"})
    profile.refresh_from_db()
    assert profile.verified_by == moderator
    assert policy.is_verified_worker(User.objects.get(pk=user.pk))
    assert [m.to for m in mailoutbox] == [["maatschappelijk@example.org"]]
    assert "verified" in mailoutbox[0].subject


def test_moderator_refuses_a_request(client, mailoutbox, django_capture_on_commit_callbacks):
    profile = WorkerProfileFactory()
    client.force_login(UserFactory(is_moderator=True))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:worker-decide", args=[profile.pk]), {"decision": "reject"})
    assert not WorkerProfile.objects.exists()
    assert mailoutbox[0].to == [profile.user.email]


def test_only_moderators_see_and_decide(client):
    profile = WorkerProfileFactory()
    for user in (UserFactory(), UserFactory(is_coordinator=True), profile.user):
        client.force_login(user)
        assert client.get(reverse("accounts:worker-queue")).status_code == 404
        response = client.post(
            reverse("accounts:worker-decide", args=[profile.pk]), {"decision": "verify"}
        )
        assert response.status_code == 404
    profile.refresh_from_db()
    assert not profile.is_verified
    with pytest.raises(PermissionDenied):
        services.worker_verify(profile=profile, moderator=profile.user)


def test_changing_employer_asks_for_verification_again(ocmw):
    profile = WorkerProfileFactory(verified_at="2026-01-05T10:00Z")
    same = services.worker_request(
        user=profile.user, profession=profile.profession, employer=profile.employer
    )
    assert same.is_verified
    moved = services.worker_request(user=profile.user, profession="ocmw", employer=ocmw)
    assert not moved.is_verified
    assert moved.verified_by is None


def test_make_moderator_command():
    user = UserFactory(email="moderator@example.org", verified=False)
    call_command("accounts_make_moderator", "Moderator@example.org")
    user.refresh_from_db()
    assert user.is_moderator
    assert policy.is_moderator(user)
    assert user.emailaddress_set.get().verified


def test_make_moderator_command_on_an_unknown_address():
    with pytest.raises(CommandError, match="No account"):
        call_command("accounts_make_moderator", "niemand@example.org")


def test_createsuperuser_then_log_in_through_the_site(client):
    """The README's way to the first moderator: createsuperuser, then the make_moderator
    command, and the account logs in on the normal page."""
    User.objects.create_superuser(email="beheer@example.org", password="een-lang-wachtwoord-7")
    call_command("accounts_make_moderator", "beheer@example.org")
    response = client.post(
        reverse("account_login"),
        {"login": "beheer@example.org", "password": "een-lang-wachtwoord-7"},
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:worker-queue")).status_code == 200


def test_decisions_are_audited_and_survive_the_moderators_account():
    from moderation.models import AuditEntry

    moderator = UserFactory(is_moderator=True, email="mod@example.org")
    services.worker_verify(profile=WorkerProfileFactory(), moderator=moderator)
    services.worker_reject(profile=WorkerProfileFactory(), moderator=moderator)
    assert sorted(AuditEntry.objects.values_list("action", flat=True)) == ["reject", "verify"]

    services.account_delete(user=moderator)
    assert AuditEntry.objects.count() == 2
    assert set(AuditEntry.objects.values_list("actor", "actor_repr")) == {(None, "mod@example.org")}
