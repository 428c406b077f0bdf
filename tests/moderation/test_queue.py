"""The moderation queue and the page of one item: moderators only, everyone else 404."""

import pytest
from django.test import Client
from django.urls import reverse

from buurt.models import Organisation
from core import moderation
from core.moderation import ModerationState
from moderation import services
from moderation.models import AuditEntry, Report
from tests.factories import OrganisationFactory, WorkerProfileFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:queue")


def item_url(organisation, name="moderation:item"):
    return reverse(name, args=["buurt.organisation", organisation.pk])


@pytest.fixture
def waiting(reporters):
    """One organisation in every situation a moderator looks at, and one they do not."""
    reported = OrganisationFactory(name="Gemeld maar zichtbaar")
    services.report_create(reporter=reporters[0], target=reported, reason=Report.Reason.SPAM)
    hidden = OrganisationFactory(name="Verborgen na meldingen")
    for reporter in reporters:
        services.report_create(reporter=reporter, target=hidden, reason=Report.Reason.OFFENSIVE)
    return {
        "pending": OrganisationFactory(
            name="Nieuwe vereniging", moderation_state=ModerationState.PENDING
        ),
        "hidden": hidden,
        "reported": reported,
        "quiet": OrganisationFactory(name="Rustige vereniging"),
        "rejected": OrganisationFactory(
            name="Afgewezen vereniging", moderation_state=ModerationState.REJECTED
        ),
    }


def test_the_queue_shows_what_waits(client, moderator, waiting, django_assert_max_num_queries):
    WorkerProfileFactory()
    OrganisationFactory.create_batch(5, moderation_state=ModerationState.PENDING)
    client.force_login(moderator)

    # Session, user, reports, workers, and per registered model (organisations, activities,
    # help offers and requests) its content type and its rows: not one per item.
    with django_assert_max_num_queries(6 + 2 * len(moderation.registered())):
        response = client.get(QUEUE)

    assert response.status_code == 200
    queue = response.context["queue"]
    assert [i.obj for i in queue.pending][:1] == [waiting["pending"]]
    assert len(queue.pending) == 6
    assert [i.obj for i in queue.hidden] == [waiting["hidden"]]
    assert [i.obj for i in queue.reported] == [waiting["reported"]]
    assert queue.hidden[0].report_count == 3
    assert queue.unverified_workers == 1
    content = response.content.decode()
    for name in ("Nieuwe vereniging", "Verborgen na meldingen", "Gemeld maar zichtbaar"):
        assert name in content
    assert "Rustige vereniging" not in content
    assert "Afgewezen vereniging" not in content
    assert "It is offensive, hateful or discriminating (3)" in content
    assert item_url(waiting["pending"]) in content
    assert reverse("accounts:worker-queue") in content


def test_an_empty_queue(client, moderator):
    client.force_login(moderator)
    assert "Nothing is waiting" in client.get(QUEUE).content.decode()


def test_the_item_page_shows_reports_text_and_personal_data(client, moderator, reporters):
    organisation = OrganisationFactory(
        description="Bel Mieke op 0470 12 34 56 <script>alert(1)</script>",
        moderation_state=ModerationState.PENDING,
    )
    client.force_login(moderator)

    response = client.get(item_url(organisation))

    assert response.status_code == 200
    content = response.content.decode()
    assert "a phone number “0470 12 34 56”" in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script>alert(1)" not in content
    assert "Waiting for a moderator" in content
    assert 'name="csrfmiddlewaretoken"' in content


def test_moderators_see_who_reported(client, moderator, waiting, reporters):
    client.force_login(moderator)
    content = client.get(item_url(waiting["hidden"])).content.decode()
    for reporter in reporters:
        assert reporter.email in content


def test_unknown_items_are_404(client, moderator):
    client.force_login(moderator)
    for key, pk in (("buurt.organisation", 999_999), ("buurt.neighbourhood", 1)):
        assert client.get(reverse("moderation:item", args=[key, pk])).status_code == 404
        url = reverse("moderation:decide", args=[key, pk])
        assert client.post(url, {"decision": "approve"}).status_code == 404


def test_a_moderator_decides_with_a_form(
    client, moderator, waiting, mailoutbox, django_capture_on_commit_callbacks
):
    pending = waiting["pending"]
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            item_url(pending, "moderation:decide"), {"decision": "reject", "reason": "Dubbel."}
        )

    assert response.status_code == 302
    assert response["Location"] == QUEUE
    pending.refresh_from_db()
    assert pending.moderation_state == ModerationState.REJECTED
    assert AuditEntry.objects.get(object_id=pending.pk).reason == "Dubbel."


def test_the_decision_form_explains_what_is_missing(client, moderator, waiting):
    client.force_login(moderator)
    url = item_url(waiting["pending"], "moderation:decide")

    no_reason = client.post(url, {"decision": "reject"})
    impossible = client.post(url, {"decision": "hide", "reason": "Nog niet publiek."})

    assert no_reason.status_code == impossible.status_code == 400
    assert "Tell the author why." in no_reason.content.decode()
    assert "not possible" in impossible.content.decode()
    assert Organisation.objects.get(pk=waiting["pending"].pk).moderation_state == "pending"


def test_deciding_is_post_only_and_needs_the_csrf_token(moderator, waiting):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    url = item_url(waiting["pending"], "moderation:decide")
    assert client.get(url, {"decision": "approve"}).status_code == 405
    assert client.post(url, {"decision": "approve"}).status_code == 403
    assert not AuditEntry.objects.filter(object_id=waiting["pending"].pk).exists()
