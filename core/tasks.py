"""Queue background work without putting what was saved at risk, and without making a web
request wait on a broker that is down."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from .outages import CircuitBreaker

logger = logging.getLogger(__name__)

# After a failed publish the broker is skipped for OUTAGE_BACKOFF seconds (per process).
broker = CircuitBreaker("Broker")

# For the tasks that send e-mail (core.mail): mail servers fail now and then, retry with
# backoff (30 s, 1, 2, 4, 8 min).
MAIL_RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": 30,
    "retry_backoff_max": 15 * 60,
    "max_retries": 5,
}


def enqueue(task, *args, **kwargs) -> bool:
    """Hand a task to the broker now. False (logged) when the broker cannot be reached.

    One connection attempt, bounded by the broker's socket_connect_timeout
    (BROKER_CONNECT_TIMEOUT), and no publish retries: a web request must not hang on a dead
    broker. Kombu would otherwise retry the connection for connect_timeout (4 s) and more,
    which cost each such request 6 s. After a failure the broker is not tried for a while
    (`broker`). Whatever the task was for stays recorded in the database (a pending geocode,
    an unsent notification), and a beat task picks it up again.

    Without a broker (eager mode) the task runs here, once: Celery would run its retries at
    once, one after the other, each waiting for the same dead mail server or geocoder.
    """
    app = task.app
    if app.conf.task_always_eager:
        task.apply(args, kwargs, retries=task.max_retries or 0)
        return True
    if broker.is_open:
        logger.info("Broker skipped after a recent failure: %s not queued", task.name)
        return False
    try:
        with app.producer_or_acquire() as producer:
            producer.connection.ensure_connection(max_retries=0)
            task.apply_async(args, kwargs, retry=False, producer=producer)
    except Exception:  # kombu and redis raise several kinds; none may undo the saved write
        broker.trip()
        logger.warning("Broker unavailable: %s not queued", task.name, exc_info=True)
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """enqueue() once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))


@shared_task(**MAIL_RETRY)
def mail_send_task(*, subject: str, body: str, from_email: str, to: list[str], html=None) -> int:
    """Send a message rendered in the request (core.mail.message_send_on_commit)."""
    from .mail import messages_send

    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    return messages_send([message])
