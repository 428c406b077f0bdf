"""Every write to neighbourhoods, organisations and placed addresses. Atomic, validated with
full_clean()."""

import datetime
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from core.tasks import enqueue_on_commit

from . import geocoding
from .models import GeocodeStatus, Neighbourhood, Organisation, PlacedAddress, Precision

T = TypeVar("T")
# Tries of organisation_insert: each lost race moves to the next number, so more than a few
# writers naming alike in the same instant is not expected.
SLUG_ATTEMPTS = 5


def address_locate(*, obj: PlacedAddress) -> PlacedAddress:
    """Derive the neighbourhood from the point (point-in-polygon); None when outside all."""
    obj.neighbourhood = Neighbourhood.objects.containing(obj.point).first() if obj.point else None
    return obj


@transaction.atomic
def organisation_save(*, organisation: Organisation, languages=None, network_models=None):
    """Validate and save an organisation, deriving its neighbourhood from its point.

    A point set by hand wins. Otherwise, when the address changed, the organisation is saved
    at once as "pending" and a task places it from its address after the commit (see
    address_place): what the user typed is saved even if geocoding fails.
    """
    place = address_status_update(organisation)
    address_locate(obj=organisation)
    organisation.full_clean()
    organisation.save()
    if languages is not None:
        organisation.languages.set(languages)
    if network_models is not None:
        organisation.network_models.set(network_models)
    if place:
        address_place_on_commit(organisation)
    return organisation


def organisation_unique_slug(name: str) -> str:
    """A free slug for a new organisation's page: "de-sleep", else "de-sleep-2", ... (one
    query)."""
    base = slugify(name)[:200].strip("-") or "vereniging"
    taken = set(Organisation.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def organisation_insert(
    *, organisation: Organisation, name: str, insert: Callable[[], T], attempts: int = SLUG_ATTEMPTS
) -> T:
    """Give the new `organisation` a free slug from `name` and run `insert` (which saves it)
    in a savepoint; what `insert` returns.

    Two writers (an import, a registration) naming alike at the same moment both find the same
    slug free; the later insert then fails on the unique slug: an IntegrityError, or a
    ValidationError when full_clean() already sees the other row. Its savepoint is rolled
    back, and it takes the next free slug and tries again. Any other error is raised."""
    for attempt in range(1, attempts + 1):
        organisation.slug = organisation_unique_slug(name)
        try:
            with transaction.atomic():
                return insert()
        except (IntegrityError, ValidationError):
            # The other writer has committed by now (PostgreSQL makes a unique insert wait for
            # it), so its row is seen: only then was the slug the reason.
            if (
                attempt == attempts
                or not Organisation.objects.filter(slug=organisation.slug).exists()
            ):
                raise
    raise AssertionError("unreachable")


def organisation_assure(
    *, organisation: Organisation, assurer: str, on: datetime.date | None = None
) -> Organisation:
    """Record that `assurer` (Organisation.Assurer) confirmed the listing on `on` (today)."""
    organisation.assured_on = on or timezone.localdate()
    organisation.assurer = Organisation.Assurer(assurer)
    Organisation.objects.filter(pk=organisation.pk).update(
        assured_on=organisation.assured_on, assurer=organisation.assurer
    )
    return organisation


# --- Placing an address on the map (every PlacedAddress) ----------------------------------


def address_status_update(obj: PlacedAddress) -> bool:
    """Set the placing state of `obj` for a save; True when its address must be placed.

    A point given by hand (new, or other than the stored one) wins: "manual". Without an
    address there is nothing to place. A new address (any of `obj.address_fields` changed)
    takes the old point off the map, which would be wrong now, and waits as "pending"; so does
    an address never placed. An address that failed is not tried again until it changes.
    """
    previous = (
        type(obj)
        ._default_manager.filter(pk=obj.pk)
        .values(*obj.address_fields, "point", "geocode_status")
        .first()
        if obj.pk
        else None
    )
    if obj.point is not None and (previous is None or previous["point"] != obj.point):
        obj.geocode_status, obj.geocode_precision = GeocodeStatus.MANUAL, ""
        return False
    if not obj.address:
        if obj.point is None:
            obj.geocode_status, obj.geocode_precision = GeocodeStatus.NONE, ""
        return False
    if previous is None or any(previous[f] != getattr(obj, f) for f in obj.address_fields):
        obj.point, obj.geocode_status, obj.geocode_precision = None, GeocodeStatus.PENDING, ""
        return True
    if obj.point is None and obj.geocode_status in (GeocodeStatus.NONE, GeocodeStatus.PENDING):
        obj.geocode_status = GeocodeStatus.PENDING
        return True
    return False


def address_place_on_commit(obj: PlacedAddress) -> None:
    """Queue the placing of `obj` for when the transaction commits."""
    from .tasks import address_place_task

    enqueue_on_commit(address_place_task, obj._meta.label_lower, obj.pk)


# Street or address precision only: a postcode centre is too rough for "within walking
# distance", so such an address is left for a person to place.
PLACEABLE = (Precision.ADDRESS, Precision.STREET)


def _still_pending(obj: PlacedAddress):
    # Every write below goes through this guard: a point set by hand (or another address
    # saved) while the geocoder was asked is never overwritten.
    return type(obj)._default_manager.filter(pk=obj.pk, geocode_status=GeocodeStatus.PENDING)


def address_place(*, obj: PlacedAddress) -> PlacedAddress | None:
    """Place a pending address on the map (called by the task, not by views).

    Sets point, neighbourhood, precision and time ("done"), or marks it "failed" when the
    address cannot be placed at all. Raises GeocoderUnavailable when a remote geocoder could
    not be asked, so that the task can retry. Returns the object as stored now (None when it
    was deleted meanwhile).
    """
    if obj.geocode_status != GeocodeStatus.PENDING:
        return obj  # placed by hand, or nothing to place
    try:
        candidates = geocoding.geocode(obj.address, limit=1)
    except geocoding.GeocodeInputError:
        candidates = []
    best = next((c for c in candidates if c.precision in PLACEABLE), None)
    if best is None:
        return address_place_failed(obj=obj)
    obj.point = best.point
    address_locate(obj=obj)
    _still_pending(obj).update(
        point=obj.point,
        neighbourhood=obj.neighbourhood,
        geocode_status=GeocodeStatus.DONE,
        geocode_precision=best.precision,
        geocoded_at=timezone.now(),
    )
    return type(obj)._default_manager.filter(pk=obj.pk).first()


def address_place_failed(*, obj: PlacedAddress) -> PlacedAddress | None:
    """Mark a pending address as "could not place this address — set the point"."""
    _still_pending(obj).update(geocode_status=GeocodeStatus.FAILED, geocoded_at=timezone.now())
    return type(obj)._default_manager.filter(pk=obj.pk).first()


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
        address_locate(obj=organisation)
        if organisation.neighbourhood_id != before:
            organisation.save(update_fields=["neighbourhood"])
            changed += 1
    return changed


@transaction.atomic
def neighbourhoods_population_update(*, figures: dict[str, int], source: str) -> int:
    """Set the population of the neighbourhoods with these codes, with where it comes from.

    Official figures replace demo ones. Returns how many neighbourhoods were written.
    """
    neighbourhoods = list(Neighbourhood.objects.filter(code__in=figures))
    for neighbourhood in neighbourhoods:
        neighbourhood.population = figures[neighbourhood.code]
        neighbourhood.population_source = source
        neighbourhood.population_is_demo = False
    Neighbourhood.objects.bulk_update(
        neighbourhoods,
        ["population", "population_source", "population_is_demo"],
        batch_size=500,
    )
    return len(neighbourhoods)
