"""Listings that stay true: the review e-mail, its one-click link, the freshness queue, and
"possibly out of date". Time moves by explicit dates, never by sleeping."""

from __future__ import annotations

import datetime
import re
import socket

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.listing_reviews import (
    listing_reviews_queue_mail,
    listing_reviews_run,
    organisations_for_freshness_queue,
)
from accounts.models import ListingReview, Membership
from buurt.models import Organisation
from buurt.selectors import neighbourhoods_freshness
from core import mail as core_mail
from moderation.models import AuditEntry
from tests.factories import (
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    UserFactory,
    box,
)

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2027, 3, 10, 9, 0))
TODAY = NOW.date()


@pytest.fixture
def listing():
    """Confirmed seven months ago, with an admin and an editor."""
    organisation = OrganisationFactory(
        name="Buurttheater De Koekoek", assured_on=datetime.date(2026, 8, 10), assurer="member"
    )
    MembershipFactory(organisation=organisation, user__email="beheer@koekoek.example")
    MembershipFactory(
        organisation=organisation,
        role=Membership.Role.EDITOR,
        user__email="redactie@koekoek.example",
    )
    return organisation


def run(django_capture_on_commit_callbacks, now=NOW) -> dict:
    with django_capture_on_commit_callbacks(execute=True):
        return listing_reviews_run(now=now)


def confirm_link(message) -> str:
    return re.search(r"https?://\S+/nagekeken/\S+/", message.body).group(0)


