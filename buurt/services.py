"""Every write to neighbourhoods and organisations. Atomic, validated with full_clean()."""

from django.db import transaction
from django.utils import timezone

from core.tasks import enqueue_on_commit

from . import geocoding
from .models import GeocodeStatus, Neighbourhood, Organisation, Precision


def organisation_locate(*, organisation: Organisation) -> Organisation:
    """Derive the neighbourhood from the point (point-in-polygon); None when outside all."""
    organisation.neighbourhood = (
        Neighbourhood.objects.containing(organisation.point).first() if organisation.point else None
    )
    return organisation


@transaction.atomic
def organisation_save(*, organisation: Organisation, languages=None, network_models=None):
    """Validate and save an organisation, deriving its neighbourhood from its point.

    A point set by hand wins. Otherwise, when the address changed, the organisation is saved
    at once as "pending" and a task places it from its address after the commit (see
    organisation_geocode): what the user typed is saved even if geocoding fails.
    """
    geocode = _geocode_status_update(organisation)
    organisation_locate(organisation=organisation)
    organisation.full_clean()
    organisation.save()
    if languages is not None:
        organisation.languages.set(languages)
    if network_models is not None:
        organisation.network_models.set(network_models)
    if geocode:
        from .tasks import organisation_geocode_task

        pk = organisation.pk
        enqueue_on_commit(organisation_geocode_task, pk)
    return organisation


ADDRESS_FIELDS = ("street_address", "postcode", "city")


def _geocode_status_update(organisation: Organisation) -> bool:
    """Set geocode_status for a save; True when the address must be placed by the task."""
    previous = (
        Organisation.objects.filter(pk=organisation.pk).values(*ADDRESS_FIELDS, "point").first()
        if organisation.pk
        else None
    )
    point_given = organisation.point is not None and (
        previous is None or previous["point"] != organisation.point
    )
    address_changed = previous is None or any(
        previous[f] != getattr(organisation, f) for f in ADDRESS_FIELDS
    )
    if point_given:
        organisation.geocode_status, organisation.geocode_precision = GeocodeStatus.MANUAL, ""
        return False
    if not organisation.address:
        if organisation.point is None:
            organisation.geocode_status, organisation.geocode_precision = GeocodeStatus.NONE, ""
        return False
    never_placed = organisation.point is None and organisation.geocode_status in (
        GeocodeStatus.NONE,
        GeocodeStatus.PENDING,
    )
    if address_changed or never_placed:
        organisation.geocode_status = GeocodeStatus.PENDING
        return True
    return False


# Street or address precision only: a postcode centre is too rough for "within walking
# distance", so such an organisation is left for a person to place.
PLACEABLE = (Precision.ADDRESS, Precision.STREET)


def organisation_geocode(*, organisation_id: int) -> Organisation | None:
    """Place a pending organisation from its address (called by the task, not by views).

    Raises GeocoderUnavailable when a remote geocoder could not be asked, so the task can
    retry; marks the organisation "failed" when the address cannot be placed at all.
    """
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or organisation.geocode_status != GeocodeStatus.PENDING:
        return organisation  # deleted, or placed by hand in the meantime
    try:
        candidates = geocoding.geocode(organisation.address, limit=1)
    except geocoding.GeocodeInputError:
        candidates = []
    best = next((c for c in candidates if c.precision in PLACEABLE), None)
    if best is None:
        return organisation_geocode_failed(organisation_id=organisation_id)
    organisation.point = best.point
    organisation_locate(organisation=organisation)
    # Only if still pending: a point set by hand while we searched is not overwritten.
    Organisation.objects.filter(pk=organisation_id, geocode_status=GeocodeStatus.PENDING).update(
        point=best.point,
        neighbourhood=organisation.neighbourhood,
        geocode_status=GeocodeStatus.DONE,
        geocode_precision=best.precision,
        geocoded_at=timezone.now(),
    )
    organisation.refresh_from_db()
    return organisation


def organisation_geocode_failed(*, organisation_id: int) -> Organisation | None:
    """Mark a pending organisation as "could not place this address — set the point"."""
    Organisation.objects.filter(pk=organisation_id, geocode_status=GeocodeStatus.PENDING).update(
        geocode_status=GeocodeStatus.FAILED, geocoded_at=timezone.now()
    )
    return Organisation.objects.filter(pk=organisation_id).first()


@transaction.atomic
def neighbourhood_upsert(*, code: str, **fields) -> tuple[Neighbourhood, bool]:
    """Create or update a neighbourhood by its code; returns (neighbourhood, created)."""
    neighbourhood = Neighbourhood.objects.filter(code=code).first()
    created = neighbourhood is None
    neighbourhood = neighbourhood or Neighbourhood(code=code)
    for name, value in fields.items():
        setattr(neighbourhood, name, value)
    neighbourhood.full_clean()
    neighbourhood.save()
    return neighbourhood, created


@transaction.atomic
def organisations_relocate() -> int:
    """Re-derive every organisation's neighbourhood, e.g. after importing boundaries."""
    changed = 0
    for organisation in Organisation.objects.filter(point__isnull=False).iterator():
        before = organisation.neighbourhood_id
        organisation_locate(organisation=organisation)
        if organisation.neighbourhood_id != before:
            organisation.save(update_fields=["neighbourhood"])
            changed += 1
    return changed
