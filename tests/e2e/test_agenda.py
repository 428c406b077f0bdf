"""The agenda on a 360 px phone in Chromium: the filters are folded, open on a tap into
checkboxes that fit the screen, a language is chosen by its checkbox, and the results come
under day headings; nothing is wider than the screen and axe-core finds no serious problem."""

import datetime

import pytest
from django.utils import timezone

from buurt.models import Language
from tests.e2e.layout import page_width
from tests.e2e.test_search import axe_problems
from tests.factories import ActivityFactory, OrganisationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_agenda_on_a_phone(page, live_server, page_errors):
    arabic, _ = Language.objects.get_or_create(code="ar", defaults={"name_local": "العربية"})
    club = OrganisationFactory(name="Vzw Buurtwerk met een zeer lange naam Sint-Amandsberg-Oost")
    spoken = ActivityFactory(
        organisation=club,
        title="Praatcafé voor nieuwkomers en buren: Nederlandsoefenmoment",
        starts_at=timezone.now() + datetime.timedelta(days=1),
        rrule="FREQ=WEEKLY",
    )
    spoken.languages.set([arabic])
    ActivityFactory(organisation=club, title="Soepmoment")

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/agenda/")
    filters = page.locator("details.agenda-filters-box")
    assert not page.locator("details.agenda-filters-box form").is_visible()
    assert page.locator(".agenda-day h2").count() >= 1
    assert page_width(page) <= 360
    assert axe_problems(page) == []

    filters.locator("summary").click()
    language = page.get_by_label("العربية")
    assert language.is_visible()
    assert page_width(page) <= 360
    assert axe_problems(page) == []
    language.check()
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/agenda/?*language=ar*")
    items = page.locator(".agenda-item")
    assert items.count() == 1  # the weekly café once, not once a week
    assert "Nederlandsoefenmoment" in items.inner_text()
    assert page.locator("details.agenda-filters-box summary").inner_text() == "Filters (1 chosen)"
    assert page_errors == []
