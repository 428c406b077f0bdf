"""Organisations saved with an address are placed on the map by a Celery task."""

import time
import uuid

import pytest
import redis
import requests
import responses
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state
from django.contrib.gis.geos import Point

from buurt import services
from buurt.models import GeocodeStatus, Organisation
from buurt.tasks import address_place_task
from config.celery import app as celery_app
from spatial import great_circle_m
from tests.celery_broker import celery_broker
from tests.factories import NeighbourhoodFactory, OrganisationFactory
from tests.on_commit import queued_work

from .gazetteer_data import KORENMARKT_1, load_gazetteer

pytestmark = pytest.mark.django_db

KORENMARKT = Point(KORENMARKT_1[1], KORENMARKT_1[0], srid=4326)
PDOK = "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"


def new_organisation(**fields) -> Organisation:
    values = {
        "name": "Buurttheater",
        "slug": f"buurttheater-{uuid.uuid4().hex[:8]}",
        "kind": Organisation.Kind.CULTURE,
        "street_address": "Korenmarkt 1",
        "postcode": "9000",
        "city": "Gent",
        "status": Organisation.Status.PUBLISHED,
    }
    return Organisation(**(values | fields))


def test_an_address_without_a_point_is_placed_after_the_commit(
    tmp_path, django_capture_on_commit_callbacks
):
    load_gazetteer(tmp_path)
    centre = NeighbourhoodFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        organisation = services.organisation_save(organisation=new_organisation())
        # Saved at once, with everything the user typed, before any geocoding.
        saved = Organisation.objects.get(pk=organisation.pk)
        assert (saved.geocode_status, saved.point) == (GeocodeStatus.PENDING, None)
        assert saved.street_address == "Korenmarkt 1"
    assert len(queued_work(callbacks)) == 1

    organisation.refresh_from_db()
    assert organisation.geocode_status == GeocodeStatus.DONE
    assert organisation.geocode_precision == "address"
    assert great_circle_m(organisation.point, KORENMARKT) < 1
    assert organisation.neighbourhood == centre
    assert organisation.geocoded_at is not None


def test_a_point_set_by_hand_wins_and_queues_nothing(tmp_path, django_capture_on_commit_callbacks):
    load_gazetteer(tmp_path)
    elsewhere = Point(3.7300, 51.0500, srid=4326)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        organisation = services.organisation_save(organisation=new_organisation(point=elsewhere))
    assert queued_work(callbacks) == []
    organisation.refresh_from_db()
    assert organisation.geocode_status == GeocodeStatus.MANUAL
    assert organisation.point == elsewhere


def test_a_changed_address_is_placed_again(tmp_path, django_capture_on_commit_callbacks):
    load_gazetteer(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        organisation = services.organisation_save(organisation=new_organisation())
    organisation.street_address = "Sint-Pietersnieuwstraat 41"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.organisation_save(organisation=organisation)
    assert len(queued_work(callbacks)) == 1
    organisation.refresh_from_db()
    assert great_circle_m(organisation.point, Point(3.72580, 51.04430, srid=4326)) < 1

    organisation.description = "Nieuwe tekst"  # not the address: nothing to place
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.organisation_save(organisation=organisation)
    assert queued_work(callbacks) == []


def test_an_address_that_cannot_be_found_ends_as_failed_and_says_so(
    tmp_path, client, admin_client, django_capture_on_commit_callbacks
):
    load_gazetteer(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        organisation = services.organisation_save(
            organisation=new_organisation(street_address="Nergensstraat 1", postcode="", city="")
        )
    organisation.refresh_from_db()
    assert organisation.geocode_status == GeocodeStatus.FAILED
    assert organisation.point is None
    assert organisation.street_address == "Nergensstraat 1"  # nothing typed is lost

    page = client.get(organisation.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "This address is not on the map yet." in page.content.decode()
    staff_page = admin_client.get(organisation.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Could not place this address — set the point on the map" in staff_page.content.decode()


def test_a_remote_outage_is_retried_then_ends_as_failed(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.GEOCODER_CHAIN = ["gazetteer", "pdok"]
    load_gazetteer(tmp_path)
    with responses.RequestsMock() as http:
        http.get(PDOK, body=requests.ConnectionError("network down"))
        with django_capture_on_commit_callbacks(execute=True):
            organisation = services.organisation_save(
                organisation=new_organisation(street_address="Damstraat 1", city="Amsterdam")
            )
        # Without a broker the task runs once (core.tasks.enqueue): Celery would run its five
        # retries at once, each waiting for the geocoder's timeout, in the request.
        assert len(http.calls) == 1
    organisation.refresh_from_db()
    assert organisation.geocode_status == GeocodeStatus.FAILED


def test_a_task_for_an_organisation_placed_by_hand_meanwhile_changes_nothing(tmp_path):
    load_gazetteer(tmp_path)
    organisation = OrganisationFactory(
        geocode_status=GeocodeStatus.MANUAL, point=Point(3.73, 51.05, srid=4326)
    )
    address_place_task.delay("buurt.organisation", organisation.pk)
    organisation.refresh_from_db()
    assert organisation.point == Point(3.73, 51.05, srid=4326)
    assert organisation.geocode_status == GeocodeStatus.MANUAL


@pytest.fixture
def redis_broker(redis_url):
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {redis_url}")
    with celery_broker(redis_url) as queue:
        yield queue


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_task_runs_through_the_redis_broker_in_a_real_worker(tmp_path, redis_broker):
    load_gazetteer(tmp_path)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[redis_broker]):
        before = worker_state.total_count.get(address_place_task.name, 0)
        organisation = services.organisation_save(organisation=new_organisation())
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            organisation.refresh_from_db()
            if organisation.geocode_status != GeocodeStatus.PENDING:
                break
            time.sleep(0.1)
    assert organisation.geocode_status == GeocodeStatus.DONE
    assert great_circle_m(organisation.point, KORENMARKT) < 1
    # The worker thread, not an eager call in this thread, ran it.
    assert worker_state.total_count[address_place_task.name] == before + 1
