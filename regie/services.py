"""Taking a snapshot: every figure of every neighbourhood, computed in the database, stored.

Run by regie.tasks (monthly by beat, and on demand), never in a request.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

import spatial
from activities.models import Activity, Occurrence
from buurt.models import Address, Neighbourhood, Organisation
from buurt.selectors import neighbourhoods_freshness
from neighbourhelp.models import HelpOffer, HelpRequest
from neighbourhelp.services import month_start
from referrals.models import Referral
from referrals.selectors import WENT, OutcomeRow
from spatial.reach import (
    Listings,
    Table,
    grid_points,
    points_in_areas_sql,
    reach_counts,
    reach_points_per_area,
    reach_points_prepare,
)

from .indicators import DISTANCES, REACH_FILTERS, ReachFilter, count_indicators, reach_activities
from .models import AddressBasis, AreaFigures, GridPoint, Snapshot

REQUEST_UNMATCHED_AFTER = datetime.timedelta(days=14)
ACTIVITY_HORIZON = datetime.timedelta(days=30)
GRID_SPACING_M = 100


def suppressed(count: int) -> int | None:
    """A count about people as the referral statistics show it: None below MIN_CELL."""
    return OutcomeRow("", count, count, count).cells()[0]


@transaction.atomic
def snapshot_take(*, today: datetime.date | None = None, now=None) -> Snapshot:
    """Compute and store the figures of every neighbourhood as of `today` (replacing a
    snapshot of the same day)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    Snapshot.objects.filter(taken_on=today).delete()
    snapshot = Snapshot.objects.create(taken_on=today)
    neighbourhoods = list(Neighbourhood.objects.all())
    counts = _counts(now, today)
    basis = _reach_points()
    reach = _reach(now)
    AreaFigures.objects.bulk_create(
        [
            AreaFigures(
                snapshot=snapshot,
                neighbourhood=n,
                residents=n.population,
                residents_source=n.population_source,
                residents_demo=n.population_is_demo,
                address_basis=basis[n.pk][0],
                points=basis[n.pk][1],
                counts=counts[n.pk],
                reach={code: per_area.get(n.pk, {}) for code, per_area in reach.items()},
            )
            for n in neighbourhoods
        ],
        batch_size=500,
    )
    return snapshot


def _counts(now, today) -> dict[int, dict[str, int | None]]:
    """Per neighbourhood id, every count indicator (regie.indicators.count_indicators)."""
    per: dict[int, Counter] = defaultdict(Counter)
    organisations = Organisation.objects.public().filter(neighbourhood__isnull=False)
    for row in organisations.values("neighbourhood_id").annotate(
        organisations=Count("pk"),
        reduced_rate=Count("pk", filter=Q(reduced_rate=True)),
        welcome_person=Count("pk", filter=Q(welcome_person=True)),
        wheelchair=Count("pk", filter=Q(wheelchair_accessible=True)),
    ):
        per[row.pop("neighbourhood_id")].update(row)
    for row in organisations.values("neighbourhood_id", "kind").annotate(n=Count("pk")):
        per[row["neighbourhood_id"]][f"kind_{row['kind']}"] = row["n"]
    for row in (
        organisations.filter(network_models__isnull=False)
        .values("neighbourhood_id", "network_models")
        .annotate(n=Count("pk"))
    ):
        per[row["neighbourhood_id"]][f"model_{row['network_models']}"] = row["n"]
    for row in (
        Occurrence.objects.public()
        .filter(starts_at__gte=now, starts_at__lt=now + ACTIVITY_HORIZON)
        .filter(activity__neighbourhood__isnull=False)
        .values("activity__neighbourhood_id")
        .annotate(n=Count("pk"))
    ):
        per[row["activity__neighbourhood_id"]]["activities_30_days"] = row["n"]

    for freshness in neighbourhoods_freshness(today=today):
        per[freshness.neighbourhood.pk]["listings_confirmed"] = freshness.confirmed

    people: dict[int, Counter] = defaultdict(Counter)
    for row in HelpOffer.objects.public().values("neighbourhood_id").annotate(n=Count("pk")):
        people[row["neighbourhood_id"]]["help_offers"] = row["n"]
    for row in (
        HelpRequest.objects.public()
        .filter(status=HelpRequest.Status.OPEN, created_at__lte=now - REQUEST_UNMATCHED_AFTER)
        .values("neighbourhood_id")
        .annotate(n=Count("pk"))
    ):
        people[row["neighbourhood_id"]]["help_requests_unmatched"] = row["n"]
    for row in (
        HelpOffer.objects.public()
        .with_load(since=month_start(now))
        .filter(month_count__gte=F("capacity_per_month"))
        .values("neighbourhood_id")
        .annotate(n=Count("pk", distinct=True))
    ):
        people[row["neighbourhood_id"]]["helpers_at_capacity"] = row["n"]
    for row in (
        Referral.objects.filter(neighbourhood__isnull=False)
        .values("neighbourhood_id")
        .annotate(
            referred=Count("pk"),
            went=Count("pk", filter=Q(outcome__in=WENT)),
            going=Count("pk", filter=Q(still_going_at_12_weeks=True)),
        )
    ):
        people[row["neighbourhood_id"]].update(
            referred=row["referred"], referrals_went=row["went"], referrals_still_going=row["going"]
        )

    indicators = count_indicators()
    result: dict[int, dict[str, int | None]] = defaultdict(dict)
    for pk in Neighbourhood.objects.values_list("pk", flat=True):
        for indicator in indicators:
            if indicator.about_people:
                result[pk][indicator.code] = suppressed(people[pk][indicator.code])
            else:
                result[pk][indicator.code] = per[pk][indicator.code]
    return result


