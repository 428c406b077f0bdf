import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Registration
from buurt.models import Language
from tests.factories import (
    ActivityFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    UserFactory,
    WorkerProfileFactory,
)

pytestmark = pytest.mark.django_db


def _member(client, **organisation):
    membership = MembershipFactory(organisation=OrganisationFactory(**organisation))
    client.force_login(membership.user)
    return membership.organisation


def _form(**changes):
    next_tuesday = timezone.localdate() + datetime.timedelta(
        days=(1 - timezone.localdate().weekday()) % 7 or 7
    )
    data = {
        "title": "Toneelrepetitie",
        "description": "We repeteren **samen**.",
        "category": "culture",
        "venue": "organisation",
        "date": next_tuesday.isoformat(),
        "start_time": "19:30",
        "end_time": "22:00",
        "repeat": "weekly",
        "time_zone": "Europe/Brussels",
        "cost": "paid",
        "price": "5",
        "reduced_rate": "on",
        "welcome_person": "on",
        "welcome_person_name": "Mieke",
        "come_alone": "on",
        "age_group": "all",
        "audience": "everyone",
        "registration_required": "on",
        "capacity": "12",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_member_creates_publishes_and_sees_a_weekly_activity(client):
    organisation = _member(client, is_verified=True)
    response = client.post(reverse("activities:create", args=[organisation.slug]), _form())
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert activity.rrule.startswith("FREQ=WEEKLY;BYDAY=TU")
    assert activity.occurrences.count() >= 52
    assert activity.status == "draft"
    assert client.get(activity.get_absolute_url()).status_code == 200  # preview
    client.post(reverse("activities:publish", args=[activity.pk]))
    activity.refresh_from_db()
    assert activity.status == "published"
    assert activity.moderation_state == "approved"
    client.logout()
    page = client.get(reverse("activities:agenda"), {"when": "dates"}).content.decode()
    assert "Toneelrepetitie" in page
    detail = client.get(activity.get_absolute_url()).content.decode()
    assert "Mieke waits for you" in detail
    assert "<strong>samen</strong>" in detail


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_time": "18:00"}, "end_time", "The end must be after the start."),
        ({"date": "2027-02-31"}, "date", "Write a date, for example 2027-01-04 or 4/1/2027."),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "is not a known time zone"),
        ({"description": "x" * 1_000_000}, "description", "at most 10000 characters"),
        ({"title": "<script>alert(1)</script>"}, "title", "Remove the &lt;script&gt; tag"),
        ({"capacity": "-1"}, "capacity", "greater than or equal to"),
        (
            {"repeat": "custom", "rule": "FREQ=DAILY;BYHOUR=1,2,3"},
            "rule",
            "more than 366 dates in a year",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(client, changes, field, message):
    organisation = _member(client)
    response = client.post(reverse("activities:create", args=[organisation.slug]), _form(**changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert not Activity.objects.exists()


def test_cancel_one_date_from_the_dashboard(client):
    organisation = _member(client)
    activity = ActivityFactory(organisation=organisation, rrule="FREQ=WEEKLY;COUNT=3")
    second = activity.occurrences.all()[1]
    client.post(reverse("activities:occurrence-cancel", args=[second.pk]))
    second.refresh_from_db()
    assert second.is_cancelled
    assert client.get(reverse("activities:dashboard")).status_code == 200


def test_agenda_filters_and_pagination(client, django_assert_max_num_queries):
    neighbourhood = NeighbourhoodFactory()
    organisation = OrganisationFactory(neighbourhood=neighbourhood)
    dutch = Language.objects.get_or_create(code="nl", defaults={"name_local": "Nederlands"})[0]
    free = ActivityFactory(
        organisation=organisation, title="Gratis koffie", wheelchair_accessible=True
    )
    free.languages.set([dutch])
    ActivityFactory(title="Dure les", cost="paid", price=40)
    ActivityFactory(title="Morgen", starts_at=timezone.now() + datetime.timedelta(days=40))
    for n in range(25):
        ActivityFactory(title=f"Reeks {n}")

    def titles(**params):
        response = client.get(reverse("activities:agenda"), params)
        assert response.status_code == 200
        return [o.activity.title for o in response.context["page"].object_list]

    assert "Dure les" not in titles(reduced_rate="on")
    assert titles(access="wheelchair") == ["Gratis koffie"]
    assert titles(neighbourhood=neighbourhood.code) == ["Gratis koffie"]
    assert titles(language="nl") == ["Gratis koffie"]
    assert "Morgen" not in titles(when="week")
    with django_assert_max_num_queries(12):
        assert len(titles()) == 20
    assert len(titles(page=2)) == 8
    response = client.get(reverse("activities:agenda"), {"date_from": "2026-02-31"})
    assert response.status_code == 400


def test_resident_registers_and_member_sees_it_and_exports_csv(client):
    activity = ActivityFactory(registration_required=True, capacity=5)
    occurrence = activity.occurrences.first()
    resident = UserFactory(first_name="=Jan")
    client.force_login(resident)
    client.post(reverse("activities:register", args=[occurrence.pk]))
    assert Registration.objects.get().user == resident
    member = MembershipFactory(organisation=activity.organisation).user
    client.force_login(member)
    page = client.get(reverse("activities:registrations", args=[activity.pk])).content.decode()
    assert "=Jan" in page
    csv = client.get(reverse("activities:registrations-csv", args=[activity.pk])).content.decode()
    assert "'=Jan" in csv  # not a spreadsheet formula


def test_a_worker_registers_someone_else_a_resident_only_themselves(client):
    activity = ActivityFactory(registration_required=True)
    occurrence = activity.occurrences.first()
    resident = UserFactory(first_name="Ann")
    client.force_login(resident)
    client.post(reverse("activities:register", args=[occurrence.pk]), {"name": "Iemand"})
    assert Registration.objects.get().name == "Ann"

    worker = WorkerProfileFactory(verified_at=timezone.now()).user
    client.force_login(worker)
    client.post(reverse("activities:register", args=[occurrence.pk]), {"name": "Fatima"})
    registration = Registration.objects.get(user=worker)
    assert registration.name == "Fatima"
    assert registration.for_someone_else


def test_a_cancelled_activity_shows_its_notice(client):
    organisation = _member(client)
    activity = ActivityFactory(organisation=organisation)
    client.post(reverse("activities:cancel", args=[activity.pk]), {"notice": "Zaal onder water"})
    client.logout()
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "Cancelled" in page
    assert "Zaal onder water" in page
