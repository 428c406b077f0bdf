"""Listings that stay true, in Chromium: the member confirms the listing from the review
e-mail's link (logging in on the way), and a coordinator loads a list from the upload page;
both on a 360 px phone, checked by axe-core."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from accounts.listing_reviews import listing_reviews_run
from buurt.models import Organisation
from tests.buurt.test_import_organisations import DUTCH_CSV
from tests.e2e.layout import PHONE, page_width, too_wide
from tests.e2e.test_joining import NEW_PASSWORD, claim_approved_in_the_browser, log_in
from tests.e2e.test_neighbourhelp import sign_in
from tests.e2e.test_search import axe_problems
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_member_confirms_the_listing_from_the_review_emails_link(
    page, live_server, settings, page_errors
):
    settings.SITE_URL = live_server.url
    theatre = OrganisationFactory(
        name="Toneelgroep Tinnen Pot",
        assured_on=timezone.localdate() - datetime.timedelta(days=200),
    )
    member = MembershipFactory(organisation=theatre, user__email="els@tinnenpot.example.org").user

    listing_reviews_run()  # the daily beat task

    (message,) = mail.outbox
    assert message.to == ["els@tinnenpot.example.org"]
    link = re.search(r"http://\S+/nagekeken/\S+/", message.body).group(0)
    page.set_viewport_size(PHONE)

    # From the e-mail, not signed in: the log-in page, then straight back to the link.
    page.goto(link)
    page.get_by_label("Email:").fill(member.email)
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.get_by_text("Thank you: the listing is marked as checked today.").wait_for()
    assert page.get_by_text(
        f"Last checked in {timezone.localdate():%B %Y} by the association."
    ).is_visible()
    assert page_width(page) <= PHONE["width"], too_wide(page)
    assert axe_problems(page) == []
    theatre.refresh_from_db()
    assert (theatre.assured_on, theatre.assurer) == (timezone.localdate(), "member")
    page.goto(f"{live_server.url}{theatre.get_absolute_url()}")
    assert page.get_by_text("Last checked in").is_visible()
    assert page_errors == []


def test_done_when_the_claimant_later_confirms_the_listing_from_the_review_email(
    page, live_server, local_tiles, mailoutbox, settings, page_errors
):
    """The issue's whole story: a new account sets out to register, is offered the existing
    listing, claims it, a moderator approves (tests/e2e/test_joining.py), and when the listing
    is due for review the new member confirms it from the review e-mail's link."""
    settings.SITE_URL = live_server.url
    listing = OrganisationFactory(
        name="Buurthuis De Sleep",
        slug="buurthuis-de-sleep",
        website="https://www.desleep.be",
        street_address="Sint-Pietersnieuwstraat 41",
        postcode="9000",
        city="Gent",
        assured_on=timezone.localdate() - datetime.timedelta(days=190),
    )
    moderator = UserFactory(email="moderator@example.org", is_moderator=True)
    email = claim_approved_in_the_browser(
        page, live_server, mailoutbox, listing=listing, moderator=moderator
    )

    listing_reviews_run()  # the daily beat task: last confirmed more than six months ago

    (review,) = [m for m in mailoutbox if "still correct" in m.subject]
    assert review.to == [email]
    log_in(page, live_server, email, NEW_PASSWORD)
    page.goto(re.search(r"http://\S+/nagekeken/\S+/", review.body).group(0))
    page.get_by_text("Thank you: the listing is marked as checked today.").wait_for()
    listing.refresh_from_db()
    assert (listing.assured_on, listing.assurer) == (timezone.localdate(), "member")
    page.goto(f"{live_server.url}{listing.get_absolute_url()}")
    assert page.get_by_text(
        f"Last checked in {timezone.localdate():%B %Y} by the association."
    ).is_visible()
    assert page_errors == []


def test_a_coordinator_loads_a_list_from_the_upload_page(page, live_server, tmp_path, page_errors):
    OrganisationFactory(name="Het Anker vzw", postcode="9000")
    OrganisationFactory(
        name="Vergeten Club", assured_on=timezone.localdate() - datetime.timedelta(days=400)
    )
    sign_in(page, live_server, UserFactory(is_coordinator=True))
    page.set_viewport_size(PHONE)
    lijst = tmp_path / "verenigingen.csv"
    lijst.write_bytes(DUTCH_CSV)

    page.goto(f"{live_server.url}/account/")
    page.get_by_role("link", name="Load a list of organisations").click()
    page.get_by_label("The list").set_input_files(str(lijst))
    page.get_by_role("button", name="Check the list").click()

    page.get_by_role("heading", name="What loading this list would do").wait_for()
    assert page.get_by_text("2 new, 0 updated, 0 unchanged, 1 possible duplicates").is_visible()
    assert page_width(page) <= PHONE["width"], too_wide(page)
    assert axe_problems(page) == []
    assert Organisation.objects.count() == 2
    page.get_by_role("button", name="Load this list").click()
    page.get_by_role("heading", name="The list was loaded").wait_for()
    assert Organisation.objects.count() == 4

    page.goto(f"{live_server.url}/account/")
    page.get_by_role("link", name="Listings to check").click()
    page.get_by_role("heading", name="Listings to check").wait_for()
    assert page.get_by_role("link", name="Vergeten Club").first.is_visible()
    assert page_width(page) <= PHONE["width"], too_wide(page)
    assert axe_problems(page) == []
    assert page_errors == []