def _table(model, geometry):
    return Table(model._meta.db_table, model._meta.pk.column, geometry)


def _tables():
    return (
        _table(Address, "point"),
        _table(Neighbourhood, "boundary"),
        _table(GridPoint, "point"),
        _table(Organisation, "point"),
    )


def _grid_sql() -> str:
    _addresses, _areas, grid, _listings = _tables()
    return (
        f"SELECT {connection.ops.quote_name('neighbourhood_id')} AS area_id, "
        f"{connection.ops.quote_name('point')} AS point "
        f"FROM {connection.ops.quote_name(grid.name)}"
    )


def _points_sql() -> str:
    """(area_id, point) of every address in a neighbourhood, and of the grid points."""
    addresses, areas, _grid, _listings = _tables()
    return (
        f"{points_in_areas_sql(connection, points=addresses, areas=areas)} UNION ALL {_grid_sql()}"
    )


def _reach_points() -> dict[int, tuple[str, int]]:
    """Place the addresses in their neighbourhoods once (spatial.reach keeps them for _reach),
    remake the grid of the neighbourhoods without addresses and add its points; per
    neighbourhood id, what reach is measured on and how many points."""
    addresses, areas, _grid, _listings = _tables()
    reach_points_prepare(connection, points_in_areas_sql(connection, points=addresses, areas=areas))
    with_addresses = reach_points_per_area(connection)
    GridPoint.objects.all().delete()
    basis: dict[int, tuple[str, int]] = {}
    for neighbourhood in Neighbourhood.objects.all():
        if with_addresses.get(neighbourhood.pk):
            basis[neighbourhood.pk] = (AddressBasis.GAZETTEER, with_addresses[neighbourhood.pk])
            continue
        points = grid_points(neighbourhood.boundary, spacing_m=GRID_SPACING_M)
        GridPoint.objects.bulk_create(
            [GridPoint(neighbourhood=neighbourhood, point=p) for p in points], batch_size=2000
        )
        basis[neighbourhood.pk] = (AddressBasis.GRID, len(points))
    if getattr(connection.ops, "spatialite", False):
        spatial.spatialite_repair_indexes(connection, [(GridPoint._meta.db_table, "point")])
    if any(kind == AddressBasis.GRID for kind, _n in basis.values()):
        reach_points_prepare(connection, _grid_sql(), add=True)
    return basis


def _reach(now) -> dict[str, dict[int, dict[str, int]]]:
    """Filter code -> area id -> {"400": points reached, ...}, over the points _reach_points
    placed (it runs first, on the same connection)."""
    result = {}
    for reach_filter in REACH_FILTERS:
        counts = reach_counts(
            connection, listings=reach_listings(reach_filter, now), bands=DISTANCES
        )
        result[reach_filter.code] = {
            area: {str(d): n for d, n in zip(DISTANCES, row[1:], strict=True)}
            for area, row in counts.items()
        }
    return result


def reach_listings(reach_filter: ReachFilter, now) -> list[Listings]:
    """The organisations and activities that count as listings for a filter, as
    spatial.reach reads them."""
    *_rest, organisations = _tables()
    sources = []
    if reach_filter.organisations:
        ids = Organisation.objects.on_map().filter(reach_filter.organisations(now))
        sources.append(
            Listings(organisations, *ids.order_by().values("pk").query.sql_with_params())
        )
    if reach_filter.activities:
        ids = reach_activities(now).filter(reach_filter.activities(now))
        sources.append(
            Listings(
                _table(Activity, "point"), *ids.order_by().values("pk").query.sql_with_params()
            )
        )
    return sources
