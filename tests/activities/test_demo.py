import pytest

from activities.demo import activities_demo_seed
from activities.models import Activity
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_demo_activities_are_varied_and_idempotent():
    for _n in range(3):
        OrganisationFactory(is_demo=True)
    created = activities_demo_seed()
    assert created == Activity.objects.count() >= 7
    activities = Activity.objects.public()
    assert activities.filter(rrule="").exists()  # one-off
    assert activities.filter(rrule__contains="WEEKLY").exclude(exception_dates=[]).exists()
    assert activities.filter(rrule__contains="MONTHLY").exists()
    assert activities.filter(reduced_rate=True).exists()
    assert activities.exclude(welcome_person_name="").exists()
    activities_demo_seed()
    assert Activity.objects.count() == created
