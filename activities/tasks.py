"""Background work of activities: thin tasks that load by id and call a service."""

from celery import shared_task

from buurt.geocoding import GeocoderUnavailable
from buurt.tasks import MAX_RETRIES, backoff_seconds

from . import notifications, services


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def activity_geocode_task(self, activity_id: int) -> str:
    try:
        activity = services.activity_geocode(activity_id=activity_id)
    except GeocoderUnavailable as exc:
        if self.request.retries >= self.max_retries:
            return "failed"
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc
    return activity.geocode_status if activity else "gone"


@shared_task(acks_late=True)
def registration_notify_task(registration_id: int, event: str) -> int:
    return notifications.registration_notify(registration_id=registration_id, event=event)


@shared_task(acks_late=True)
def reminders_send_task() -> int:
    return notifications.reminders_send()


@shared_task(acks_late=True)
def occurrences_refresh_task() -> int:
    return services.occurrences_refresh_all()
