"""Background work of referrals: thin tasks that load by id and call a service."""

from celery import shared_task

from buurt.tasks import MAX_RETRIES, backoff_seconds

from . import notifications


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def notification_send_task(self, notification_id: int) -> str:
    try:
        return notifications.notification_send(notification_id=notification_id)
    except notifications.DeliveryFailed as exc:
        if self.request.retries >= self.max_retries:
            notifications.notification_give_up(notification_id=notification_id)
            return "failed"
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc


@shared_task(acks_late=True)
def notifications_requeue_task() -> int:
    return notifications.notifications_requeue()


@shared_task(acks_late=True)
def follow_ups_ask_task() -> int:
    return notifications.follow_ups_ask()
