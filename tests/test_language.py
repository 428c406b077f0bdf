"""The interface is Dutch first, with French and English on request."""

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture
def dutch_default(settings):
    settings.LANGUAGE_CODE = "nl"
    with translation.override(None):
        yield


@pytest.mark.usefixtures("dutch_default")
@pytest.mark.parametrize(
    ("accept_language", "lang", "nav_label"),
    [("", "nl", "Buurten"), ("fr-BE,fr;q=0.9", "fr", "Quartiers"), ("en", "en", "Neighbourhoods")],
)
def test_pages_speak_the_readers_language_and_default_to_dutch(
    client, accept_language, lang, nav_label
):
    response = client.get("/buurten/", HTTP_ACCEPT_LANGUAGE=accept_language)
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert nav_label in html
