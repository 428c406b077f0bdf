"""Dates in the reader's language: the named formats of core/formats in Dutch, French and
English, the pages' tables that used to print "7 Dec 2026" on a Dutch page, and a guard that
no template spells out a format of its own again."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import get_format

from referrals.models import Referral
from tests.referrals.helpers import association, referral

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
MONDAY = datetime.datetime(2026, 12, 7, 14, 0, tzinfo=BRUSSELS)
OUR_NAMES = ("WEEKDAY_DATE_FORMAT", "WEEKDAY_DATETIME_FORMAT", "WEEKDAY_DATETIME_YEAR_FORMAT")
EXPECTED = {
    "nl": {
        "DATE_FORMAT": "7 december 2026",
        "SHORT_DATE_FORMAT": "7-12-2026",
        "DATETIME_FORMAT": "7 december 2026, 14:00",
        "TIME_FORMAT": "14:00",
        "WEEKDAY_DATETIME_FORMAT": "maandag 7 december, 14:00",
        "WEEKDAY_DATETIME_YEAR_FORMAT": "maandag 7 december 2026, 14:00",
    },
    "fr": {
        "DATE_FORMAT": "7 décembre 2026",
        "SHORT_DATE_FORMAT": "07/12/2026",
        "DATETIME_FORMAT": "7 décembre 2026 à 14:00",
        "TIME_FORMAT": "14:00",
        "WEEKDAY_DATETIME_FORMAT": "lundi 7 décembre à 14:00",
        "WEEKDAY_DATETIME_YEAR_FORMAT": "lundi 7 décembre 2026 à 14:00",
    },
    "en": {
        "DATE_FORMAT": "7 December 2026",
        "SHORT_DATE_FORMAT": "7 Dec 2026",
        "DATETIME_FORMAT": "7 December 2026, 14:00",
        "TIME_FORMAT": "14:00",
        "WEEKDAY_DATETIME_FORMAT": "Monday 7 December, 14:00",
        "WEEKDAY_DATETIME_YEAR_FORMAT": "Monday 7 December 2026, 14:00",
    },
}


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_language_defines_our_named_formats(language):
    for name in OUR_NAMES:
        value = get_format(name, lang=language)
        # An undefined name comes back unchanged, and would be printed letter by letter.
        assert value != name, (language, name)


@pytest.mark.parametrize(
    ("language", "name"), [(lang, n) for lang in EXPECTED for n in EXPECTED[lang]]
)
def test_named_formats_read_in_the_language(language, name):
    with translation.override(language), timezone.override(BRUSSELS):
        rendered = Template(f'{{{{ moment|date:"{name}" }}}}').render(Context({"moment": MONDAY}))
    assert rendered == EXPECTED[language][name]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [("nl", "7-12-2026", "Dec"), ("fr", "07/12/2026", "Déc"), ("en", "7 Dec 2026", "12/07")],
)
def test_referral_tables_show_dates_in_the_pages_language(client, language, shown, not_shown):
    organisation, contact = association()
    made = referral(to=organisation)
    Referral.objects.filter(pk=made.pk).update(created_at=MONDAY)

    client.force_login(made.worker)
    mine = client.get(reverse("referrals:mine"), HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(contact)
    incoming = client.get(
        reverse("referrals:incoming", args=[organisation.slug]), HTTP_ACCEPT_LANGUAGE=language
    )

    for response in (mine, incoming):
        assert response.status_code == 200
        table = response.content.decode().split("<table", 1)[1].split("</table>", 1)[0]
        assert shown in table
        assert not_shown not in table


LITERAL_FORMAT = re.compile(r"""\|date:["']([^"']+)["']""")
ISO = re.compile(r"c|Y-m-d")  # for machines: datetime attributes, ids


def test_templates_name_their_date_formats():
    """`|date:"j M Y"` prints Django's format letters as they are, in any language: every
    template names a format (core/formats), or asks for ISO 8601 ("c", "Y-m-d") for machines."""
    literal = []
    for directory in settings.TEMPLATES[0]["DIRS"] + [Path(settings.BASE_DIR) / "core"]:
        for path in Path(directory).rglob("*.*"):
            if path.suffix not in {".html", ".txt"}:
                continue
            for found in LITERAL_FORMAT.findall(path.read_text(encoding="utf-8")):
                if not (ISO.fullmatch(found) or found.endswith("_FORMAT")):
                    literal.append(f"{path.name}: {found}")
    assert literal == []
