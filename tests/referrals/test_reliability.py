"""A referral survives a broker that is down: it is saved, its e-mails wait, and they go out
once the broker is back. Against a Redis server of the test's own, really stopped and
started again (the shared one on 6379 is left alone)."""

import shutil
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from config.celery import app as celery_app
from core.tasks import broker
from referrals import notifications
from referrals.models import Notification, Referral
from tests.celery_broker import celery_broker, wait_for

from .helpers import association, referral

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_referral_is_saved_with_the_broker_down_and_notified_once_it_is_back(own_redis):
    organisation, contact = association()
    with celery_broker(own_redis.url) as queue:
        own_redis.stop()
        started = time.monotonic()
        made = referral(to=organisation)  # commits; queuing fails after the commit
        assert time.monotonic() - started < 10  # the request does not hang on the broker
        made = Referral.objects.get(pk=made.pk)
        notification = made.notifications.get()
        assert (notification.status, notification.queued_at) == ("pending", None)
        assert mail.outbox == []
        # The beat task cannot reach the broker either: still nothing lost.
        assert notifications.notifications_requeue() == 0

        own_redis.start()
        broker.reset()  # rather than waiting for the back-off after the failure (OUTAGE_BACKOFF)
        with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue]):
            assert notifications.notifications_requeue() == 1
            assert wait_for(lambda: Notification.objects.get(pk=notification.pk).status == "sent")
    assert [m.to for m in mail.outbox] == [[contact.email]]
    # Sent once: a second sweep finds nothing pending.
    assert notifications.notifications_requeue() == 0
