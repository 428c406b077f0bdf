"""The members' calendars page: add a feed (read at once), see why one failed, read again,
stop; all in the organisation's members' hands only."""

import pytest
from django.urls import reverse

from activities.models import CalendarSubscription
from tests.factories import MembershipFactory
from tests.http_files import File, HttpFiles

from . import ical_feeds

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(settings):
    settings.ICAL_IMPORT_ALLOW_PRIVATE_HOSTS = True
    with HttpFiles() as files:
        files.files["/nextcloud.ics"] = File(ical_feeds.nextcloud())
        files.files["/page.html"] = File(b"<!doctype html><title>x</title>", "text/html")
        yield files


def test_member_adds_a_feed_and_sees_its_drafts_and_errors(
    client, server, django_capture_on_commit_callbacks
):
    membership = MembershipFactory()
    organisation = membership.organisation
    client.force_login(membership.user)
    page = reverse("activities:subscriptions", args=[organisation.slug])
    dashboard = client.get(reverse("activities:dashboard")).content.decode()
    assert page in dashboard

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {"kind": "ical", "source": server.url("/nextcloud.ics")})
    assert response.status_code == 302
    subscription = CalendarSubscription.objects.get(organisation=organisation)
    assert subscription.created_by == membership.user
    assert subscription.activities.filter(status="draft").count() >= 4
    shown = client.get(page).content.decode()
    assert "Last read without error" in shown
    assert "Repaircafé" in client.get(reverse("activities:dashboard")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {"kind": "ical", "source": server.url("/page.html")})
    shown = client.get(page).content.decode()
    assert "does not give an iCalendar" in shown
    # The member's dashboard says so too, next to the organisation.
    dashboard = client.get(reverse("activities:dashboard")).content.decode()
    assert "does not give an iCalendar" in dashboard
    assert server.url("/page.html") in dashboard

    refused = client.post(page, {"kind": "ical", "source": "file:///etc/passwd"})
    assert refused.status_code == 400
    assert "Only http:// and https://" in refused.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("activities:subscription-sync", args=[subscription.pk]))
    assert response.status_code == 302
    client.post(reverse("activities:subscription-delete", args=[subscription.pk]))
    assert not CalendarSubscription.objects.filter(pk=subscription.pk).exists()
    # The activities stay, now as if made by hand.
    assert organisation.activities.filter(subscription=None).count() >= 4


def test_dutch_and_french_pages(client, server):
    membership = MembershipFactory()
    client.force_login(membership.user)
    url = reverse("activities:subscriptions", args=[membership.organisation.slug])
    nl = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    fr = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Een agenda toevoegen" in nl
    assert "Ajouter un agenda" in fr


def test_the_admin_lists_subscriptions_and_shows_where_an_activity_came_from(client, server):
    from django.contrib.auth import get_user_model

    from activities import subscriptions

    subscription = subscriptions.subscription_subscribe(
        organisation=MembershipFactory().organisation, source=server.url("/nextcloud.ics")
    )
    subscriptions.subscription_sync(subscription=subscription)
    imported = subscription.activities.first()
    admin = get_user_model().objects.create_superuser(email="beheer@example.org", password="x")
    client.force_login(admin)
    listing = client.get(reverse("admin:activities_calendarsubscription_changelist"))
    assert server.url("/nextcloud.ics") in listing.content.decode()
    page = client.get(
        reverse("admin:activities_calendarsubscription_change", args=[subscription.pk])
    )
    assert page.status_code == 200
    activity_page = client.get(reverse("admin:activities_activity_change", args=[imported.pk]))
    assert imported.feed_key in activity_page.content.decode()


@pytest.mark.parametrize("source", ["http://[::1/feed.ics", "https://[::1]x/", "webcal://[/x.ics"])
def test_a_malformed_address_is_a_form_error_and_nothing_is_stored(client, source):
    membership = MembershipFactory()
    client.force_login(membership.user)
    page = reverse("activities:subscriptions", args=[membership.organisation.slug])
    response = client.post(page, {"kind": "ical", "source": source})
    assert response.status_code == 400
    assert "This is not a valid web address." in response.content.decode()
    assert not CalendarSubscription.objects.exists()


def test_a_malformed_redirect_is_a_reading_error(server):
    """A redirect to a broken address ends the reading with a reason, not an exception."""
    from core import fetch

    server.redirects["/broken.ics"] = "http://[::1/feed.ics"
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(server.url("/broken.ics"), allow_private=True)
    assert error.value.code == "url"
