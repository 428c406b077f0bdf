"""The seeded demo looks like a buurt: every association has something on the agenda that fits
what it is (no lunch at a theatre group), and together the demo shows every kind of listing
the product supports. Run on the real `seed_demo`, on PostGIS and on SpatiaLite."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from activities import demo as activities_demo
from activities.models import Activity
from buurt.models import NetworkModel, Organisation
from neighbourhelp.models import Category as HelpCategory
from neighbourhelp.models import HelpOffer, HelpRequest, TimeSlot
from tests.factories import OrganisationFactory
from tests.html_tree import parse

pytestmark = pytest.mark.django_db

# What each kind of association may fittingly run, written here apart from the demo's table.
FITTING = {
    "culture": {"culture"},
    "sports": {"sports"},
    "community_centre": {"meal", "culture", "learning", "outing", "conversation"},
    "service_centre": {"meal", "learning", "sports", "conversation"},
    "peer_group": {"peer_group"},
    "buddy_project": {"volunteering", "conversation", "outing"},
    "youth": {"culture", "learning", "outing", "sports"},
    "seniors": {"meal", "sports", "culture", "conversation"},
    "language_cafe": {"conversation"},
    "social_restaurant": {"meal"},
    "volunteering": {"volunteering"},
    "public_service": {"learning"},
}


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=io.StringIO())
    return Activity.objects.public().select_related("organisation")


def test_every_association_has_something_on_the_agenda(seeded):
    now = timezone.now()
    for organisation in Organisation.objects.public().filter(is_demo=True):
        coming = seeded.filter(organisation=organisation, occurrences__starts_at__gte=now)
        assert coming.exists(), f"{organisation.name} has nothing on the agenda"


def test_activities_fit_their_association(seeded):
    for activity in seeded:
        kind = activity.organisation.kind
        assert activity.category in FITTING[kind], (
            f"{activity.title} ({activity.category}) does not fit {activity.organisation.name}"
        )
        # Age groups fit too: no seniors' afternoon at a youth club, no toddlers' gym at a
        # seniors' club.
        if activity.age_group == "seniors":
            assert kind in {"seniors", "service_centre"}
        if activity.age_group in {"children", "youth"}:
            assert kind in {"youth", "sports", "community_centre"}
    lunch = seeded.get(title="Donderdaglunch in het dienstencentrum")
    assert lunch.organisation.kind == "service_centre"


def test_the_demo_shows_every_kind_of_listing(seeded):
    categories = {a.category for a in seeded}
    assert categories == set(Activity.Category.values) - {"other"}
    assert {a.venue for a in seeded} == set(Activity.Venue.values)
    assert {a.cost for a in seeded} == set(Activity.Cost.values)
    assert seeded.filter(reduced_rate=True).exists()
    assert seeded.filter(registration_required=True, capacity__gt=0).exists()
    assert seeded.exclude(welcome_person_name="").exists()
    assert seeded.filter(no_dutch_needed=True).exists()
    assert {a.age_group for a in seeded} >= {"all", "children", "youth", "adults", "seniors"}
    # Every way an activity can repeat, each said in plain words.
    rules = [(a.rrule, a.extra_dates) for a in seeded]
    assert ("", []) in rules  # once
    assert any("FREQ=WEEKLY;BYDAY=" in r and "," not in r for r, _x in rules)  # one weekday
    assert any("BYDAY=MO,TU" in r for r, _x in rules)  # several weekdays
    assert any("INTERVAL=2" in r for r, _x in rules)  # every two weeks
    assert any("BYDAY=1MO" in r or "BYDAY=2" in r for r, _x in rules)  # the nth weekday
    assert any("BYDAY=-1" in r for r, _x in rules)  # the last weekday of the month
    assert any(r == "" and x for r, x in rules)  # on these dates
    for activity in seeded:
        if activity.is_recurring:
            assert activity.schedule_summary, f"{activity.title}: no summary in plain words"
    # Every network-strengthening model has an activity.
    served = set(seeded.values_list("network_models__code", flat=True))
    assert served >= set(NetworkModel.objects.values_list("code", flat=True))
    # Associations of every kind, neighbours offering every kind of help at every time.
    kinds = set(Organisation.objects.filter(is_demo=True).values_list("kind", flat=True))
    assert kinds == set(Organisation.Kind.values) - {"other"}
    offers = list(HelpOffer.objects.public())
    assert {c for o in offers for c in o.categories} == set(HelpCategory.values)
    assert {t for o in offers for t in o.times} == set(TimeSlot.values)
    assert HelpRequest.objects.public().exists()


def test_seeding_again_changes_nothing_and_drops_what_no_longer_fits(seeded):
    count = seeded.count()
    # An earlier demo put a lunch at a theatre group: a new seed takes it away.
    theatre = Organisation.objects.get(name="Buurttheater De Koekoek (demo)")
    misfit = Activity.objects.create(
        organisation=theatre,
        title="Donderdaglunch in het dienstencentrum",
        category="meal",
        starts_at=timezone.now(),
        ends_at=timezone.now(),
        status="published",
        is_demo=True,
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert not Activity.objects.filter(pk=misfit.pk).exists()
    assert Activity.objects.public().count() == count


def test_an_association_outside_the_table_gets_what_its_kind_does():
    club = OrganisationFactory(is_demo=True, kind="sports", name="Badmintonclub Shuttle (demo)")
    activities_demo.activities_demo_seed()
    assert [a.category for a in Activity.objects.filter(organisation=club)] == ["sports"]


def test_the_seeded_demo_search_finds_every_kind_near_the_korenmarkt(client, seeded):
    url = reverse("maps:search") + "?lat=51.0543&lon=3.7196&radius=2400"
    page = parse(client.get(url).content)
    kinds = {li.attrs["id"].split("-")[1] for li in page.find_all("li", cls="result")}
    assert kinds == {"activities", "organisations", "help_offers"}
