"""Run Celery against a real Redis in a test: point the app at a broker and a queue of its
own, and put everything back afterwards."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import uuid

import kombu.pools
import redis

from config.celery import app as celery_app
from core import tasks


@contextlib.contextmanager
def celery_broker(url: str):
    """Tasks go to `url`, on a queue no other test uses (yielded), not run eagerly."""
    queue = f"buurtkaart-test-{uuid.uuid4().hex}"
    saved = {
        key: celery_app.conf[key]
        for key in ("broker_url", "task_always_eager", "task_default_queue")
    }
    celery_app.conf.update(broker_url=url, task_always_eager=False, task_default_queue=queue)
    # Queues and routes are worked out once from the configuration: start afresh.
    del celery_app.amqp
    # A broker another test stopped is not skipped here (core.tasks backs off after a failure).
    tasks.broker.reset()
    try:
        yield queue
    finally:
        celery_app.conf.update(saved)
        del celery_app.amqp
        tasks.broker.reset()
        # Close and forget every pool tied to the Redis connection; kombu keeps them in
        # process-wide registries that even eager tasks draw a producer from.
        celery_app._pool = None
        kombu.pools.reset()
        with contextlib.suppress(redis.RedisError):
            redis.Redis.from_url(url, socket_connect_timeout=1).delete(queue)


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


def wait_for(predicate, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False
