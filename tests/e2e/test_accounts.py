"""Accounts in a real browser: sign up, confirm by the e-mail, log out, log in, switch language,
then report an item in the language just chosen."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from moderation.models import Report
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "lang-en-sterk-buurtwachtwoord-2026"


def test_sign_up_confirm_log_in_switch_language_and_report(
    page, live_server, local_tiles, mailoutbox, requested_urls, page_errors
):
    page.goto(live_server.url + "/privacy/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email:").fill("nieuwe.bewoner@example.org")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again):").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    assert not page.get_by_role("link", name="My account", exact=True).is_visible()

    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/account/confirm-email/\S+/", mailoutbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("link", name="My account", exact=True).wait_for()
    assert User.objects.get(email="nieuwe.bewoner@example.org").emailaddress_set.get().verified

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Email:").fill("nieuwe.bewoner@example.org")
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="My account").wait_for()

    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Change").click()
    page.wait_for_function("document.documentElement.lang === 'nl'")
    assert page.url == live_server.url + "/account/"

    # Now in Dutch: the labels are the Dutch translations of the English msgids.
    with translation.override("nl"):
        report, spam, send, thanks = map(
            gettext,
            ["Report this", "It is spam or advertising", "Send the report", "Thank you"],
        )
    organisation = OrganisationFactory(name="Buurttheater De Koekoek")
    page.goto(live_server.url + organisation.get_absolute_url())
    page.get_by_role("link", name=report).click()
    page.get_by_label(spam).check()
    page.get_by_role("button", name=send).click()
    page.get_by_role("heading", name=thanks).wait_for()
    assert Report.objects.get().reporter.email == "nieuwe.bewoner@example.org"

    assert page_errors == []
    assert all(url.startswith(live_server.url) for url in requested_urls), requested_urls
