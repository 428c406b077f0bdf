"""Joining the map in a real browser (Debian's Chromium): a new account sets out to register
its association, is offered the listing that already exists, claims it instead (with an
address on the association's domain, confirmed from the e-mail), and a moderator approves.

The review cycle of the same issue (the member confirms the listing from the review e-mail's
link) extends this story: after `claim_approved_in_the_browser(...)` returns, the claimant is
an admin member of `listing`; continue from there (see the test below)."""

import re

import pytest

from accounts.models import Membership, OrganisationClaim
from buurt.models import Organisation
from tests.e2e.layout import page_width
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NEW_PASSWORD = "lang-en-sterk-buurtwachtwoord-2026"


def sign_up_and_confirm(page, live_server, mailoutbox, email: str) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email:").fill(email)
    page.get_by_label("Password:", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password (again):").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    link = re.search(r"https?://\S+/account/confirm-email/\S+/", mailoutbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("link", name="My account", exact=True).wait_for()


def log_in(page, live_server, email: str, password: str) -> None:
    page.goto(live_server.url + "/account/login/")
    page.get_by_label("Email:").fill(email)
    page.get_by_label("Password:").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="My account").wait_for()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").wait_for()


def claim_approved_in_the_browser(page, live_server, mailoutbox, *, listing, moderator):
    """The whole story up to the moderator's approval; returns the claimant's e-mail."""
    # A long story of many pages on a shared 2-CPU machine: more than conftest's 5 s a step.
    page.set_default_timeout(20_000)
    email = "an.peeters@example.org"
    sign_up_and_confirm(page, live_server, mailoutbox, email)

    # From the home page to the short form, filled in as a volunteer would on a phone.
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Put your association on the map").first.click()
    page.get_by_label("Name of the association").fill("De Sleep vzw")
    page.get_by_label("What kind of association is it?").select_option("community_centre")
    page.get_by_label("What do you do? In plain words").fill(
        "Een buurthuis met koffie, een repair café en toneel. Iedereen is welkom."
    )
    page.get_by_label("Street and number").fill("Sint-Pietersnieuwstraat 33")
    page.get_by_label("Postcode").fill("9000")
    page.get_by_label("Municipality").fill("Gent")
    page.get_by_role("button", name="Put it on the map").click()

    # Not a second listing: the existing one is offered, with the claim path.
    offer = page.get_by_role("region", name="Is this yours?")
    offer.wait_for()
    assert "a similar name in the same postcode" in offer.inner_text()
    assert Organisation.objects.count() == 1
    offer.get_by_role("link", name="This is ours: claim it").click()

    page.get_by_role("heading", name=f"Is {listing.name} your association?").wait_for()
    page.get_by_label("Your role in the association").fill("Secretaris")
    page.get_by_label("E-mail address at the association").fill("an@desleep.be")
    page.get_by_label("Note for the moderator").fill("Ik hou de agenda van het buurthuis bij.")
    page.get_by_role("button", name="Send to a moderator").click()
    page.get_by_text("Thank you! A moderator will look at your claim soon.").wait_for()
    assert (
        "Waiting for a moderator"
        in page.get_by_role("region", name="My organisations").inner_text()
    )

    # The link sent to the association's address, opened in the claimant's own session.
    confirm = [m for m in mailoutbox if m.to == ["an@desleep.be"]]
    assert len(confirm) == 1
    # Absolute on SITE_URL; the same path on the test's live server.
    path = re.search(r"https?://[^/\s]+(/account/claims/\S+)", confirm[0].body).group(1)
    page.goto(live_server.url + path)
    page.get_by_text("an@desleep.be is confirmed for your claim").wait_for()
    log_out(page)

    # The moderator sees the claim in the queue, with its evidence, and approves it.
    log_in(page, live_server, moderator.email, PASSWORD)
    page.goto(live_server.url + "/moderatie/")
    page.get_by_role("link", name=f"Claim of {listing.name}").click()
    evidence = page.get_by_role("region", name="The claim")
    assert "confirmed through the link" in evidence.inner_text()
    assert email in evidence.inner_text()
    page.get_by_label("Approve: it is public").check()
    page.get_by_role("button", name="Save the decision").click()
    page.get_by_text("Your decision is saved").wait_for()
    log_out(page)
    return email


