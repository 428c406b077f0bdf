"""A referral survives a broker that is down: it is saved, its e-mails wait, and they go out
once the broker is back. Against a Redis server of the test's own, really stopped and
started again (the shared one on 6379 is left alone)."""

import shutil
import socket
import subprocess
import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core import mail

from config.celery import app as celery_app
from referrals import services
from referrals.models import Notification, Referral
from tests.celery_broker import celery_broker

from .helpers import association, referral

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def wait_for(predicate, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


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
        assert services.notifications_requeue() == 0

        own_redis.start()
        with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue]):
            assert services.notifications_requeue() == 1
            assert wait_for(lambda: Notification.objects.get(pk=notification.pk).status == "sent")
    assert [m.to for m in mail.outbox] == [[contact.email]]
    # Sent once: a second sweep finds nothing pending.
    assert services.notifications_requeue() == 0
