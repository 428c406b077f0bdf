"""Background work of the buurt app: thin tasks that load by id and call a service."""

from celery import shared_task

from . import services
from .geocoding import GeocoderUnavailable

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
