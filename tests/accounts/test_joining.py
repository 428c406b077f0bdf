"""Joining the map: registering an association ("Zet je vereniging op de kaart"), placing it,
and claiming a listing without members, through the real pages (PostGIS and SpatiaLite)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import joining
from accounts.models import Membership, OrganisationClaim
from buurt.models import GeocodeStatus, Organisation
from core.moderation import ModerationState
from moderation.models import AuditEntry
from spatial import great_circle_m
from tests.buurt.gazetteer_data import load_gazetteer
from tests.factories import (
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.html_tree import Element, parse
from tests.on_commit import queued_work

pytestmark = pytest.mark.django_db

REGISTER = reverse("accounts:organisation-register")


def registration(**fields) -> dict:
    values = {
        "name": "Toneelgroep De Sleep",
        "kind": Organisation.Kind.CULTURE,
        "description": "We spelen toneel voor en met de buurt. Iedereen is welkom.",
        "opening_hours": "Elke dinsdag van 19:30 tot 22:00",
        "street_address": "Sint-Pietersnieuwstraat 33",
        "postcode": "9000",
        "city": "Gent",
        "cost": "free",
        "website": "https://www.desleep.be",
    }
    return values | fields


def page(response) -> Element:
    return parse(response.content)


def hrefs(response) -> list[str]:
    return [a.attrs.get("href", "") for a in page(response).find_all("a")]


@pytest.fixture
def moderator():
    return UserFactory(email="moderator@example.org", is_moderator=True)


# --- Registering --------------------------------------------------------------------------


def test_an_unconfirmed_account_is_asked_to_confirm_its_address_first(client):
    client.force_login(UserFactory(verified=False))
    response = client.post(REGISTER, registration())
    assert response.status_code == 403
    assert "Confirm your e-mail address first" in response.text
    assert not Organisation.objects.exists()


def test_registering_saves_at_once_places_later_and_waits_for_a_moderator(
    client, tmp_path, django_capture_on_commit_callbacks
):
    load_gazetteer(tmp_path)
    NeighbourhoodFactory()
    person = UserFactory()
    client.force_login(person)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(REGISTER, registration(enterprise_number="BE 0123.456.749"))
        # Saved before anything is placed: the task runs after the commit.
        saved = Organisation.objects.get()
        assert (saved.geocode_status, saved.point) == (GeocodeStatus.PENDING, None)
    assert len(queued_work(callbacks)) == 1

    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:organisation-place", args=[organisation.slug])
    assert organisation.slug == "toneelgroep-de-sleep"
    assert organisation.enterprise_number == "0123456749"
    assert organisation.moderation_state == ModerationState.PENDING
    assert not Organisation.objects.public().exists()
    membership = Membership.objects.get()
    assert (membership.user, membership.role) == (person, Membership.Role.ADMIN)
    # Placed by the gazetteer at the house number (tests/buurt/gazetteer_data.py: 51.0448, 3.7253).
    assert organisation.geocode_status == GeocodeStatus.DONE
    assert organisation.geocode_precision == "address"
    assert organisation.point.y == pytest.approx(51.0448, abs=1e-4)

    # Not public: its page does not exist for anyone; the registrant sees where it stands.
    assert client.get(organisation.get_absolute_url()).status_code == 404
    status = page(client.get(reverse("accounts:dashboard")))
    row = next(td for td in status.find_all("td") if "Toneelgroep De Sleep" in td.text)
    assert "Waiting for a moderator" in row.text
    assert row.find_all("a") == []
    place = client.get(reverse("accounts:organisation-place", args=[organisation.slug]))
    assert "Not yet: a moderator looks at it first." in place.text
    assert "precise to the address" in place.text
    assert "We could only place the address approximately" not in place.text


def test_bad_input_is_refused_with_a_clear_error_and_nothing_saved(client):
    client.force_login(UserFactory())
    response = client.post(REGISTER, registration(postcode="", enterprise_number="0123.456.748"))
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert "does not exist: check the digits" in response.text
    assert not Organisation.objects.exists()


def test_a_similar_listing_is_offered_to_claim_before_a_duplicate_is_made(client):
    existing = OrganisationFactory(name="De Sleep vzw", postcode="9000", slug="de-sleep")
    OrganisationFactory(  # not public: left to the moderator, never shown to the registrant
        name="De Sleep (demo)", postcode="9000", moderation_state=ModerationState.PENDING
    )
    client.force_login(UserFactory())

    response = client.post(REGISTER, registration(name="Sleep, De", website=""))

    assert response.status_code == 200
    offer = page(response).find("section", **{"aria-labelledby": "duplicates-heading"})
    assert offer.find("h2").text == "Is this yours?"
    links = [a.attrs["href"] for a in offer.find_all("a")]
    assert reverse("accounts:organisation-claim", args=[existing.slug]) in links
    assert "a similar name in the same postcode" in offer.text
    assert "(demo)" not in offer.text
    assert Organisation.objects.count() == 2

    # "None of these is ours": the same form, sent again with the button.
    response = client.post(REGISTER, registration(name="Sleep, De", not_a_duplicate="on"))
    assert response.status_code == 302
    assert Organisation.objects.count() == 3


def test_an_approximate_place_is_set_by_hand_or_by_coordinates(
    client, tmp_path, django_capture_on_commit_callbacks
):
    load_gazetteer(tmp_path)
    person = UserFactory()
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REGISTER, registration(street_address="Sint-Pietersnieuwstraat 999"))
    organisation = Organisation.objects.get()
    url = reverse("accounts:organisation-place", args=[organisation.slug])
    if organisation.geocode_status == GeocodeStatus.DONE:
        assert organisation.geocode_precision == "street"
    else:
        assert organisation.geocode_status == GeocodeStatus.FAILED
    response = client.get(url)
    assert "Drag the marker to the entrance" in response.text
    assert "We could only place the address approximately" in response.text
    # The map widget's field and, for a phone without JavaScript, two number fields.
    form = page(response).find("form", cls="stacked")
    assert form.find_all("textarea", name="point")
    assert form.find_all("input", name="latitude", type="number")

    # Outside Belgium and the Netherlands: refused, nothing changed.
    response = client.post(url, {"latitude": "48.85", "longitude": "2.35"})
    assert response.status_code == 400
    before = Organisation.objects.get()
    assert before.geocode_status == organisation.geocode_status

    response = client.post(url, {"latitude": "51.04475", "longitude": "3.72540"})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.geocode_status == GeocodeStatus.MANUAL
    assert organisation.point.x == pytest.approx(3.7254)

    # The widget's value (GeoJSON in the map's projection, EPSG:3857) works the same.
    geojson = '{"type": "Point", "coordinates": [414706.0, 6630000.0]}'
    assert client.post(url, {"point": geojson}).status_code == 302
    organisation.refresh_from_db()
    assert organisation.point.x == pytest.approx(3.72540, abs=1e-3)


def test_the_place_page_is_only_for_members_and_moderators(client):
    organisation = OrganisationFactory()
    url = reverse("accounts:organisation-place", args=[organisation.slug])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, {"latitude": "51.05", "longitude": "3.72"}).status_code == 404


def test_the_moderator_sees_the_submission_and_similar_listings(client, moderator):
    OrganisationFactory(name="Toneelgroep De Sleep vzw", postcode="9000", slug="oude-sleep")
    person = UserFactory(email="registrant@example.org")
    organisation = joining.organisation_register(
        organisation=Organisation(**registration(name="De Sleep Toneelgroep")),
        author=person,
    )
    client.force_login(moderator)

    queue = client.get(reverse("moderation:queue"))
    assert "De Sleep Toneelgroep" in queue.text
    item = page(
        client.get(reverse("moderation:item", args=["buurt.organisation", organisation.pk]))
    )
    similar = item.find("section", **{"aria-labelledby": "similar-heading"})
    assert "Toneelgroep De Sleep vzw" in similar.text
    assert "a similar name in the same postcode" in similar.text
    submitted = item.find("section", **{"aria-labelledby": "submission-heading"})
    assert "registrant@example.org (Administrator)" in submitted.text

    response = client.post(
        reverse("moderation:decide", args=["buurt.organisation", organisation.pk]),
        {"decision": "approve"},
    )
    assert response.status_code == 302
    assert Organisation.objects.public().filter(pk=organisation.pk).exists()


def test_links_to_register_from_home_neighbourhood_and_my_account(client):
    neighbourhood = NeighbourhoodFactory()
    client.force_login(UserFactory())
    for url in (
        reverse("maps:city"),
        neighbourhood.get_absolute_url(),
        reverse("accounts:dashboard"),
    ):
        assert REGISTER in hrefs(client.get(url)), url


# --- Claiming -----------------------------------------------------------------------------


@pytest.fixture
def listing():
    """A public listing nobody keeps yet, with a website of its own and an enterprise number."""
    return OrganisationFactory(
        name="Buurthuis De Sleep",
        slug="buurthuis-de-sleep",
        website="https://www.desleep.be/",
        enterprise_number="0123456749",
    )


def claim_url(organisation) -> str:
    return reverse("accounts:organisation-claim", args=[organisation.slug])


def test_a_listing_without_members_asks_whether_it_is_yours(client, listing):
    link = claim_url(listing)
    hrefs = [
        a.attrs.get("href") for a in page(client.get(listing.get_absolute_url())).find_all("a")
    ]
    assert link in hrefs
    MembershipFactory(organisation=listing)
    hrefs = [
        a.attrs.get("href") for a in page(client.get(listing.get_absolute_url())).find_all("a")
    ]
    assert link not in hrefs
    client.force_login(UserFactory())
    assert client.get(link).status_code == 404  # it has members now: ask them


def test_claim_with_an_address_on_the_domain_confirmed_by_the_link(
    client, listing, mailoutbox, django_capture_on_commit_callbacks
):
    claimant = UserFactory(email="an@gmail.example")
    client.force_login(claimant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            claim_url(listing),
            {"role": "Secretaris", "email": "an@desleep.be", "enterprise_number": "0123.456.749"},
        )
    assert response.status_code == 302
    claim = OrganisationClaim.objects.get()
    assert (claim.user, claim.moderation_state, claim.email_confirmed) == (
        claimant,
        ModerationState.PENDING,
        False,
    )
    assert claim.enterprise_number_matches is True
    assert [m.to for m in mailoutbox] == [["an@desleep.be"]]
    link = re.search(r"https?://\S+/account/claims/\S+", mailoutbox[0].body).group()
    path = link.split("://", 1)[1].split("/", 1)[1]

    # Someone else with the link (or a link scanner without a session) confirms nothing.
    client.force_login(UserFactory())
    assert client.get(f"/{path}").status_code == 404
    client.logout()
    assert client.get(f"/{path}").status_code == 302  # to the log-in page
    claim.refresh_from_db()
    assert not claim.email_confirmed
    # A wrong token neither.
    client.force_login(claimant)
    assert client.get(reverse("accounts:claim-email", args=[claim.pk, "x" * 32])).status_code == 404

    assert client.get(f"/{path}").status_code == 302
    assert client.get(f"/{path}").status_code == 302  # twice changes nothing
    claim.refresh_from_db()
    assert claim.email_confirmed
    actions = list(
        AuditEntry.objects.filter(object_id=claim.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [AuditEntry.Action.CLAIM, AuditEntry.Action.CONFIRM_EMAIL]
    assert "Waiting for a moderator" in client.get(reverse("accounts:dashboard")).text


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"role": "Voorzitter"}, "Give at least one piece of evidence"),
        ({"role": "Voorzitter", "email": "an@gmail.com"}, "website domain (desleep.be)"),
        ({"role": "Voorzitter", "enterprise_number": "0123456748"}, "check the digits"),
        ({"email": "an@desleep.be"}, "This field is required."),
    ],
)
def test_a_claim_without_good_evidence_is_refused(client, listing, fields, error):
    client.force_login(UserFactory())
    response = client.post(claim_url(listing), fields)
    assert response.status_code == 400
    assert error in response.text
    assert not OrganisationClaim.objects.exists()


def test_one_open_claim_per_person_and_listing(client, listing):
    client.force_login(UserFactory())
    assert (
        client.post(
            claim_url(listing), {"role": "Lid", "note": "Ik ben de voorzitter."}
        ).status_code
        == 302
    )
    response = client.post(claim_url(listing), {"role": "Lid", "note": "Nog eens."})
    assert response.status_code == 200
    assert "You already asked to keep this listing" in response.text
    assert OrganisationClaim.objects.count() == 1


def test_claims_are_rate_limited(client):
    person = UserFactory()
    client.force_login(person)
    listings = [OrganisationFactory() for _ in range(joining.CLAIMS_PER_DAY + 1)]
    for organisation in listings[:-1]:
        assert client.post(claim_url(organisation), {"role": "Lid", "note": "x"}).status_code == 302
    response = client.post(claim_url(listings[-1]), {"role": "Lid", "note": "x"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 23 * 3600
    assert OrganisationClaim.objects.count() == joining.CLAIMS_PER_DAY
    # A day later the oldest has left the window.
    OrganisationClaim.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert client.post(claim_url(listings[-1]), {"role": "Lid", "note": "x"}).status_code == 302


def test_the_moderator_approves_a_claim_and_the_claimant_becomes_admin(
    client, listing, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    claimant = UserFactory(email="claimant@example.org")
    claim = joining.claim_create(
        user=claimant, organisation=listing, role="Voorzitter", enterprise_number="0123456749"
    )
    client.force_login(moderator)
    queue = page(client.get(reverse("moderation:queue")))
    item_url = reverse("moderation:item", args=["accounts.organisationclaim", claim.pk])
    assert item_url in [a.attrs.get("href") for a in queue.find_all("a")]
    review = page(client.get(item_url)).find("section", **{"aria-labelledby": "claim-heading"})
    assert "claimant@example.org" in review.text
    assert "the same as the listing's" in review.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("moderation:decide", args=["accounts.organisationclaim", claim.pk]),
            {"decision": "approve"},
        )
    assert response.status_code == 302
    membership = Membership.objects.get(organisation=listing)
    assert (membership.user, membership.role) == (claimant, Membership.Role.ADMIN)
    assert [m.to for m in mailoutbox] == [["claimant@example.org"]]
    assert "You now keep the page of Buurthuis De Sleep" in mailoutbox[0].subject
    assert "you are now an administrator of Buurthuis De Sleep" in mailoutbox[0].body
    assert "http://127.0.0.1:8000/organisaties/buurthuis-de-sleep/" in mailoutbox[0].body
    assert AuditEntry.objects.filter(object_id=claim.pk, action="approve").exists()
    client.force_login(claimant)
    assert client.get(reverse("accounts:organisation-edit", args=[listing.slug])).status_code == 200


def test_a_refused_claim_needs_a_reason_and_makes_no_member(
    client, listing, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    claim = joining.claim_create(user=UserFactory(), organisation=listing, role="Lid", note="x")
    client.force_login(moderator)
    decide = reverse("moderation:decide", args=["accounts.organisationclaim", claim.pk])
    assert client.post(decide, {"decision": "reject"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide, {"decision": "reject", "reason": "Onbekend."})
    assert response.status_code == 302
    [mail] = mailoutbox
    assert mail.subject.endswith("Your claim of Buurthuis De Sleep")
    assert "did not approve your claim of Buurthuis De Sleep" in mail.body
    assert "Onbekend." in mail.body
    claim.refresh_from_db()
    assert claim.moderation_state == ModerationState.REJECTED
    assert not Membership.objects.exists()
    # A refused claim is no longer open: the person may ask again with better evidence.
    assert joining.open_claim(user=claim.user, organisation=listing) is None


def test_claim_email_fits_the_website_domain_only():
    assert joining.email_fits_website("an@desleep.be", "https://www.desleep.be")
    assert joining.email_fits_website("an@mail.desleep.be", "desleep.be")
    assert not joining.email_fits_website("an@notdesleep.be", "https://desleep.be")
    assert not joining.email_fits_website("an@facebook.com", "https://facebook.com/desleep")
    assert not joining.email_fits_website("an@desleep.be", "")


def test_distance_in_the_place_test_is_real():
    # 414706 m east in EPSG:3857 is 3.7254° east: the widget's value above.
    from django.contrib.gis.geos import Point

    point = Point(414706.0, 6630000.0, srid=3857)
    point.transform(4326)
    assert great_circle_m(point, Point(3.7254, point.y, srid=4326)) < 100


def test_a_claim_is_in_the_claimants_data_download_only(client, listing):
    import json

    claimant = UserFactory()
    joining.claim_create(
        user=claimant, organisation=listing, role="Voorzitter", note="Ik ben de voorzitter."
    )
    client.force_login(claimant)
    data = json.loads(client.get(reverse("accounts:export")).content)
    assert [(c["organisation"], c["note"], c["state"]) for c in data["claims"]] == [
        ("Buurthuis De Sleep", "Ik ben de voorzitter.", "pending")
    ]
    client.force_login(UserFactory())
    assert json.loads(client.get(reverse("accounts:export")).content)["claims"] == []


def test_the_admin_lists_claims_read_only_without_the_token(admin_client, listing):
    claim = joining.claim_create(
        user=UserFactory(), organisation=listing, role="Lid", email="an@desleep.be"
    )
    changelist = admin_client.get(reverse("admin:accounts_organisationclaim_changelist"))
    assert changelist.status_code == 200
    assert "Buurthuis De Sleep" in changelist.text
    change = admin_client.get(reverse("admin:accounts_organisationclaim_change", args=[claim.pk]))
    assert change.status_code == 200
    assert claim.email_token not in change.text
    assert 'name="moderation_state"' not in change.text  # decided in the moderation queue
    assert admin_client.get(reverse("admin:accounts_organisationclaim_add")).status_code == 403


def test_registering_the_same_again_points_to_the_own_waiting_listing(client):
    person = UserFactory()
    client.force_login(person)
    assert client.post(REGISTER, registration()).status_code == 302
    mine = Organisation.objects.get()
    assert mine.moderation_state == ModerationState.PENDING

    response = client.post(REGISTER, registration(name="De Sleep toneelgroep"))

    assert response.status_code == 200
    offer = page(response).find("section", **{"aria-labelledby": "duplicates-heading"})
    links = [a.attrs["href"] for a in offer.find_all("a")]
    assert links == [reverse("accounts:organisation-place", args=[mine.slug])]
    assert Organisation.objects.count() == 1
    # Someone else's waiting registration is never shown to another registrant.
    client.force_login(UserFactory())
    response = client.post(REGISTER, registration(name="De Sleep toneelgroep"))
    assert response.status_code == 302
