"""Activities in a real browser (the issue's "Done when"): a member logs in and posts a weekly
activity with a reduced rate and a welcome person; it is in the agenda, on the map and in the
organisation's iCal feed; a resident registers; the member sees the registration."""

import icalendar
import pytest
import recurring_ical_events
from django.utils import timezone

from activities.models import Activity
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in(page, live_server, email):
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("Email:").fill(email)
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="My account").wait_for()


def test_member_posts_resident_registers_member_sees_it(
    page, live_server, local_tiles, requested_urls, page_errors
):
    organisation = OrganisationFactory(name="Toneelgroep Tinnen Pot", is_verified=True)
    member = MembershipFactory(organisation=organisation, user__email="lid@example.org").user
    UserFactory(email="bewoner@example.org", first_name="Rita")

    log_in(page, live_server, member.email)
    page.goto(f"{live_server.url}/mijn-activiteiten/")
    page.get_by_role("link", name="New activity").click()
    page.get_by_label("Title").fill("Toneelrepetitie op dinsdag")
    page.get_by_label("Category").select_option("culture")
    page.get_by_label("Date (the first date of a series)").fill(
        (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    )
    page.get_by_label("From:", exact=True).fill("19:30")
    page.get_by_label("Until:", exact=True).fill("22:00")
    page.get_by_label("Every week", exact=True).check()
    page.get_by_label("Cost").select_option("paid")
    page.get_by_label("Price (euro)").fill("5")
    page.get_by_label("Reduced rate (UiTPAS / kansentarief)").check()
    page.get_by_label("A welcome person waits for you").check()
    page.get_by_label("First name of the welcome person").fill("Mieke")
    page.get_by_label("Registration required").check()
    page.get_by_label("Places per occurrence").fill("10")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("The activity is published.").wait_for()
    activity = Activity.objects.get()
    assert activity.reduced_rate
    assert activity.welcome_person_name == "Mieke"

    # The agenda, the map search, the organisation's feed.
    page.goto(f"{live_server.url}/agenda/?when=dates")
    page.get_by_role("link", name="Toneelrepetitie op dinsdag").first.wait_for()
    feed_link = page.locator('link[rel="alternate"][type="text/calendar"]')
    assert feed_link.count() == 1

    page.goto(f"{live_server.url}/zoeken/?lat=51.0543&lon=3.7196&radius=400&kind=activities")
    page.wait_for_selector("#results-heading")
    assert "Toneelrepetitie op dinsdag" in page.locator("ol.results").inner_text()
    page.wait_for_selector(".leaflet-marker-pane > *")

    feed = page.request.get(f"{live_server.url}/organisaties/{organisation.slug}/agenda.ics")
    assert feed.ok
    calendar = icalendar.Calendar.from_ical(feed.body())
    first = activity.occurrences.order_by("starts_at").first().starts_at
    events = recurring_ical_events.of(calendar).between(first, first + timezone.timedelta(days=8))
    assert [str(e["SUMMARY"]) for e in events] == ["Toneelrepetitie op dinsdag"] * 2

    # A resident registers for the first date.
    page.context.clear_cookies()
    log_in(page, live_server, "bewoner@example.org")
    page.goto(f"{live_server.url}{activity.get_absolute_url()}")
    page.get_by_text("Mieke waits for you and welcomes you").wait_for()
    page.get_by_role("button", name="Register").first.click()
    page.get_by_text("You are registered.").wait_for()

    # The member sees it.
    page.context.clear_cookies()
    log_in(page, live_server, member.email)
    page.goto(f"{live_server.url}/activiteiten/{activity.pk}/inschrijvingen/")
    assert "Rita" in page.locator("table.registrations").inner_text()
    assert page_errors == []