def test_a_new_account_claims_its_listing_instead_of_registering_it_twice(
    page, live_server, local_tiles, mailoutbox, requested_urls, page_errors
):
    listing = OrganisationFactory(
        name="Buurthuis De Sleep",
        slug="buurthuis-de-sleep",
        website="https://www.desleep.be",
        street_address="Sint-Pietersnieuwstraat 41",
        postcode="9000",
        city="Gent",
    )
    moderator = UserFactory(email="moderator@example.org", is_moderator=True)

    email = claim_approved_in_the_browser(
        page, live_server, mailoutbox, listing=listing, moderator=moderator
    )

    membership = Membership.objects.get(organisation=listing)
    assert (membership.user.email, membership.role) == (email, Membership.Role.ADMIN)
    assert OrganisationClaim.objects.get().email_confirmed
    assert Organisation.objects.count() == 1
    # The claimant now keeps the listing: it is theirs on "My account", the claim approved.
    log_in(page, live_server, email, NEW_PASSWORD)
    organisations = page.get_by_role("region", name="My organisations")
    assert "Approved: you keep this listing" in organisations.inner_text()
    organisations.get_by_role("link", name="Edit profile").click()
    page.get_by_role("heading", name=f"Edit {listing.name}").wait_for()
    # The listing no longer asks whether it is yours.
    page.goto(live_server.url + listing.get_absolute_url())
    assert page.get_by_role("link", name=re.compile("Is this your association")).count() == 0

    assert page_errors == []
    assert all(url.startswith(live_server.url) for url in requested_urls), requested_urls


def test_the_joining_pages_fit_a_phone_and_pass_axe(page, live_server, local_tiles, page_errors):
    """Registration (with the "Is this yours?" offer), the claim form and the place page with
    its map widget: at 360 px nothing is wider than the screen, axe finds nothing serious, and
    a click on the map sets the point of a listing the geocoder could not place."""
    from django.urls import reverse

    from tests.e2e.test_neighbourhelp import sign_in
    from tests.e2e.test_search import axe_problems

    page.set_default_timeout(20_000)
    listing = OrganisationFactory(name="Buurthuis De Sleep", website="https://desleep.be")
    person = UserFactory()
    own = OrganisationFactory(name="Toneelgroep Rataplan", geocode_status="failed", point=None)
    Membership.objects.create(user=person, organisation=own, role=Membership.Role.ADMIN)
    sign_in(page, live_server, person)
    page.set_viewport_size({"width": 360, "height": 740})

    def check(what):
        width = page_width(page)
        assert width <= 360, (what, width)
        assert axe_problems(page) == [], what

    page.goto(live_server.url + reverse("accounts:organisation-register"))
    check("register")
    page.get_by_label("Name of the association").fill("De Sleep")
    page.get_by_label("What kind of association is it?").select_option("community_centre")
    page.get_by_label("Postcode").fill("9000")
    page.get_by_label("Municipality").fill("Gent")
    page.get_by_role("button", name="Put it on the map").click()
    page.get_by_role("region", name="Is this yours?").wait_for()
    check("is this yours")
    page.goto(live_server.url + reverse("accounts:organisation-claim", args=[listing.slug]))
    check("claim")
    page.goto(live_server.url + reverse("accounts:organisation-place", args=[own.slug]))
    page.locator(".dj_map canvas").first.wait_for()  # the widget's map is drawn
    check("place")
    # Not placed at all: a click puts the marker (and it can be dragged), then save.
    page.locator(".dj_map canvas").first.click()
    page.get_by_role("button", name="Save the point").click()
    page.get_by_text("The point is saved.").wait_for()
    own.refresh_from_db()
    assert own.geocode_status == "manual"
    assert 50.6 < own.point.y < 51.6  # around the map's default centre, in Flanders
    assert page_errors == []


def test_the_point_is_set_without_javascript(page_without_js, live_server):
    """On a phone without JavaScript the map widget is inert; the coordinates do the job."""
    from django.utils import translation
    from django.utils.translation import gettext

    from tests.e2e.test_neighbourhelp import sign_in

    page = page_without_js
    page.set_default_timeout(20_000)
    person = UserFactory()
    own = OrganisationFactory(name="Toneelgroep Rataplan", geocode_status="failed", point=None)
    Membership.objects.create(user=person, organisation=own, role=Membership.Role.ADMIN)
    sign_in(page, live_server, person)
    with translation.override("nl"):
        summary, latitude, longitude, save = map(
            gettext,
            [
                "Or type the coordinates (from a map app: long press on the entrance)",
                "Latitude",
                "Longitude",
                "Save the point",
            ],
        )
    page.goto(f"{live_server.url}/organisaties/{own.slug}/plaatsen/")
    page.get_by_text(summary).click()
    page.get_by_label(latitude).fill("51.04475")
    page.get_by_label(longitude).fill("3.7254")
    page.get_by_role("button", name=save).click()
    page.wait_for_load_state()
    own.refresh_from_db()
    assert (own.geocode_status, round(own.point.y, 5), round(own.point.x, 4)) == (
        "manual",
        51.04475,
        3.7254,
    )
