"""Warm referral in a real browser (the issue's "Done when"): a worker searches an address,
refers "Jan" to the theatre group with a companion, the companion and the group's contact
accept, the 2-week follow-up appears for the worker who records "goes regularly", and the
coordinator's statistics count it; an unrelated association and an unrelated worker get 404
on every URL of that referral."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Membership
from referrals import services
from referrals.models import Referral
from tests.e2e.conftest import is_local
from tests.e2e.test_neighbourhelp import sign_in
from tests.e2e.test_search import axe_problems
from tests.factories import MembershipFactory, UserFactory
from tests.referrals.helpers import association, companion_offer, worker
from tests.referrals.test_privacy import urls_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def earlier_referrals(organisation, n: int):
    """Referrals by other workers that went regularly: the statistics show groups of 5 up."""
    contact = organisation.memberships.first().user
    for _i in range(n):
        made = services.referral_create(
            worker=worker(),
            organisation=organisation,
            needs=["company"],
            pseudonym="Lea",
            first_contact="call_worker",
            consent=True,
        )
        made = services.referral_respond(user=contact, referral=made, decision="accept")
        services.follow_ups_ask(today=timezone.localdate() + datetime.timedelta(weeks=2))
        services.follow_up_answer(
            user=made.worker, follow_up=made.follow_ups.get(weeks=2), answer="regularly"
        )


def test_refer_jan_with_a_companion_and_follow_up(
    page, live_server, local_tiles, gent, requested_urls, page_errors
):
    theatre = gent["theatre"]
    contact = UserFactory(first_name="Els", email="els@tinnenpot.example.org")
    MembershipFactory(organisation=theatre, user=contact, role=Membership.Role.ADMIN)
    earlier_referrals(theatre, 4)
    mo = companion_offer().helper
    referring = worker(user=UserFactory(first_name="Sofie", email="sofie@ocmw.example.org"))

    # The worker searches her client's address and starts from the theatre group's result.
    sign_in(page, live_server, referring)
    page.goto(f"{live_server.url}/zoeken/")
    page.get_by_label("Address", exact=True).fill("Sint-Pietersnieuwstraat 33, 9000 Gent")
    page.get_by_label("10 minutes", exact=True).check()
    page.get_by_role("button", name="Search").first.click()
    page.wait_for_selector("#results-heading")
    page.get_by_role("link", name="Connect someone with Toneelgroep Tinnen Pot").click()

    page.get_by_role("heading", name="Connect someone with Toneelgroep Tinnen Pot").wait_for()
    assert axe_problems(page) == []
    page.get_by_label("First name or pseudonym").fill("Jan")
    page.get_by_label("Company, fewer lonely hours").check()
    page.get_by_label("Something creative").check()
    page.get_by_label("A companion goes along the first time").check()
    page.get_by_label("Who could go along the first time? (optional)").select_option(index=1)
    page.get_by_label("What could the person give back there? (optional)").select_option("set_up")
    page.get_by_label("My client agreed to be introduced to this association.").check()
    page.get_by_role("button", name="Send the referral").click()
    page.get_by_role("heading", name="Jan to Toneelgroep Tinnen Pot").wait_for()
    assert "Companion asked" in page.locator("main").inner_text()
    assert axe_problems(page) == []
    jan = Referral.objects.get(pseudonym="Jan")

    # The neighbour says yes to going along.
    sign_in(page, live_server, mo)
    page.goto(f"{live_server.url}/verbinden/mijn/")
    page.get_by_role("link", name="Toneelgroep Tinnen Pot").click()
    page.get_by_role("button", name="Yes, I will go along").click()
    page.get_by_text("Thank you. The worker has been told.").wait_for()

    # The group's contact accepts from the incoming referrals.
    sign_in(page, live_server, contact)
    page.goto(f"{live_server.url}/organisaties/{theatre.slug}/verwijzingen/")
    assert "waiting for your answer" in page.locator("main").inner_text()
    page.get_by_role("link", name="Jan").click()
    page.get_by_label("Welcome: we will make contact as asked").check()
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_text("Your answer was sent to the worker.").wait_for()
    assert axe_problems(page) == []

    # Two weeks later the beat task asks the worker, who answers in one click.
    services.follow_ups_ask(today=timezone.localdate() + datetime.timedelta(weeks=2))
    sign_in(page, live_server, referring)
    page.goto(f"{live_server.url}/verbinden/mijn/")
    page.get_by_text("After 2 weeks: did Jan go?").wait_for()
    page.get_by_role("button", name="Goes regularly").first.click()
    page.get_by_text("Recorded: Goes regularly. Thank you.").wait_for()
    jan.refresh_from_db()
    assert (jan.status, jan.companion_status, jan.outcome) == ("accepted", "accepted", "regularly")

    # The coordinator's statistics count it: 5 referred, 5 went.
    sign_in(page, live_server, UserFactory(is_coordinator=True))
    page.goto(f"{live_server.url}/verbinden/statistieken/")
    row = page.get_by_role("row", name="Toneelgroep Tinnen Pot")
    assert row.locator("td").all_inner_texts() == ["5", "5", "fewer than 5"]
    assert "Jan" not in page.content()
    assert axe_problems(page) == []

    # An unrelated association and an unrelated worker: 404 on every URL of the referral.
    _other, other_contact = association(name="Kookclub", slug="kookclub")
    outsiders = (other_contact, worker())
    urls = urls_of(jan)
    for outsider in outsiders:
        sign_in(page, live_server, outsider)
        for method, url in urls:
            if method == "get":
                assert page.goto(f"{live_server.url}{url}").status == 404, url
        client = Client()
        client.force_login(outsider)
        for method, url in urls:
            assert getattr(client, method)(url, {"decision": "accept"}).status_code == 404

    assert [url for url in requested_urls if not is_local(url)] == []
    assert page_errors == []
