import pytest

from activities.models import Activity, Occurrence
from core.moderation import ModerationState
from tests.factories import ActivityFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_public_activities_leave_out_cancelled_ones_unless_asked():
    published = ActivityFactory()
    cancelled = ActivityFactory(status=Activity.Status.CANCELLED)
    ActivityFactory(status=Activity.Status.DRAFT)
    ActivityFactory(moderation_state=ModerationState.PENDING)
    ActivityFactory(organisation=OrganisationFactory(status="draft"))

    assert list(Activity.objects.public()) == [published]
    assert set(Activity.objects.public(include_cancelled=True)) == {published, cancelled}
    assert list(Activity.objects.on_map()) == [published]  # at its organisation, on the map


def test_public_occurrences_leave_out_cancelled_dates_and_activities_unless_asked():
    published = ActivityFactory()
    cancelled = ActivityFactory(status=Activity.Status.CANCELLED)
    called_off = ActivityFactory().occurrences.get()
    called_off.is_cancelled = True
    called_off.save()

    assert list(Occurrence.objects.public()) == [published.occurrences.get()]
    assert set(Occurrence.objects.public(include_cancelled=True)) == {
        published.occurrences.get(),
        cancelled.occurrences.get(),
        called_off,
    }
