from celery import shared_task

from .services import snapshot_take


@shared_task
def snapshot_take_task() -> int:
    """Take this month's snapshot (beat, on the 1st) or one on demand; returns its id."""
    return snapshot_take().pk
