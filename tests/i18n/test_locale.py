"""The reader's language: the switcher changes it, <html lang> follows, and dates and numbers
are written the way the reader's locale writes them (time zone Europe/Brussels)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import NeighbourhoodFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch_default(settings):
    """The site's real default (tests/conftest.py switches the suite to English msgids)."""
    settings.LANGUAGE_CODE = "nl"
    with translation.override(None):
        yield


def switch_language(client, language: str, next_url: str):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


@pytest.mark.parametrize(
    ("language", "neighbourhoods"),
    [("fr", "Quartiers"), ("en", "Neighbourhoods"), ("nl", "Buurten")],
)
def test_the_language_switcher_changes_the_language_of_the_next_pages(
    client, language, neighbourhoods
):
    url = reverse("buurt:neighbourhood-list")

    response = switch_language(client, language, url)

    assert response.status_code == 302
    assert response["Location"] == url
    for page in (url, reverse("maps:city")):
        html = client.get(page).content.decode()
        assert f'<html lang="{language}">' in html
        assert f">{neighbourhoods}</a>" in html  # the main navigation
        assert f'<option value="{language}" lang="{language}" selected>' in html


def test_the_choice_outlasts_the_browsers_accept_language(client):
    switch_language(client, "fr", "/")

    html = client.get(reverse("buurt:neighbourhood-list"), HTTP_ACCEPT_LANGUAGE="nl").content
    assert b'<html lang="fr">' in html


def test_the_switcher_refuses_a_language_we_do_not_offer(client):
    switch_language(client, "de", "/")

    assert b'<html lang="nl">' in client.get(reverse("buurt:neighbourhood-list")).content


def test_the_switcher_never_redirects_to_another_site(client):
    response = switch_language(client, "fr", "https://evil.example/")

    assert response["Location"] == "/"


def test_the_switcher_is_a_form_on_every_page(client):
    html = client.get(reverse("maps:city")).content.decode()

    assert f'action="{reverse("set_language")}" method="post"' in html
    assert "csrfmiddlewaretoken" in html


@pytest.fixture
def verified_organisation():
    return OrganisationFactory(
        name="Toneelgroep", is_verified=True, assured_on=datetime.date(2026, 3, 5)
    )


@pytest.mark.parametrize(
    ("language", "date"),
    [("nl", "maart 2026"), ("fr", "mars 2026"), ("en", "March 2026")],
)
def test_dates_use_the_readers_month_names(client, verified_organisation, language, date):
    switch_language(client, language, "/")

    html = client.get(verified_organisation.get_absolute_url()).content.decode()

    assert date in html


@pytest.mark.parametrize(
    ("language", "population"),
    [("nl", "12.345 inwoners"), ("fr", "12\xa0345 habitants"), ("en", "12,345 inhabitants")],
)
def test_numbers_use_the_readers_separators(client, language, population):
    neighbourhood = NeighbourhoodFactory(population=12345)
    switch_language(client, language, "/")

    html = client.get(neighbourhood.get_absolute_url()).content.decode()

    assert population in html


def test_times_are_in_brussels(settings):
    assert settings.TIME_ZONE == "Europe/Brussels"
    assert settings.USE_TZ is True
    # 12:00 UTC in summer is 14:00 in Brussels.
    noon_utc = datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.UTC)
    assert timezone.localtime(noon_utc).hour == 14
