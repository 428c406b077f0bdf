"""Who sees a referral: its worker, the receiving association's members and moderators.
Everyone else gets 404 on every URL of it, and nothing changes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from moderation.models import AuditEntry
from referrals import services
from referrals.models import FollowUp, Notification, Referral
from tests import factories

from .helpers import accepted, association, companion_offer, referral, worker

pytestmark = pytest.mark.django_db


def urls_of(made: Referral) -> list[tuple[str, str]]:
    """(method, url) for every URL of this referral, its follow-up and its notification."""
    services.follow_ups_ask(today=timezone.localdate() + datetime.timedelta(weeks=2))
    follow_up = made.follow_ups.get(weeks=2)
    notification = made.notifications.first()
    Notification.objects.filter(pk=notification.pk).update(status="failed")
    pk = [made.pk]
    return [
        ("get", reverse("referrals:detail", args=pk)),
        ("post", reverse("referrals:respond", args=pk)),
        ("post", reverse("referrals:withdraw", args=pk)),
        ("get", reverse("referrals:companion", args=pk)),
        ("post", reverse("referrals:companion", args=pk)),
        ("post", reverse("referrals:follow-up-answer", args=[follow_up.pk])),
        ("get", follow_up.answer_url("regularly")),
        ("post", reverse("referrals:notification-retry", args=[notification.pk])),
        ("get", reverse("referrals:incoming", args=[made.organisation.slug])),
    ]


def test_every_referral_url_is_404_to_unrelated_associations_workers_and_coordinators(client):
    made = accepted(referral(companion_offer=companion_offer()))
    urls = urls_of(made)
    _other, other_contact = association(name="Kookclub", slug="kookclub")
    outsiders = {
        "unrelated association": other_contact,
        "unrelated worker": worker(),
        "coordinator": factories.UserFactory(is_coordinator=True),
    }
    data = {"decision": "decline", "reason": "full", "answer": "never"}
    before = (
        Referral.objects.values_list("status", "outcome", "companion_status").get(pk=made.pk),
        list(FollowUp.objects.values_list("answer", flat=True)),
    )
    for who, user in outsiders.items():
        client.force_login(user)
        for method, url in urls:
            response = getattr(client, method)(url, data)
            assert response.status_code == 404, (who, method, url)
    after = (
        Referral.objects.values_list("status", "outcome", "companion_status").get(pk=made.pk),
        list(FollowUp.objects.values_list("answer", flat=True)),
    )
    assert after == before
    assert not AuditEntry.objects.filter(action="view").exists()


def test_the_worker_members_and_moderators_see_it(client):
    made = referral()
    contact = made.organisation.memberships.first().user
    moderator = factories.UserFactory(is_moderator=True)
    for user in (made.worker, contact, moderator):
        client.force_login(user)
        assert client.get(made.get_absolute_url()).status_code == 200
    # Two views by others than the worker, none by the worker.
    assert set(AuditEntry.objects.filter(action="view").values_list("actor", flat=True)) == {
        contact.pk,
        moderator.pk,
    }


def test_pages_outside_referrals_never_show_a_pseudonym(client):
    """The association's public page, the search and the help board know nothing of it."""
    made = referral(pseudonym="Jozefien")
    client.force_login(worker())
    for url in (
        made.organisation.get_absolute_url(),
        reverse("maps:search") + "?lat=51.0543&lon=3.7196&radius=800",
        reverse("neighbourhelp:board"),
        reverse("referrals:mine"),
    ):
        assert "Jozefien" not in client.get(url).content.decode(), url


def test_staff_in_the_admin_see_no_name_and_are_audited(client):
    made = referral(pseudonym="Jozefien", note="Komt met de tram.")
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("admin:referrals_referral_change", args=[made.pk]))
    assert page.status_code == 200
    assert "Jozefien" not in page.content.decode()
    assert "tram" not in page.content.decode()
    assert AuditEntry.objects.filter(action="view", actor=admin, object_id=made.pk).exists()
