"""Activities in the map search, through the search's plug-in interface."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from activities.models import Activity
from buurt.models import Language
from maps.search import service
from maps.search.forms import parse_search
from tests.factories import KORENMARKT, ActivityFactory

pytestmark = pytest.mark.django_db

QUERY = f"lat={KORENMARKT.y}&lon={KORENMARKT.x}&radius=800&kind=activities"


def run(query: str):
    params = parse_search(QueryDict(query))
    return service.search(params, location=service.search_location(params))


def test_activities_are_found_near_with_their_next_date_and_filters():
    soon = timezone.now() + datetime.timedelta(days=1)
    weekly = ActivityFactory(
        title="Toneel", starts_at=soon, rrule="FREQ=WEEKLY", reduced_rate=True, welcome_person=True
    )
    ActivityFactory(
        title="Later",
        starts_at=timezone.now() + datetime.timedelta(days=60),
        cost="paid",
        price=5,
    )
    ActivityFactory(title="Online", venue=Activity.Venue.ONLINE)
    ActivityFactory(title="Concept", status="draft")
    weekly.languages.set(
        Language.objects.get_or_create(code=code, defaults={"name_local": name})[0]
        for code, name in [("tr", "Türkçe"), ("ar", "العربية"), ("nl", "Nederlands")]
    )

    page = run(QUERY)
    assert sorted(r.title for r in page.results) == ["Later", "Toneel"]
    result = next(r for r in page.results if r.title == "Toneel")
    assert result.url == weekly.get_absolute_url()
    assert result.distance_m == 0
    assert result.next_occurrence == weekly.occurrences.first().starts_at
    assert {f.code for f in result.flags} >= {"reduced_rate", "welcome_person"}
    # Read with the rows (a weekly activity has many dates: each language still once).
    assert result.languages == ("Nederlands", "Türkçe", "العربية")
    assert next(r for r in page.results if r.title == "Later").languages == ()

    assert [r.title for r in run(QUERY + "&when=week").results] == ["Toneel"]
    assert [r.title for r in run(QUERY + "&reduced_rate=1").results] == ["Toneel"]


def test_past_and_cancelled_activities_are_not_found():
    past = ActivityFactory(starts_at=timezone.now() - datetime.timedelta(days=3))
    assert past.occurrences.exists()
    cancelled = ActivityFactory()
    cancelled.status = Activity.Status.CANCELLED
    cancelled.save()
    assert run(QUERY).results == []
