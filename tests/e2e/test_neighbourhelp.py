"""Neighbour help in a real browser (the issue's "Done when"): a resident offers help, a worker
asks on behalf of a client, the helper accepts, contact is shared with both, the helper's
monthly capacity is reached and the offer leaves the map; no page shows the helper's address."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from neighbourhelp.models import HelpOffer
from tests.e2e.layout import page_width
from tests.factories import UserFactory, WorkerProfileFactory
from tests.neighbourhelp.helpers import HOMES, covered_area

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HOME = "Sint-Pietersnieuwstraat 33"


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def assert_no_address(page):
    html = page.content()
    lat, lon = HOMES[HOME]
    for secret in (HOME, f"{lat:.4f}", f"{lon:.4f}"):
        assert secret not in html, (secret, page.url)


def test_offer_ask_accept_contact_capacity(
    page, live_server, local_tiles, tmp_path, requested_urls, page_errors
):
    covered_area(tmp_path)
    old = timezone.now() - datetime.timedelta(days=120)
    helper = UserFactory(email="an@example.org", date_joined=old)
    worker = WorkerProfileFactory(
        user=UserFactory(email="sofie@ocmw.example.org", date_joined=old),
        verified_at=timezone.now(),
    ).user
    search_url = f"{live_server.url}/zoeken/?lat=51.0518&lon=3.7210&radius=2000&kind=help_offers"

    # A resident offers help, at most once a month.
    sign_in(page, live_server, helper)
    page.goto(f"{live_server.url}/burenhulp/aanbod/nieuw/")
    page.get_by_label("Your address").fill(f"{HOME}, 9000 Gent")
    page.get_by_label("Paperwork and forms").check()
    page.get_by_label("Weekends").check()
    page.get_by_label("How far you will go (metres)").fill("2000")
    page.get_by_label("At most this many helps a month").fill("1")
    page.get_by_label("About your offer").fill("Ik help graag met formulieren.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="A neighbour in Gent-Centrum").wait_for()
    assert_no_address(page)

    page.goto(search_url)
    assert "A neighbour in Gent-Centrum" in page.locator("main").inner_text()
    assert_no_address(page)

    # A worker asks on behalf of a client and asks this neighbour.
    sign_in(page, live_server, worker)
    page.goto(f"{live_server.url}/burenhulp/vraag/nieuw/")
    page.get_by_label("Your address").fill("Veldstraat 33, 9000 Gent")
    page.get_by_label("On behalf of (a first name or pseudonym, never a full name)").fill("Mo")
    page.get_by_label("What kind of help").select_option("paperwork")
    page.get_by_label("What you need").fill("Mo zoekt hulp met een formulier.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Neighbours who could help").wait_for()
    assert "500 m – 1 km" in page.locator("main").inner_text()
    assert helper.email not in page.content()
    assert_no_address(page)
    page.get_by_role("button", name="Ask this neighbour").click()
    page.get_by_text("We asked this neighbour").wait_for()

    # The helper is notified (e-mail, checked in tests/neighbourhelp) and accepts.
    sign_in(page, live_server, helper)
    page.goto(f"{live_server.url}/burenhulp/mijn/")
    page.get_by_role("link", name="Paperwork and forms in Gent-Centrum").last.click()
    assert worker.email not in page.content()
    page.get_by_role("button", name="Yes, I will help").click()
    page.get_by_role("heading", name="Contact details").wait_for()
    assert worker.email in page.content()
    assert_no_address(page)

    sign_in(page, live_server, worker)
    page.goto(f"{live_server.url}/burenhulp/mijn/")
    page.get_by_role("link", name="Paperwork and forms in Gent-Centrum").last.click()
    page.get_by_role("heading", name="Contact details").wait_for()
    assert helper.email in page.content()
    assert_no_address(page)

    # Capacity reached: the offer is paused and gone from the map until next month.
    assert HelpOffer.objects.get().status == HelpOffer.Status.PAUSED
    page.goto(search_url)
    assert "A neighbour in Gent-Centrum" not in page.locator("main").inner_text()
    for url in (f"{live_server.url}/burenhulp/", search_url):
        page.goto(url)
        assert_no_address(page)
    assert page_errors == []
    assert all(url.startswith(live_server.url) for url in requested_urls), requested_urls


def test_the_load_page_with_probing_accounts_fits_a_phone(page, live_server):
    """The moderators' list of accounts that close requests unasked: a long e-mail address
    wraps instead of widening a 360 px screen."""
    from tests.factories import HelpRequestFactory

    prober = UserFactory(email="een.heel.lange.naam.van.iemand@voorbeeld-gemeente.example.org")
    for _ in range(5):
        HelpRequestFactory(requester=prober, status="closed")
    sign_in(page, live_server, UserFactory(is_moderator=True))
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + reverse("neighbourhelp:load"))
    assert prober.email in page.content()
    width = page_width(page)

    assert width <= 360, width
