"""What the HSDS API may show, and its filters: public organisations and activities only
(Organisation.objects.public(), Activity.objects.public(): published, approved, of a public
organisation; cancelled activities left out). Nothing of neighbour help or referrals is read.

An HSDS list here is made of parts, one queryset per kind of row: an organisation is an
organization, a service (its general offer) and a location; an activity is a service and, at
its place, a service at a location. Lists give the organisations' part first, then the
activities', each in its own order (nearest first with a proximity).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db.models import Prefetch, Q, QuerySet

import spatial
from activities.models import Activity, Occurrence
from buurt.models import Organisation, PostcodeCentroid

from .taxonomy import ACTIVITY, ORGANISATION, Term

ORGANISATION_RELATED = ("languages", "network_models")


def hsds_organisations() -> QuerySet[Organisation]:
    return (
        Organisation.objects.public().prefetch_related(*ORGANISATION_RELATED).order_by("name", "pk")
    )


def hsds_activities() -> QuerySet[Activity]:
    """Public, not cancelled; with the dates cancelled one by one (for the schedules)."""
    cancelled = Occurrence.objects.filter(is_cancelled=True).order_by("starts_at")
    return (
        Activity.objects.public()
        .select_related("organisation")
        .prefetch_related(
            "languages",
            "network_models",
            "organisation__languages",
            "organisation__network_models",
            Prefetch("occurrences", queryset=cancelled, to_attr="cancelled_occurrences"),
        )
        .order_by("starts_at", "pk")
    )


@dataclass(frozen=True)
class Near:
    point: Point
    meters: float


@dataclass(frozen=True)
class HsdsFilter:
    search: str = ""
    terms: tuple[Term, ...] = ()  # any of them (one term, or every term of a taxonomy)
    organisation_uuid: uuid.UUID | None = None
    modified_after: datetime.datetime | None = None
    postcode: str = ""
    near: Near | None = None


def postcode_centre(postcode: str) -> Point | None:
    """The centre of a known postcode (buurt's postcode table), or None."""
    row = PostcodeCentroid.objects.filter(postcode=postcode.strip().upper()).first()
    return row.point if row else None


def _common(queryset: QuerySet, kind: str, filters: HsdsFilter, *, text: tuple[str, ...]):
    if filters.search:
        words = Q()
        for name in text:
            words |= Q(**{f"{name}__icontains": filters.search})
        queryset = queryset.filter(words)
    if filters.terms:
        conditions = [c for term in filters.terms if (c := term.q(kind)) is not None]
        if not conditions:
            return queryset.none()
        any_term = Q()
        for condition in conditions:
            any_term |= condition
        # A many-to-many condition can match a row twice.
        queryset = queryset.filter(pk__in=queryset.model.objects.filter(any_term).values("pk"))
    if filters.modified_after:
        queryset = queryset.filter(updated_at__gte=filters.modified_after)
    return queryset


def organisation_services(filters: HsdsFilter) -> QuerySet[Organisation]:
    queryset = _common(hsds_organisations(), ORGANISATION, filters, text=("name", "description"))
    if filters.organisation_uuid:
        queryset = queryset.filter(uuid=filters.organisation_uuid)
    return queryset


def activity_services(filters: HsdsFilter) -> QuerySet[Activity]:
    queryset = _common(
        hsds_activities(), ACTIVITY, filters, text=("title", "description", "organisation__name")
    )
    if filters.organisation_uuid:
        queryset = queryset.filter(organisation__uuid=filters.organisation_uuid)
    return queryset


# A place an organisation gives: a point or an address. Activities: at the organisation's
# place (when it has one), at another address, or online; by phone has no location.
_ORGANISATION_HAS_PLACE = Q(point__isnull=False) | ~Q(street_address="")
_ACTIVITY_HAS_PLACE = (
    Q(venue=Activity.Venue.ORGANISATION)
    & (Q(organisation__point__isnull=False) | ~Q(organisation__street_address=""))
    | Q(venue=Activity.Venue.ADDRESS)
    | Q(venue=Activity.Venue.ONLINE)
)


def _located(queryset: QuerySet, filters: HsdsFilter, postcode_q: Q) -> QuerySet:
    if filters.near:
        # The activity's point is its organisation's at the organisation's own place.
        return spatial.nearest(queryset, "point", filters.near.point, meters=filters.near.meters)
    if filters.postcode:
        return queryset.filter(postcode_q)
    return queryset


def organisation_services_at_locations(filters: HsdsFilter) -> QuerySet[Organisation]:
    queryset = organisation_services(filters).filter(_ORGANISATION_HAS_PLACE)
    return _located(queryset, filters, Q(postcode__iexact=filters.postcode))


def activity_services_at_locations(filters: HsdsFilter) -> QuerySet[Activity]:
    queryset = activity_services(filters).filter(_ACTIVITY_HAS_PLACE)
    at_postcode = Q(venue=Activity.Venue.ADDRESS, postcode__iexact=filters.postcode) | Q(
        venue=Activity.Venue.ORGANISATION, organisation__postcode__iexact=filters.postcode
    )
    return _located(queryset, filters, at_postcode)


def organisations(filters: HsdsFilter) -> QuerySet[Organisation]:
    return _common(hsds_organisations(), ORGANISATION, filters, text=("name", "description"))


# --- Parts: lists over two kinds of rows ---------------------------------------------------


@dataclass(frozen=True)
class Part:
    kind: str  # ORGANISATION or ACTIVITY
    queryset: QuerySet


def page_of(parts: list[Part], *, page: int, per_page: int) -> tuple[int, list[tuple[str, object]]]:
    """(total, rows of the page as (kind, row)): one count per part, one query per part that
    the page reaches (and its prefetches)."""
    counts = [part.queryset.count() for part in parts]
    start, stop = (page - 1) * per_page, page * per_page
    rows: list[tuple[str, object]] = []
    offset = 0
    for part, count in zip(parts, counts, strict=True):
        begin, end = max(start - offset, 0), min(stop - offset, count)
        if begin < end:
            rows += [(part.kind, row) for row in part.queryset[begin:end]]
        offset += count
    return sum(counts), rows


def every_row(parts: list[Part]) -> Iterator[tuple[str, object]]:
    """All rows, read in chunks (for ndjson: memory stays bounded whatever the total)."""
    for part in parts:
        for row in part.queryset.iterator(chunk_size=500):
            yield part.kind, row


def organisation_by_uuid(value: uuid.UUID) -> Organisation | None:
    return hsds_organisations().filter(uuid=value).first()


def organisation_by_service_uuid(value: uuid.UUID) -> Organisation | None:
    return hsds_organisations().filter(service_uuid=value).first()


def organisation_by_service_at_location_uuid(value: uuid.UUID) -> Organisation | None:
    return (
        hsds_organisations().filter(_ORGANISATION_HAS_PLACE, service_at_location_uuid=value).first()
    )


def activity_by_uuid(value: uuid.UUID) -> Activity | None:
    return hsds_activities().filter(uuid=value).first()


def activity_by_service_at_location_uuid(value: uuid.UUID) -> Activity | None:
    return hsds_activities().filter(_ACTIVITY_HAS_PLACE, service_at_location_uuid=value).first()


def organisation_activities(organisation: Organisation) -> QuerySet[Activity]:
    return hsds_activities().filter(organisation=organisation)
