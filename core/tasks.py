"""Queue background work without putting what was saved at risk."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> bool:
    """Hand a task to the broker now. False (logged) when the broker cannot be reached.

    No publish retries: a web request must not hang on a dead broker. Whatever the task was
    for stays recorded in the database (a pending geocode, an unsent notification), and a
    beat task picks it up again.
    """
    try:
        task.apply_async(args, kwargs, retry=False)
    except Exception:  # kombu and redis raise several kinds; none may undo the saved write
        logger.warning("Broker unavailable: %s not queued", task.name, exc_info=True)
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """enqueue() once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))
