"""Who sees a referral: its worker, the receiving association's members and moderators.
Everyone else gets 404 on every URL of it, and nothing changes."""

import datetime
import math

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


def test_companion_suggestions_depend_on_the_helpers_public_cell_only():
    """Two neighbours in one 250 m cell who will go 300 m: for associations placed anywhere
    around them (an attacker could register one at chosen addresses), they are suggested or
    not, with the same distance label, together. Decided from their homes, the answers
    differed at 21 of these 60 places (measured before the fix)."""
    from django.contrib.gis.geos import Point

    import spatial
    from referrals.selectors import companion_choices

    centre = spatial.coarsen(Point(3.7253, 51.0448, srid=4326))
    homes = [
        Point(centre.x + 0.0014, centre.y + 0.0009, srid=4326),  # ~100 m east, ~100 m north
        Point(centre.x - 0.0014, centre.y - 0.0009, srid=4326),
    ]
    offers = []
    for home in homes:
        assert spatial.coarsen(home) == centre
        offers.append(companion_offer(private_point=home, public_point=centre, max_distance_m=300))
    organisation, _contact = association()
    asking = worker()
    differing = 0
    for step in range(60):
        bearing = math.radians(step * 37)
        reach = 40 + step * 8  # 40 to 512 metres from the public point
        organisation.point = Point(
            centre.x + reach * math.sin(bearing) / (111_320 * math.cos(math.radians(centre.y))),
            centre.y + reach * math.cos(bearing) / 111_320,
            srid=4326,
        )
        shown = {c.offer.pk: c.distance for c in companion_choices(organisation, worker=asking)}
        answers = [shown.get(offer.pk) for offer in offers]
        differing += answers[0] != answers[1]
    assert differing == 0