def test_the_admin_members_are_asked_by_mail_once(
    listing, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://buurtkaart.example"
    OrganisationFactory(assured_on=datetime.date(2026, 12, 1))  # confirmed three months ago

    assert run(django_capture_on_commit_callbacks) == {"opened": 1, "queued": 1}

    (message,) = mailoutbox
    assert message.to == ["beheer@koekoek.example"]  # admins, not editors
    assert "Buurttheater De Koekoek" in message.subject
    assert "It was last checked in August 2026." in message.body
    review = ListingReview.objects.get()
    assert confirm_link(message) == f"https://buurtkaart.example{review.confirm_url()}"
    assert f"https://buurtkaart.example/organisaties/{listing.slug}/bewerken/" in message.body
    # The next day: the review is open and sent, nothing is asked again.
    tomorrow = NOW + datetime.timedelta(days=1)
    assert run(django_capture_on_commit_callbacks, tomorrow) == {"opened": 0, "queued": 0}
    assert len(mailoutbox) == 1


def test_the_member_confirms_with_the_link_and_their_own_session(
    listing, client, mailoutbox, django_capture_on_commit_callbacks
):
    run(django_capture_on_commit_callbacks)
    link = confirm_link(mailoutbox[0]).removeprefix("http://127.0.0.1:8000")

    # A link scanner (no session) or another account changes nothing.
    assert client.get(link).status_code == 302
    client.force_login(UserFactory())
    assert client.get(link).status_code == 404
    admin = listing.memberships.get(role="admin").user
    client.force_login(admin)
    wrong = reverse("accounts:listing-confirm-link", args=[listing.slug, "not-the-token"])
    assert client.get(wrong).status_code == 404
    listing.refresh_from_db()
    assert listing.assured_on == datetime.date(2026, 8, 10)

    response = client.get(link, follow=True)

    assert "the listing is marked as checked today" in response.content.decode()
    listing.refresh_from_db()
    assert (listing.assured_on, listing.assurer) == (timezone.localdate(), "member")
    assert ListingReview.objects.get().closed_at is not None
    assert client.get(link).status_code == 302  # again: confirms again, no error


EXPIRED = "This link was for an earlier review of the listing and no longer works."


@pytest.mark.parametrize("newer_review", [False, True])
def test_a_link_of_an_earlier_review_round_confirms_nothing(listing, client, newer_review):
    """Valid until the next round: LISTING_REVIEW_MONTHS after it was asked, or once a newer
    review was opened. The member is sent to the edit page, whose button still confirms."""
    now = timezone.now()
    asked = now - datetime.timedelta(days=40 if newer_review else 200)  # 200 days > 6 months
    old = ListingReview.objects.create(organisation=listing, asked_at=asked, closed_at=asked)
    if newer_review:
        ListingReview.objects.create(
            organisation=listing, asked_at=now - datetime.timedelta(days=1)
        )
    client.force_login(listing.memberships.get(role="admin").user)

    response = client.get(old.confirm_url(), follow=True)

    assert response.redirect_chain == [
        (reverse("accounts:organisation-edit", args=[listing.slug]), 302)
    ]
    assert EXPIRED in response.content.decode()
    assert "Everything is still correct" in response.content.decode()
    listing.refresh_from_db()
    assert listing.assured_on == datetime.date(2026, 8, 10)  # unchanged


def test_a_link_works_until_the_next_round_would_be_due(listing, client, settings):
    settings.LISTING_REVIEW_MONTHS = 6
    review = ListingReview.objects.create(
        organisation=listing, asked_at=timezone.now() - datetime.timedelta(days=170)
    )
    client.force_login(listing.memberships.get(role="admin").user)

    response = client.get(review.confirm_url(), follow=True)

    assert EXPIRED not in response.content.decode()
    assert "the listing is marked as checked today" in response.content.decode()


def test_unanswered_for_30_days_it_goes_to_the_freshness_queue(
    listing, django_capture_on_commit_callbacks
):
    run(django_capture_on_commit_callbacks)

    assert listing not in organisations_for_freshness_queue(now=NOW + datetime.timedelta(days=29))
    assert listing in organisations_for_freshness_queue(now=NOW + datetime.timedelta(days=31))


def test_listings_without_members_go_to_the_queue_directly(django_capture_on_commit_callbacks):
    lonely = OrganisationFactory(assured_on=datetime.date(2026, 9, 1))
    fresh = OrganisationFactory(assured_on=datetime.date(2027, 1, 1))

    assert run(django_capture_on_commit_callbacks) == {"opened": 0, "queued": 0}
    queue = list(organisations_for_freshness_queue(now=NOW))
    assert lonely in queue
    assert fresh not in queue


def test_a_moderator_confirms_from_the_queue(client, django_capture_on_commit_callbacks):
    lonely = OrganisationFactory(name="Zonder Leden", assured_on=datetime.date(2025, 9, 1))
    moderator = UserFactory(is_moderator=True)
    client.force_login(moderator)

    page = client.get(reverse("moderation:freshness")).content.decode()
    assert "Zonder Leden" in page

    response = client.post(reverse("moderation:freshness-confirm", args=[lonely.pk]))

    assert response.status_code == 302
    lonely.refresh_from_db()
    assert (lonely.assured_on, lonely.assurer) == (timezone.localdate(), "moderator")
    assert AuditEntry.objects.filter(action="verify", object_id=lonely.pk).exists()


def test_the_freshness_page_is_for_coordinators(client):
    OrganisationFactory()
    assert client.get(reverse("moderation:freshness")).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("moderation:freshness")).status_code == 404
    client.force_login(UserFactory(is_coordinator=True))
    page = client.get(reverse("moderation:freshness"))
    assert page.status_code == 200
    # Coordinators read; only moderators confirm.
    assert "Still correct" not in page.content.decode()


def test_a_failed_mail_is_sent_by_a_later_run(
    listing, mailoutbox, django_capture_on_commit_callbacks, settings
):
    with socket.socket() as probe:  # a port where nothing listens: the server refuses
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    core_mail._breakers.clear()
    settings.EMAIL_BACKEND = "core.mail.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 1
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False

    run(django_capture_on_commit_callbacks)

    review = ListingReview.objects.get()
    assert review.mailed_at is None
    assert review.mail_queued_at == NOW
    # Queued once: not again while its task may still be retrying.
    with django_capture_on_commit_callbacks(execute=True):
        assert listing_reviews_queue_mail(now=NOW + datetime.timedelta(minutes=30)) == 0

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    core_mail._breakers.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert listing_reviews_queue_mail(now=NOW + datetime.timedelta(hours=2)) == 1

    assert [m.to for m in mail.outbox] == [["beheer@koekoek.example"]]
    review.refresh_from_db()
    assert review.mailed_at is not None


