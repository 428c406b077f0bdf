"""Bounds on probing the helpers page: a limit on new help requests per account, and accounts
that close many requests unasked are shown to moderators."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from neighbourhelp import services
from neighbourhelp.models import HelpRequest
from tests import factories

from .helpers import covered_area, help_request, offer

pytestmark = pytest.mark.django_db

REQUEST_FORM = {
    "address": "Veldstraat 33, 9000 Gent",
    "category": "shopping",
    "description": "Wie doet boodschappen voor mij?",
}


@pytest.fixture
def area(tmp_path):
    return covered_area(tmp_path)


def test_a_resident_asks_five_times_a_day_then_gets_a_clear_429(client, area):
    user = factories.ResidentFactory()
    for _ in range(5):
        help_request(requester=user)
    client.force_login(user)
    response = client.post(reverse("neighbourhelp:request-create"), REQUEST_FORM)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 24 * 3600
    assert "You have tried this too often" in response.content.decode()
    assert "Wie doet boodschappen voor mij?</textarea>" in response.content.decode()
    assert HelpRequest.objects.filter(requester=user).count() == 5


def test_the_limit_counts_the_last_24_hours_only(area):
    user = factories.ResidentFactory()
    for _ in range(5):
        help_request(requester=user)
    with pytest.raises(services.HelpRateLimited) as refused:
        help_request(requester=user)
    assert 23 * 3600 < refused.value.retry_after <= 24 * 3600
    HelpRequest.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    help_request(requester=user)  # a new day
    assert HelpRequest.objects.count() == 6


def test_a_worker_may_ask_for_more_clients_but_not_without_end(settings, area):
    settings.HELP_REQUESTS_PER_DAY_ON_BEHALF = 7
    worker = factories.WorkerProfileFactory(verified_at=timezone.now()).user
    for name in ("Mo", "Ann", "Els", "Tom", "Lea", "Jef", "Ria"):
        help_request(requester=worker, on_behalf_of=name)
    with pytest.raises(services.HelpRateLimited):
        help_request(requester=worker, on_behalf_of="Bo")


def test_an_address_we_cannot_use_costs_nothing(settings, area):
    settings.HELP_REQUESTS_PER_DAY = 1
    user = factories.ResidentFactory()
    with pytest.raises(services.HelpError, match="outside the area"):
        services.help_request_create(
            requester=user,
            address="Nieuwstraat 1, 1000 Brussel",
            category="shopping",
            description="Boodschappen",
        )
    help_request(requester=user)


def test_moderators_see_accounts_that_close_requests_before_asking_anyone(client, settings, area):
    settings.HELP_REQUESTS_PER_DAY = 50
    prober, asker, patient = factories.ResidentFactory.create_batch(3)
    client.force_login(prober)
    for _ in range(5):
        item = help_request(requester=prober)
        client.post(reverse("neighbourhelp:request-close", args=[item.pk]))
    # Four closed unasked and one closed after asking a helper: not a pattern.
    helper_offer = offer()
    client.force_login(asker)
    for number in range(5):
        item = help_request(requester=asker)
        if number == 0:
            services.help_match_create(request=item, offer=helper_offer, actor=asker)
        client.post(reverse("neighbourhelp:request-close", args=[item.pk]))
    # Five requests that found no helper and closed themselves after their time.
    for _ in range(5):
        help_request(requester=patient)
    HelpRequest.objects.filter(requester=patient).update(
        closes_at=timezone.now() - datetime.timedelta(days=1)
    )
    services.help_housekeeping()
    assert HelpRequest.objects.filter(requester=patient, status="closed").count() == 5

    load = reverse("neighbourhelp:load")
    client.force_login(factories.UserFactory(is_moderator=True))
    page = client.get(load).content.decode()
    assert "Requests closed before anyone was asked" in page
    assert prober.email in page
    assert asker.email not in page
    assert patient.email not in page

    client.force_login(factories.UserFactory(is_coordinator=True))
    page = client.get(load)
    assert page.status_code == 200
    assert "Requests closed before anyone was asked" not in page.content.decode()
    client.force_login(factories.ResidentFactory())
    assert client.get(load).status_code == 404
