import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities import notifications, services
from activities.models import Activity, Occurrence, Registration
from core.moderation import ModerationState
from tests.factories import (
    ActivityFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    WorkerProfileFactory,
    brussels,
)

pytestmark = pytest.mark.django_db


def test_occurrences_are_materialised_for_a_year_and_refreshed_on_save():
    start = timezone.now() + datetime.timedelta(days=1)
    activity = ActivityFactory(starts_at=start, rrule="FREQ=WEEKLY")
    count = activity.occurrences.count()
    assert 52 <= count <= 54  # a rolling horizon of 366 days
    last = activity.occurrences.order_by("starts_at").last()
    assert last.starts_at - start <= datetime.timedelta(days=366)

    activity.rrule = "FREQ=WEEKLY;COUNT=3"
    services.activity_save(activity=activity)
    assert activity.occurrences.count() == 3


def test_refresh_keeps_a_date_with_registrations_as_cancelled():
    activity = ActivityFactory(rrule="FREQ=WEEKLY;COUNT=3", registration_required=True)
    last = activity.occurrences.order_by("starts_at").last()
    services.registration_create(occurrence_id=last.pk, user=UserFactory())
    activity.rrule = "FREQ=WEEKLY;COUNT=2"
    services.activity_save(activity=activity)
    last.refresh_from_db()
    assert last.is_cancelled


def test_the_horizon_moves_on_with_the_beat_task():
    activity = ActivityFactory(rrule="FREQ=WEEKLY")
    before = activity.occurrences.count()
    later = timezone.now() + datetime.timedelta(days=30)
    assert services.occurrences_refresh_all(now=later) >= 4
    assert activity.occurrences.count() >= before + 4


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": brussels(2026, 1, 1, 10, 0)}, "ends_at"),  # before the start
        ({"rrule": "FREQ=DAILY;BYHOUR=1,2,3,4,5"}, "rrule"),
        ({"time_zone": "Europe/Gent"}, "time_zone"),
        ({"description": "x" * 1_000_000}, "description"),
        ({"capacity": -1, "registration_required": True}, "capacity"),
    ],
)
def test_bad_input_saves_nothing(changes, field):
    organisation = OrganisationFactory()
    fields = {
        "organisation": organisation,
        "title": "Toneel",
        "category": "culture",
        "starts_at": brussels(2026, 1, 2, 10, 0),
        "ends_at": brussels(2026, 1, 2, 12, 0),
    }
    with pytest.raises(ValidationError) as error:
        services.activity_save(activity=Activity(**{**fields, **changes}))
    assert field in error.value.message_dict
    assert not Activity.objects.exists()
    assert not Occurrence.objects.exists()


def test_first_activity_of_an_unverified_organisation_waits_for_review():
    member = MembershipFactory(organisation=OrganisationFactory(is_verified=False)).user
    first = ActivityFactory(organisation=member.memberships.get().organisation, status="draft")
    services.activity_publish(activity=first, user=member)
    assert first.moderation_state == ModerationState.PENDING
    assert not Activity.objects.public(include_cancelled=True).exists()

    first.moderation_state = ModerationState.APPROVED
    first.save()
    second = ActivityFactory(organisation=first.organisation, status="draft")
    services.activity_publish(activity=second, user=member)
    assert second.moderation_state == ModerationState.APPROVED


def test_verified_organisation_publishes_at_once():
    member = MembershipFactory(organisation=OrganisationFactory(is_verified=True)).user
    activity = ActivityFactory(organisation=member.memberships.get().organisation, status="draft")
    services.activity_publish(activity=activity, user=member)
    assert activity in Activity.objects.public()


def test_cancel_one_occurrence_and_duplicate():
    member = MembershipFactory().user
    activity = ActivityFactory(
        organisation=member.memberships.get().organisation, rrule="FREQ=WEEKLY;COUNT=4"
    )
    second = activity.occurrences.all()[1]
    services.occurrence_cancel(occurrence=second, user=member)
    assert activity.occurrences.filter(is_cancelled=True).count() == 1
    assert Activity.objects.get(pk=activity.pk).status == "published"

    copy = services.activity_duplicate(activity=activity, user=member)
    assert copy.pk != activity.pk
    assert copy.status == "draft"
    assert copy.occurrences.count() == 4


def _registrable(**kwargs):
    return ActivityFactory(registration_required=True, **kwargs).occurrences.first()


def test_capacity_waiting_list_and_moving_up(django_capture_on_commit_callbacks):
    occurrence = _registrable(capacity=1, contact_email="info@vereniging.example.org")
    first, second = UserFactory(first_name="Ann"), UserFactory(first_name="Bart")
    with django_capture_on_commit_callbacks(execute=True):
        one = services.registration_create(occurrence_id=occurrence.pk, user=first)
        two = services.registration_create(occurrence_id=occurrence.pk, user=second)
    assert (one.status, two.status) == ("confirmed", "waiting")
    assert [m.to for m in mail.outbox] == [["info@vereniging.example.org"]] * 2
    assert "Ann" in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=one, user=first)
    two.refresh_from_db()
    assert two.status == "confirmed"
    assert mail.outbox[-1].to == [second.email]


def test_registering_twice_is_refused():
    occurrence = _registrable()
    user = UserFactory()
    services.registration_create(occurrence_id=occurrence.pk, user=user)
    with pytest.raises(services.RegistrationRefused):
        services.registration_create(occurrence_id=occurrence.pk, user=user)


def test_a_worker_registers_someone_by_first_name_only():
    occurrence = _registrable()
    worker = WorkerProfileFactory(verified_at=timezone.now()).user
    registration = services.registration_create(
        occurrence_id=occurrence.pk, user=worker, name="Fatima", for_someone_else=True
    )
    assert registration.name == "Fatima"
    assert registration.for_someone_else
    resident = UserFactory()
    with pytest.raises(services.PermissionDenied):
        services.registration_create(
            occurrence_id=occurrence.pk, user=resident, name="X", for_someone_else=True
        )


def test_reminder_the_day_before_is_sent_once():
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    start = tomorrow.replace(hour=14, minute=0, second=0, microsecond=0)
    occurrence = _registrable(starts_at=start, ends_at=start + datetime.timedelta(hours=1))
    user = UserFactory()
    services.registration_create(occurrence_id=occurrence.pk, user=user)
    mail.outbox.clear()
    assert notifications.reminders_send() == 1
    assert notifications.reminders_send() == 0
    assert mail.outbox[0].to == [user.email]
    assert Registration.objects.get().reminded_at is not None
