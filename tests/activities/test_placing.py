"""Activities at an address of their own are placed on the map as organisations are: one
service (buurt.services.address_place), one task, one beat task over buurt.placing."""

import datetime

import pytest
import requests
import responses
from django.contrib.gis.geos import Point
from django.utils import timezone

from activities.models import Activity
from buurt import placing, services
from buurt.models import GeocodeStatus, Organisation
from buurt.tasks import STALE_PENDING, address_place_task, geocode_pending_task
from spatial import great_circle_m
from tests.buurt.gazetteer_data import KORENMARKT_1, load_gazetteer
from tests.factories import ActivityFactory, NeighbourhoodFactory
from tests.on_commit import queued_work

pytestmark = pytest.mark.django_db

KORENMARKT = Point(KORENMARKT_1[1], KORENMARKT_1[0], srid=4326)
PDOK = "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"


def at_address(street_address: str, postcode: str = "9000", city: str = "Gent") -> Activity:
    return ActivityFactory(
        venue=Activity.Venue.ADDRESS, street_address=street_address, postcode=postcode, city=city
    )


def make_stale(activity: Activity) -> None:
    """As if the activity had waited longer than every retry of its task together."""
    long_ago = timezone.now() - STALE_PENDING - datetime.timedelta(minutes=1)
    Activity.objects.filter(pk=activity.pk).update(updated_at=long_ago)


def test_an_activity_at_an_address_is_placed_after_the_commit(
    tmp_path, django_capture_on_commit_callbacks
):
    load_gazetteer(tmp_path)
    centre = NeighbourhoodFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        activity = at_address("Korenmarkt 1")
        assert Activity.objects.get(pk=activity.pk).geocode_status == GeocodeStatus.PENDING
    assert len(queued_work(callbacks)) == 1
    activity.refresh_from_db()
    assert activity.geocode_status == GeocodeStatus.DONE
    assert activity.geocode_precision == "address"
    assert activity.geocoded_at is not None
    # The gazetteer's own point for Korenmarkt 1: the same numbers, so well within a metre.
    assert great_circle_m(activity.point, KORENMARKT) < 1
    assert activity.neighbourhood == centre


@pytest.mark.parametrize("geocoder_down", [False, True], ids=["not-found", "geocoder-down"])
def test_an_activity_that_cannot_be_placed_is_marked_failed_and_not_queued_again(
    tmp_path, settings, django_capture_on_commit_callbacks, geocoder_down
):
    """The bug: after its last retry the activity stayed pending, so that the beat task
    queued it again every 15 minutes, for ever."""
    load_gazetteer(tmp_path)
    with responses.RequestsMock() as http:
        if geocoder_down:  # a remote geocoder that cannot be asked, through every retry
            settings.GEOCODER_CHAIN = ["gazetteer", "pdok"]
            http.get(PDOK, body=requests.ConnectionError("network down"))
        with django_capture_on_commit_callbacks(execute=True):
            activity = at_address("Nergensstraat 1", postcode="", city="Amsterdam")
    activity.refresh_from_db()
    assert activity.geocode_status == GeocodeStatus.FAILED
    assert activity.point is None
    assert activity.street_address == "Nergensstraat 1"  # nothing typed is lost

    make_stale(activity)
    with responses.RequestsMock():  # the geocoder is not asked again
        assert geocode_pending_task() == 0
    assert Activity.objects.get(pk=activity.pk).geocode_status == GeocodeStatus.FAILED


def test_a_point_set_by_hand_while_the_geocoder_is_asked_is_kept(tmp_path):
    load_gazetteer(tmp_path)
    activity = at_address("Nergensstraat 1")  # its task is not run: no commit in this test
    assert activity.geocode_status == GeocodeStatus.PENDING
    by_hand = Point(3.7250, 51.0450, srid=4326)
    Activity.objects.filter(pk=activity.pk).update(
        point=by_hand, geocode_status=GeocodeStatus.MANUAL
    )
    # `activity` is the task's copy, loaded while it was still pending.
    services.address_place(obj=activity)
    activity.refresh_from_db()
    assert activity.geocode_status == GeocodeStatus.MANUAL
    assert activity.point == by_hand


def test_the_beat_task_queues_again_what_was_lost_of_every_registered_model(
    tmp_path, django_capture_on_commit_callbacks
):
    load_gazetteer(tmp_path)
    activity = at_address("Korenmarkt 1")  # saved; its task never queued (no commit here)
    organisation = Organisation.objects.get(pk=activity.organisation_id)
    organisation.street_address, organisation.point = "Sint-Pietersnieuwstraat 41", None
    services.organisation_save(organisation=organisation)
    assert geocode_pending_task() == 0  # not stale yet: its task may still be on its way
    make_stale(activity)
    Organisation.objects.filter(pk=organisation.pk).update(
        updated_at=timezone.now() - STALE_PENDING - datetime.timedelta(minutes=1)
    )
    assert geocode_pending_task() == 2
    activity.refresh_from_db()
    organisation.refresh_from_db()
    assert (activity.geocode_status, organisation.geocode_status) == ("done", "done")
    assert great_circle_m(activity.point, KORENMARKT) < 1
    assert great_circle_m(organisation.point, Point(3.72580, 51.04430, srid=4326)) < 1


def test_only_registered_models_are_placed():
    assert {m._meta.label for m in placing.registered()} >= {
        "buurt.Organisation",
        "activities.Activity",
    }
    # A task message cannot make the task load another model.
    result = address_place_task.apply(("accounts.user", 1))
    assert result.failed()
    assert isinstance(result.result, LookupError)
    with pytest.raises(TypeError):
        placing.register(Point)
