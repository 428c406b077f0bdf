"""The last place cannot be taken twice, even by requests at the same moment (PostGIS)."""

import threading

import pytest
from django.db import connection

from activities import services
from activities.models import Registration
from tests.factories import ActivityFactory, UserFactory

WORKERS = 8


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_registrations_never_exceed_capacity(postgis_only):
    activity = ActivityFactory(registration_required=True, capacity=3)
    occurrence = activity.occurrences.first()
    users = [UserFactory() for _ in range(WORKERS)]
    barrier = threading.Barrier(WORKERS)
    errors = []

    def register(user):
        try:
            barrier.wait()
            services.registration_create(occurrence_id=occurrence.pk, user=user)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    statuses = list(Registration.objects.values_list("status", flat=True))
    assert statuses.count("confirmed") == 3
    assert statuses.count("waiting") == WORKERS - 3
