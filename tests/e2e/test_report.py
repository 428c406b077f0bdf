"""Reporting in a real browser: a resident reports an organisation, a moderator hides it."""

import pytest
from django.conf import settings
from django.test import Client

from buurt.models import Organisation
from core.moderation import ModerationState
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, live_server, user):
    """Swap the browser's session for one of `user` (log-in itself is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def test_a_resident_reports_and_a_moderator_hides(
    page, live_server, local_tiles, requested_urls, page_errors
):
    organisation = OrganisationFactory(name="Buurttheater De Koekoek")
    organisation_url = live_server.url + organisation.get_absolute_url()

    page.goto(organisation_url)
    page.get_by_role("link", name="Report this").click()
    assert page.get_by_role("link", name="Log in").last.is_visible()

    sign_in(page, live_server, UserFactory())
    page.goto(organisation_url)
    page.get_by_role("link", name="Report this").click()
    page.get_by_label("It is spam or advertising").check()
    page.get_by_label("Anything else the moderators should know (optional)").fill("Reclame.")
    page.get_by_role("button", name="Send the report").click()
    page.get_by_role("heading", name="Thank you").wait_for()

    sign_in(page, live_server, UserFactory(is_moderator=True))
    page.goto(live_server.url + "/moderatie/")
    page.get_by_role("link", name="Buurttheater De Koekoek").click()
    page.get_by_label("Hide it until it is fixed").check()
    page.get_by_label("Reason for the author").fill("Pas de beschrijving aan.")
    page.get_by_role("button", name="Save the decision").click()
    page.get_by_text("Your decision is saved").wait_for()

    organisation.refresh_from_db()
    assert organisation.moderation_state == ModerationState.HIDDEN
    assert not Organisation.objects.public().exists()
    assert page_errors == []
    assert all(url.startswith(live_server.url) for url in requested_urls), requested_urls