def test_editing_the_profile_confirms_it(listing, client):
    admin = listing.memberships.get(role="admin").user
    client.force_login(admin)

    response = client.post(reverse("accounts:listing-confirm", args=[listing.slug]))

    assert response.status_code == 302
    listing.refresh_from_db()
    assert (listing.assured_on, listing.assurer) == (timezone.localdate(), "member")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "Laatst nagekeken in maart 2026 door de vereniging."),
        ("fr", "Vérifiée pour la dernière fois en mars 2026 par l’association."),
        ("en", "Last checked in March 2026 by the association."),
    ],
)
def test_the_page_says_when_in_words(client, language, text):
    organisation = OrganisationFactory(assured_on=datetime.date(2026, 3, 5), assurer="member")
    client.post(reverse("set_language"), {"language": language, "next": "/"})

    page = client.get(organisation.get_absolute_url())

    assert text in page.content.decode()


def test_a_year_without_confirmation_says_possibly_out_of_date(client):
    old = OrganisationFactory(
        name="Oude Vereniging", assured_on=timezone.localdate() - datetime.timedelta(days=370)
    )
    recent = OrganisationFactory(assured_on=timezone.localdate() - datetime.timedelta(days=300))

    assert "Possibly out of date." in client.get(old.get_absolute_url()).content.decode()
    assert "Possibly out of date." not in client.get(recent.get_absolute_url()).content.decode()
    # Still findable in the search, with the same warning on its result only.
    search = client.get(
        reverse("maps:search"), {"lat": "51.0545", "lon": "3.7215"}
    ).content.decode()
    assert search.count("Possibly out of date.") == 1
    assert "Oude Vereniging" in search


def test_the_share_confirmed_per_neighbourhood():
    west = NeighbourhoodFactory(name="West", boundary=box(3.70, 51.045, 3.72, 51.065))
    east = NeighbourhoodFactory(name="East", boundary=box(3.72, 51.045, 3.74, 51.065))
    NeighbourhoodFactory(name="Empty", boundary=box(3.80, 51.0, 3.81, 51.01))
    for assured in (
        datetime.date(2026, 6, 1),
        datetime.date(2026, 3, 10),
        datetime.date(2026, 3, 9),
    ):
        OrganisationFactory(neighbourhood=west, assured_on=assured)
    OrganisationFactory(neighbourhood=east, assured_on=datetime.date(2026, 12, 1))
    OrganisationFactory(neighbourhood=east, assured_on=datetime.date(2020, 1, 1), status="draft")

    rows = {row.neighbourhood.name: row for row in neighbourhoods_freshness(today=TODAY)}

    # West: 1 June and 10 March 2026 are within the 12 months up to 10 March 2027; 9 March is
    # not (calendar months).
    assert (rows["West"].listings, rows["West"].confirmed, rows["West"].share) == (3, 2, 66)
    assert (rows["East"].listings, rows["East"].confirmed, rows["East"].share) == (1, 1, 100)
    assert rows["Empty"].share is None
    assert [row.neighbourhood.name for row in neighbourhoods_freshness(today=TODAY)] == [
        "West",
        "East",
        "Empty",
    ]
    assert Organisation.objects.confirmed_recently(TODAY).count() == 3


def test_my_account_asks_members_whether_a_due_listing_is_still_correct(client):
    due = OrganisationFactory(
        name="Toneelgroep Oud", assured_on=timezone.localdate() - datetime.timedelta(days=200)
    )
    fresh = OrganisationFactory(name="Toneelgroep Nieuw")
    member = MembershipFactory(organisation=due).user
    MembershipFactory(organisation=fresh, user=member)
    client.force_login(member)

    page = client.get(reverse("accounts:dashboard")).content.decode()

    assert page.count("Still correct?") == 1
    assert f'href="/organisaties/{due.slug}/bewerken/#checked-title"' in page
