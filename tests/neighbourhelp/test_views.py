"""The pages of neighbour help, through the HTTP client: the journey of "Done when" and the
bad input of the issue (a clear message, nothing saved or sent)."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from neighbourhelp import services
from neighbourhelp.models import HelpMatch, HelpOffer, HelpRequest
from tests import factories

from .helpers import covered_area, help_request, offer

pytestmark = pytest.mark.django_db

OFFER_FORM = {
    "address": "Sint-Pietersnieuwstraat 33, 9000 Gent",
    "categories": ["shopping", "paperwork"],
    "times": ["weekend"],
    "languages": ["nl", "fr"],
    "max_distance_m": "2000",
    "capacity_per_month": "1",
    "description": "Ik help graag met formulieren.",
    "in_return": "Een babbel",
}
REQUEST_FORM = {
    "address": "Veldstraat 33, 9000 Gent",
    "on_behalf_of": "Mo",
    "category": "paperwork",
    "times": ["weekend"],
    "languages": ["nl"],
    "description": "Mo zoekt hulp met een formulier van het OCMW.",
    "give_back": "Mo kookt graag.",
}


def on_the_map(client) -> set[str]:
    url = reverse("maps-api:search-bbox") + "?bbox=3.70,51.03,3.75,51.06"
    return {feature["id"] for feature in client.get(url).json()["features"]}


@pytest.fixture(autouse=True)
def area(tmp_path):
    return covered_area(tmp_path)


def test_offer_ask_accept_share_contact_and_pause_at_capacity(
    client, django_capture_on_commit_callbacks
):
    helper = factories.ResidentFactory()
    client.force_login(helper)
    response = client.post(reverse("neighbourhelp:offer-create"), OFFER_FORM)
    given = HelpOffer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == given.get_absolute_url()
    assert f"help_offers-{given.pk}" in on_the_map(client)

    worker = factories.WorkerProfileFactory(verified_at=timezone.now()).user
    client.force_login(worker)
    response = client.post(reverse("neighbourhelp:request-create"), REQUEST_FORM)
    item = HelpRequest.objects.get()
    assert item.on_behalf_of == "Mo"
    helpers_url = reverse("neighbourhelp:request-helpers", args=[item.pk])
    assert response["Location"] == helpers_url
    page = client.get(helpers_url).content.decode()
    assert "500 m – 1 km" in page  # about 800 m
    assert helper.email not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(helpers_url, {"offer": given.pk})
    match = HelpMatch.objects.get()
    assert mail.outbox[-1].to == [helper.email]
    page = client.get(match.get_absolute_url()).content.decode()
    assert helper.email not in page  # not before the helper said yes

    client.force_login(helper)
    assert worker.email not in client.get(match.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(match.get_absolute_url(), {"answer": "accept"})
    for user, other in ((helper, worker), (worker, helper)):
        client.force_login(user)
        page = client.get(match.get_absolute_url()).content.decode()
        assert other.email in page
        assert "Sint-Pietersnieuwstraat" not in page

    # Capacity 1 reached: the offer is off the map until next month.
    given.refresh_from_db()
    assert given.status == HelpOffer.Status.PAUSED
    assert f"help_offers-{given.pk}" not in on_the_map(client)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"capacity_per_month": "0"}, "greater than or equal to 1"),
        ({"capacity_per_month": "1000"}, "less than or equal to 10"),
        ({"max_distance_m": "500000"}, "less than or equal to 10000"),
        ({"address": "Wetstraat 16, 1000 Brussel"}, "outside the area"),
    ],
)
def test_bad_offers_get_a_clear_message_and_nothing_is_saved(client, change, message):
    client.force_login(factories.ResidentFactory())
    response = client.post(reverse("neighbourhelp:offer-create"), {**OFFER_FORM, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not HelpOffer.objects.exists()


def test_a_request_of_only_emoji_is_refused(client):
    client.force_login(factories.ResidentFactory())
    data = {**REQUEST_FORM, "description": "🙏🙏🙏", "on_behalf_of": ""}
    response = client.post(reverse("neighbourhelp:request-create"), data)
    assert "not only symbols or emoji" in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_personal_data_in_free_text_asks_for_a_check_first(client):
    client.force_login(factories.ResidentFactory())
    data = {**OFFER_FORM, "description": "Bel me op 0470 12 34 56"}
    response = client.post(reverse("neighbourhelp:offer-create"), data)
    assert "looks like personal data" in response.content.decode()
    assert not HelpOffer.objects.exists()


def test_unverified_accounts_browse_but_cannot_offer(client):
    client.force_login(factories.UserFactory(verified=False))
    assert client.get(reverse("neighbourhelp:board")).status_code == 200
    response = client.post(reverse("neighbourhelp:offer-create"), OFFER_FORM)
    assert response.status_code == 403
    assert not HelpOffer.objects.exists()


def test_messages_beyond_the_rate_limit_get_429_and_are_not_saved(client):
    given = offer("Korenmarkt 1")
    item = help_request()
    match = services.help_match_create(request=item, offer=given, actor=item.requester)
    client.force_login(item.requester)
    url = reverse("neighbourhelp:match-message", args=[match.pk])
    for n in range(services.MESSAGE_RATE_LIMIT):
        assert client.post(url, {"body": f"Hallo {n}"}).status_code == 302
    response = client.post(url, {"body": "Te veel"})
    assert response.status_code == 429
    assert "too often" in response.content.decode()
    assert match.messages.count() == services.MESSAGE_RATE_LIMIT


def test_the_load_overview_is_for_coordinators(client):
    given = offer("Korenmarkt 1")
    client.force_login(factories.ResidentFactory())
    assert client.get(reverse("neighbourhelp:load")).status_code == 404
    client.force_login(factories.UserFactory(is_coordinator=True))
    page = client.get(reverse("neighbourhelp:load")).content.decode()
    assert given.helper.email in page
    assert "Gent-Centrum" in page


def test_renewing_from_the_reminder_link(client):
    given = offer("Korenmarkt 1")
    given.status = HelpOffer.Status.EXPIRED
    given.save()
    url = reverse("neighbourhelp:offer-renew", args=[given.pk, given.renew_token])
    assert client.get(url).status_code == 200
    given.refresh_from_db()
    assert given.status == HelpOffer.Status.ACTIVE


def test_items_show_a_report_link(client):
    given = offer("Korenmarkt 1")
    page = client.get(given.get_absolute_url()).content.decode()
    assert reverse("moderation:report", args=["neighbourhelp.helpoffer", given.pk]) in page
