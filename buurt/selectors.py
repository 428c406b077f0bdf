"""Reads that feed pages and endpoints."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

import spatial
from core.moderation import ModerationState

from . import duplicates, freshness
from .models import Neighbourhood, Organisation
from .querysets import public_organisations_q


def organisations_on_map():
    """Published organisations with a point, with what a marker popup needs."""
    return Organisation.objects.on_map().only(
        "name", "slug", "kind", "point", "street_address", "postcode", "city"
    )


def organisation_detail(*, slug: str) -> Organisation:
    """A published organisation with its related lookups, or Organisation.DoesNotExist.

    `has_members`: whether anyone keeps it (accounts' memberships, read through the reverse
    relation so that buurt imports nothing above it); without, the page offers the claim."""
    return (
        Organisation.objects.public()
        .annotate(
            has_members=Exists(
                Organisation.objects.filter(pk=OuterRef("pk"), memberships__isnull=False)
            )
        )
        .select_related("neighbourhood")
        .prefetch_related("languages", "network_models")
        .get(slug=slug)
    )


def neighbourhoods_with_counts():
    """All neighbourhoods with the number of published organisations in each."""
    return Neighbourhood.objects.annotate(
        organisation_count=Count("organisations", filter=public_organisations_q("organisations__"))
    )


# The home page's counts per neighbourhood are kept this long in the cache: counting every
# listing of the city grows with them (about 70 ms at 20,000 on PostGIS, a scan at a million),
# too much for every view of the home page. A listing approved meanwhile is counted within it.
NEIGHBOURHOOD_COUNTS_SECONDS = 120
NEIGHBOURHOOD_COUNTS_KEY = "buurt:neighbourhood-organisation-counts"


def neighbourhoods_with_cached_counts() -> list[Neighbourhood]:
    """All neighbourhoods, each with `organisation_count` (published organisations) counted
    at most NEIGHBOURHOOD_COUNTS_SECONDS ago: one query for the neighbourhoods, and one
    aggregate now and then."""

    def count() -> dict[int, int]:
        rows = (
            Organisation.objects.public()
            .filter(neighbourhood__isnull=False)
            .values_list("neighbourhood")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return dict(rows)

    counts = cache.get_or_set(NEIGHBOURHOOD_COUNTS_KEY, count, NEIGHBOURHOOD_COUNTS_SECONDS)
    counts = counts or {}
    neighbourhoods = list(Neighbourhood.objects.all())
    for neighbourhood in neighbourhoods:
        # The attribute neighbourhoods_with_counts annotates, which the templates read.
        setattr(neighbourhood, "organisation_count", counts.get(neighbourhood.pk, 0))  # noqa: B010
    return neighbourhoods


def main_municipality(neighbourhoods) -> str:
    """The municipality most of these neighbourhoods lie in (the city the site serves, named
    on the home page), or "" without any. Counted in memory: the page has loaded them."""
    counts = Counter(n.municipality_name for n in neighbourhoods if n.municipality_name)
    return counts.most_common(1)[0][0] if counts else ""


def neighbourhood_detail(*, code: str) -> Neighbourhood:
    return Neighbourhood.objects.get(code=code)


def neighbourhood_organisations(*, neighbourhood: Neighbourhood):
    return neighbourhood.organisations.public().order_by("name")


# --- Is it already on the map? -----------------------------------------------------------------

# "Within a few hundred metres": an association moves next door, or was placed on the
# postcode's centre or the other end of the street by another source.
DUPLICATE_METERS = 300
# A postcode holds at most a few thousand listings; every one in scope is compared in Python
# (as the gazetteer does with a postcode's streets), which no similarity threshold can miss and
# which answers alike on both databases.
DUPLICATE_SCOPE_ROWS = 5000


@dataclass(frozen=True)
class DuplicateMatch:
    organisation: Organisation
    reasons: tuple[str, ...]  # keys of buurt.duplicates.REASONS, strongest first

    @property
    def reason_labels(self) -> list[str]:
        return [str(duplicates.REASONS[r]) for r in self.reasons]


def organisation_duplicates(
    *,
    name: str,
    postcode: str = "",
    point: Point | None = None,
    enterprise_number: str = "",
    website: str = "",
    exclude_pk: int | None = None,
    queryset: QuerySet[Organisation] | None = None,
    meters: float = DUPLICATE_METERS,
) -> list[DuplicateMatch]:
    """Listings that look like the association described: the same enterprise number (ten
    digits, as stored), the same website (buurt.duplicates.website_key), or a similar name
    (buurt.duplicates.names_similar) in the same postcode or within `meters` metres of the
    EPSG:4326 point. Every listing of `queryset` (all organisations by default, whatever their
    state: a pending submission is a duplicate too), strongest reason first."""
    queryset = Organisation.objects.all() if queryset is None else queryset
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    found: dict[int, tuple[Organisation, list[str]]] = {}

    def add(organisation: Organisation, reason: str) -> None:
        found.setdefault(organisation.pk, (organisation, []))[1].append(reason)

    if enterprise_number:
        for organisation in queryset.filter(enterprise_number=enterprise_number):
            add(organisation, "enterprise_number")
    site = duplicates.website_key(website)
    if site:
        host = site.split("/")[0]
        for organisation in queryset.filter(website__icontains=host):
            if duplicates.website_key(organisation.website) == site:
                add(organisation, "website")
    if duplicates.name_words(name):
        code = duplicates.postcode_key(postcode)
        scope = Q(pk__in=[])
        if code:
            scope |= Q(postcode__iexact=code)
            if len(code) == 6:  # Dutch, stored with or without its space
                scope |= Q(postcode__iexact=f"{code[:4]} {code[4:]}")
        if point is not None:
            scope |= spatial.within_distance("point", point, meters)
        # Names only (no geometry, no model instances) for the whole scope; rows for matches.
        similar = {
            pk: "name_postcode"
            if code and duplicates.postcode_key(postcode_) == code
            else "name_nearby"
            for pk, other, postcode_ in queryset.filter(scope).values_list(
                "pk", "name", "postcode"
            )[:DUPLICATE_SCOPE_ROWS]
            if duplicates.names_similar(name, other)
        }
        for organisation in queryset.filter(pk__in=similar):
            add(organisation, similar[organisation.pk])
    order = list(duplicates.REASONS)
    return [
        DuplicateMatch(organisation, tuple(sorted(reasons, key=order.index)))
        for organisation, reasons in sorted(
            found.values(), key=lambda item: (min(map(order.index, item[1])), item[0].name)
        )
    ]


@dataclass(frozen=True)
class NeighbourhoodFreshness:
    """How many of a neighbourhood's public listings someone confirmed in the last
    LISTING_OUTDATED_MONTHS (buurt.freshness)."""

    neighbourhood: Neighbourhood
    listings: int
    confirmed: int

    @property
    def share(self) -> int | None:
        """Percentage confirmed, rounded down; None without listings."""
        return self.confirmed * 100 // self.listings if self.listings else None


def neighbourhoods_freshness(
    *, neighbourhoods=None, today: datetime.date | None = None
) -> list[NeighbourhoodFreshness]:
    """Per neighbourhood (all, or the given queryset), its public listings and how many were
    confirmed in the last 12 months; those with the smallest share first. One query."""
    public = public_organisations_q("organisations__")
    confirmed = Q(organisations__assured_on__gte=freshness.outdated_before(today))
    rows = (neighbourhoods if neighbourhoods is not None else Neighbourhood.objects.all()).annotate(
        listing_count=Count("organisations", filter=public),
        confirmed_count=Count("organisations", filter=public & confirmed),
    )
    found = [NeighbourhoodFreshness(n, n.listing_count, n.confirmed_count) for n in rows]
    return sorted(found, key=lambda f: (f.share is None, f.share or 0, f.neighbourhood.name))


def organisations_possibly_outdated(*, today: datetime.date | None = None):
    """Public listings nobody confirmed for LISTING_OUTDATED_MONTHS, the oldest first."""
    return (
        Organisation.objects.public()
        .possibly_outdated(today)
        .select_related("neighbourhood")
        .order_by("assured_on", "name")
    )


@dataclass(frozen=True)
class ImportBatch:
    """The new listings one import left waiting for a moderator: grouped by what the import
    records (the source label before the ":" of source_id, and the day it ran)."""

    source: str
    day: datetime.date
    ids: tuple[int, ...]

    @property
    def key(self) -> str:
        return f"{self.source}/{self.day.isoformat()}"


def organisation_import_batches_waiting() -> list[ImportBatch]:
    """Imported listings not yet published (manage.py buurt_import_organisations without
    --publish, or an upload not published at once), newest import first."""
    waiting = (
        Organisation.objects.filter(
            status=Organisation.Status.PUBLISHED,
            moderation_state=ModerationState.PENDING,
            assurer=Organisation.Assurer.IMPORT,
        )
        .order_by("pk")
        .values_list("pk", "source_id", "created_at")
    )
    groups: dict[tuple[str, datetime.date], list[int]] = {}
    for pk, source_id, created_at in waiting:
        source = source_id.split(":", 1)[0] if ":" in source_id else ""
        groups.setdefault((source, timezone.localdate(created_at)), []).append(pk)
    batches = [ImportBatch(source, day, tuple(ids)) for (source, day), ids in groups.items()]
    return sorted(batches, key=lambda batch: (-batch.day.toordinal(), batch.source))


def organisation_import_batch_ids(*, key: str) -> list[int]:
    """The ids of the waiting batch `key` (ImportBatch.key); none if it is gone."""
    batch = next((b for b in organisation_import_batches_waiting() if b.key == key), None)
    return list(batch.ids) if batch else []
