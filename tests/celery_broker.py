"""Run Celery against a real Redis in a test: point the app at a broker and a queue of its
own, and put everything back afterwards."""

from __future__ import annotations

import contextlib
import uuid

import kombu.pools
import redis

from config.celery import app as celery_app


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
    try:
        yield queue
    finally:
        celery_app.conf.update(saved)
        del celery_app.amqp
        # Close and forget every pool tied to the Redis connection; kombu keeps them in
        # process-wide registries that even eager tasks draw a producer from.
        celery_app._pool = None
        kombu.pools.reset()
        with contextlib.suppress(redis.RedisError):
            redis.Redis.from_url(url, socket_connect_timeout=1).delete(queue)
