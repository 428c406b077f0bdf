"""What a user saves is kept when the broker is down, and the work it needs is done once the
broker is back: against a Redis server of the test's own, really stopped and started."""

import datetime
import shutil
import time

import pytest
import responses
from celery.contrib.testing.worker import start_worker
from django.contrib.gis.geos import Point
from django.utils import timezone

from buurt import services
from buurt.models import GeocodeStatus, Organisation
from buurt.tasks import STALE_PENDING, geocode_pending_task
from config.celery import app as celery_app
from tests.buurt.gazetteer_data import load_gazetteer
from tests.celery_broker import celery_broker, wait_for
from tests.factories import NeighbourhoodFactory, OrganisationFactory

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
