"""Background work of the buurt app: thin tasks that load by id and call a service."""

import datetime

from celery import shared_task
from django.utils import timezone

from core.tasks import enqueue

from . import placing, services
from .geocoding import GeocoderUnavailable
from .models import GeocodeStatus

# Backoff between tries: 30 s, 1 min, 2 min, 4 min, 8 min; then the address is left for a
# person to place on the map.
MAX_RETRIES = 5


def backoff_seconds(retries: int) -> int:
    return min(30 * 2**retries, 900)


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def address_place_task(self, model_label: str, pk: int) -> str:
    """Place one registered PlacedAddress ("app_label.modelname", primary key)."""
    obj = placing.model_for(model_label).objects.filter(pk=pk).first()
    if obj is None:
        return "gone"
    try:
        obj = services.address_place(obj=obj)
    except GeocoderUnavailable as exc:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc
        obj = services.address_place_failed(obj=obj)
    return obj.geocode_status if obj else "gone"


# Longer than all retries of one task together (30 s + 1 + 2 + 4 + 8 min): a row still
# pending after this was never queued (the broker was down) or its worker died.
STALE_PENDING = datetime.timedelta(minutes=30)


@shared_task(acks_late=True)
def geocode_pending_task() -> int:
    """Queue again the placing that was lost, for every model registered with buurt.placing
    (beat). At most 500 rows a model a run."""
    before = timezone.now() - STALE_PENDING
    queued = 0
    for model in placing.registered():
        stale = model.objects.filter(geocode_status=GeocodeStatus.PENDING, updated_at__lt=before)
        label = model._meta.label_lower
        for pk in stale.order_by("pk").values_list("pk", flat=True)[:500]:
            queued += enqueue(address_place_task, label, pk)
    return queued
