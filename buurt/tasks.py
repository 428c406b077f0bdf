"""Background work of the buurt app: thin tasks that load by id and call a service."""

import datetime

from celery import shared_task
from django.utils import timezone

from . import services
from .geocoding import GeocoderUnavailable
from .models import GeocodeStatus, Organisation

# Backoff between tries: 30 s, 1 min, 2 min, 4 min, 8 min; then the address is left for a
# person to place on the map.
MAX_RETRIES = 5


def backoff_seconds(retries: int) -> int:
    return min(30 * 2**retries, 900)


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def organisation_geocode_task(self, organisation_id: int) -> str:
    try:
        organisation = services.organisation_geocode(organisation_id=organisation_id)
    except GeocoderUnavailable as exc:
        if self.request.retries >= self.max_retries:
            services.organisation_geocode_failed(organisation_id=organisation_id)
            return "failed"
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc
    return organisation.geocode_status if organisation else "gone"


# Longer than all retries of one task together (30 s + 1 + 2 + 4 + 8 min): a row still
# pending after this was never queued (the broker was down) or its worker died.
STALE_PENDING = datetime.timedelta(minutes=30)


@shared_task(acks_late=True)
def geocode_pending_task() -> int:
    """Queue again the organisations and activities whose placing was lost (beat)."""
    from activities.models import Activity
    from activities.tasks import activity_geocode_task
    from core.tasks import enqueue

    before = timezone.now() - STALE_PENDING
    queued = 0
    for model, task in (
        (Organisation, organisation_geocode_task),
        (Activity, activity_geocode_task),
    ):
        stale = model.objects.filter(geocode_status=GeocodeStatus.PENDING, updated_at__lt=before)
        for pk in stale.order_by("pk").values_list("pk", flat=True)[:500]:
            queued += enqueue(task, pk)
    return queued
