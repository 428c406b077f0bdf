"""Background work of activities: thin tasks that load by id and call a service."""

from celery import shared_task

from core.tasks import MAIL_RETRY, enqueue

from . import notifications, services, subscriptions
from .models import CalendarSubscription


@shared_task(**MAIL_RETRY, acks_late=True)
def registration_notify_task(registration_id: int, event: str) -> int:
    return notifications.registration_notify(registration_id=registration_id, event=event)


@shared_task(acks_late=True)
def reminders_send_task() -> int:
    return notifications.reminders_send()


@shared_task(acks_late=True)
def occurrences_refresh_task() -> int:
    return services.occurrences_refresh_all()


@shared_task(acks_late=True)
def subscription_sync_task(subscription_id: int) -> str:
    subscription = CalendarSubscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return "gone"
    return subscriptions.subscription_sync(subscription=subscription).error or "ok"


@shared_task(acks_late=True)
def subscriptions_sync_task() -> int:
    """The hourly beat task: one task per subscription, so that a slow feed (up to
    ICAL_IMPORT_TIMEOUT) holds up no other."""
    ids = list(CalendarSubscription.objects.values_list("pk", flat=True))
    for subscription_id in ids:
        enqueue(subscription_sync_task, subscription_id)
    return len(ids)
