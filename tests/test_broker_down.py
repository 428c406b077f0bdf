"""What a user saves is kept when the broker is down, and the work it needs is done once the
broker is back: against a Redis server of the test's own, really stopped and started."""

import datetime
import shutil
import time

import pytest
import redis
import responses
from celery.contrib.testing.worker import start_worker
from django.contrib.gis.geos import Point
from django.utils import timezone

from buurt import services
from buurt.models import GeocodeStatus, Organisation
from buurt.tasks import STALE_PENDING, geocode_pending_task
from config.celery import app as celery_app
from core.tasks import broker, enqueue
from tests.buurt.gazetteer_data import load_gazetteer
from tests.celery_broker import celery_broker, wait_for
from tests.factories import NeighbourhoodFactory, OrganisationFactory
from tests.silent_server import SilentServer

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]


@responses.activate  # no request may leave the machine
def test_an_organisation_saved_with_the_broker_down_is_placed_once_it_is_back(own_redis, tmp_path):
    load_gazetteer(tmp_path)
    NeighbourhoodFactory()
    with celery_broker(own_redis.url) as queue:
        own_redis.stop()
        organisation = OrganisationFactory.build(
            name="Buurttheater", slug="buurttheater", point=None, street_address="Korenmarkt 1"
        )
        started = time.monotonic()
        services.organisation_save(organisation=organisation)  # no exception, no hang
        assert time.monotonic() - started < 10
        saved = Organisation.objects.get(slug="buurttheater")
        assert saved.geocode_status == GeocodeStatus.PENDING

        own_redis.start()
        broker.reset()  # rather than waiting for the back-off after the failure (OUTAGE_BACKOFF)
        # Not yet stale: the sweep leaves it to the task that may still be on its way.
        assert geocode_pending_task() == 0
        Organisation.objects.filter(pk=saved.pk).update(
            updated_at=timezone.now() - STALE_PENDING - datetime.timedelta(minutes=1)
        )
        with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue]):
            assert geocode_pending_task() == 1
            assert wait_for(
                lambda: (
                    Organisation.objects.get(pk=saved.pk).geocode_status != GeocodeStatus.PENDING
                )
            )
    saved.refresh_from_db()
    assert saved.geocode_status == GeocodeStatus.DONE
    assert saved.point.distance(Point(3.7196, 51.0543, srid=4326)) < 0.001


def test_a_dead_broker_costs_a_request_one_short_attempt_then_is_skipped(own_redis, settings):
    """Kombu retried the connection for about 6 s on every task queued while the broker was
    down; now one attempt (BROKER_CONNECT_TIMEOUT), and none for OUTAGE_BACKOFF seconds."""
    settings.OUTAGE_BACKOFF = 1.0
    with celery_broker(own_redis.url) as queue:
        own_redis.stop()
        started = time.monotonic()
        assert enqueue(geocode_pending_task) is False
        assert time.monotonic() - started < 1

        own_redis.start()
        started = time.monotonic()
        assert enqueue(geocode_pending_task) is False  # skipped: the back-off is not over
        assert time.monotonic() - started < 0.05
        queued = redis.Redis.from_url(own_redis.url)
        assert queued.llen(queue) == 0

        time.sleep(1.1)
        assert enqueue(geocode_pending_task) is True
        assert queued.llen(queue) == 1


def test_a_broker_that_never_answers_holds_a_request_once(settings):
    """A Redis that accepts the connection and hangs: one socket_timeout, then skipped."""
    settings.OUTAGE_BACKOFF = 30
    with SilentServer() as hung, celery_broker(f"redis://127.0.0.1:{hung.port}/0"):
        started = time.monotonic()
        assert enqueue(geocode_pending_task) is False
        first = time.monotonic() - started
        started = time.monotonic()
        assert enqueue(geocode_pending_task) is False
        second = time.monotonic() - started
    assert hung.connected.is_set()
    assert first < 7  # socket_timeout (5 s), once
    assert second < 0.05


def test_without_a_broker_a_task_runs_once_here():
    """Eagerly, Celery would run every retry at once, one after the other: a failing geocoder
    or mail server would hold the request for each of them."""
    calls = []

    @celery_app.task(bind=True, max_retries=5)
    def flaky(self):
        calls.append(self.request.retries)
        raise self.retry(exc=ConnectionError("down"), countdown=0)

    assert celery_app.conf.task_always_eager
    assert enqueue(flaky) is True
    assert calls == [5]  # counted as its last try: no retries run inline
