"""Reads for the coordination page and its exports: the stored snapshot, never a live count.

Counts about people arrive already suppressed (None = "fewer than 5", regie.models); they get
no trend and no rate per 1,000 residents, since a difference or a rate of two shown counts
could still tell a count under 5.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .indicators import DISTANCES, FILTERS_BY_CODE, Indicator, count_indicators
from .models import AddressBasis, AreaFigures, Snapshot

# Indicators computed from the reach, offered first.
OUT_OF_REACH = "out_of_reach"
REACH_SHARE = "reach_share"
RESIDENTS = "residents"
FRESHNESS = "freshness"
YEAR_AGO_MIN_DAYS = 335  # "a year ago": the newest snapshot at least 11 months older


def indicators() -> list[Indicator]:
    return [
        Indicator(OUT_OF_REACH, _("residents out of reach (white spot)"), per_thousand=False),
        Indicator(REACH_SHARE, _("share of addresses within reach (%)"), per_thousand=False),
        Indicator(RESIDENTS, _("residents"), per_thousand=False),
        Indicator(
            FRESHNESS,
            _("share of listings confirmed in the last 12 months (%)"),
            per_thousand=False,
        ),
        *count_indicators(),
    ]


def indicators_by_code() -> dict[str, Indicator]:
    return {indicator.code: indicator for indicator in indicators()}


@dataclass
class Row:
    figures: AreaFigures
    name: str
    code: str
    residents: int | None
    reach_share: float | None  # 0-100, one decimal
    out_of_reach: int | None
    value: float | int | None  # the chosen indicator
    change_previous: float | int | None = None
    change_year: float | int | None = None
    extra: dict = field(default_factory=dict)


def reach_share(figures: AreaFigures, filter_code: str, distance: int) -> float | None:
    reached = figures.reach.get(filter_code, {}).get(str(distance))
    if reached is None or not figures.points:
        return None
    return round(100 * reached / figures.points, 1)


def out_of_reach(figures: AreaFigures, filter_code: str, distance: int) -> int | None:
    """Residents times the share of addresses (or grid points) out of reach, rounded."""
    share = reach_share(figures, filter_code, distance)
    if share is None or figures.residents is None:
        return None
    reached = figures.reach[filter_code][str(distance)]
    return round(figures.residents * (figures.points - reached) / figures.points)


def freshness_share(figures: AreaFigures) -> int | None:
    """Percentage of the listings confirmed in the last 12 months, rounded down, as the
    freshness page shows it (buurt.selectors.NeighbourhoodFreshness); None without listings."""
    listings = figures.counts.get("organisations")
    confirmed = figures.counts.get("listings_confirmed")
    if not listings or confirmed is None:
        return None
    return confirmed * 100 // listings


def value_of(
    figures: AreaFigures, indicator: Indicator, filter_code: str, distance: int, per_thousand: bool
):
    if indicator.code == OUT_OF_REACH:
        return out_of_reach(figures, filter_code, distance)
    if indicator.code == REACH_SHARE:
        return reach_share(figures, filter_code, distance)
    if indicator.code == RESIDENTS:
        return figures.residents
    if indicator.code == FRESHNESS:
        return freshness_share(figures)
    count = figures.counts.get(indicator.code)
    if not per_thousand or not indicator.per_thousand or indicator.about_people:
        return count
    if count is None or not figures.residents:
        return None
    return round(1000 * count / figures.residents, 2)


def _older(snapshot: Snapshot, *, min_days: int) -> Snapshot | None:
    limit = snapshot.taken_on - datetime.timedelta(days=min_days)
    return Snapshot.objects.filter(taken_on__lte=limit).order_by("-taken_on").first()


def _by_neighbourhood(snapshot: Snapshot | None) -> dict[int, AreaFigures]:
    if snapshot is None:
        return {}
    return {f.neighbourhood_id: f for f in snapshot.areas.all()}


SORT_KEYS = {
    "name": lambda row: row.name.lower(),
    "residents": lambda row: row.residents,
    "reach": lambda row: row.reach_share,
    "out": lambda row: row.out_of_reach,
    "value": lambda row: row.value,
    "previous": lambda row: row.change_previous,
    "year": lambda row: row.change_year,
}


def coordination_figures(
    *,
    indicator: str = OUT_OF_REACH,
    filter_code: str,
    distance: int,
    per_thousand: bool = False,
    sort: str = "out",
    descending: bool = True,
) -> dict:
    """The newest snapshot's rows with the chosen indicator, its change since the previous
    snapshot and since a year ago; sorted (None last). By default "white spots first": most
    residents out of reach first."""
    chosen = indicators_by_code()[indicator]
    snapshot = Snapshot.objects.first()
    if snapshot is None:
        return {"snapshot": None, "rows": [], "indicator": chosen}
    previous = Snapshot.objects.filter(taken_on__lt=snapshot.taken_on).first()
    year_ago = _older(snapshot, min_days=YEAR_AGO_MIN_DAYS)
    before = _by_neighbourhood(previous)
    year = _by_neighbourhood(year_ago)
    trend = not chosen.about_people

    def value(figures):
        return value_of(figures, chosen, filter_code, distance, per_thousand)

    def change(now, then_figures):
        then = value(then_figures) if then_figures is not None else None
        if not trend or now is None or then is None:
            return None
        return round(now - then, 2)

    rows = []
    for figures in snapshot.areas.select_related("neighbourhood"):
        current = value(figures)
        rows.append(
            Row(
                figures=figures,
                name=figures.neighbourhood.name,
                code=figures.neighbourhood.code,
                residents=figures.residents,
                reach_share=reach_share(figures, filter_code, distance),
                out_of_reach=out_of_reach(figures, filter_code, distance),
                value=current,
                change_previous=change(current, before.get(figures.neighbourhood_id)),
                change_year=change(current, year.get(figures.neighbourhood_id)),
            )
        )
    key = SORT_KEYS.get(sort, SORT_KEYS["out"])
    known = sorted((r for r in rows if key(r) is not None), key=key, reverse=descending)
    unknown = sorted((r for r in rows if key(r) is None), key=SORT_KEYS["name"])
    return {
        "snapshot": snapshot,
        "previous": previous,
        "year_ago": year_ago,
        "rows": known + unknown,
        "indicator": chosen,
        "filter": FILTERS_BY_CODE[filter_code],
        "distance": distance,
        "per_thousand": per_thousand and chosen.per_thousand and not chosen.about_people,
        "trend": trend,
        "grid_areas": [r.name for r in rows if r.figures.address_basis == AddressBasis.GRID],
        "demo_residents": any(r.figures.residents_demo for r in rows),
    }


def export_columns() -> list[tuple[str, str]]:
    """(column name, description) of every figure in the exports, in order."""
    columns = [
        ("code", "neighbourhood code"),
        ("name", "neighbourhood name"),
        ("snapshot", "date of the snapshot"),
        ("residents", "residents"),
        ("residents_source", "where the residents figure comes from"),
        ("residents_demo", "1 when the residents figure is an invented demo figure"),
        ("reach_basis", "gazetteer = address register; grid = 100 m grid"),
        ("reach_points", "addresses or grid points"),
        ("freshness_percent", "% of listings confirmed in the last 12 months"),
    ]
    for reach_filter in FILTERS_BY_CODE.values():
        for distance in DISTANCES:
            columns.append(
                (
                    f"reach_{reach_filter.code}_{distance}",
                    f"% of addresses within {distance} m: {reach_filter.code}",
                )
            )
            columns.append(
                (
                    f"out_{reach_filter.code}_{distance}",
                    f"residents out of reach at {distance} m: {reach_filter.code}",
                )
            )
    for indicator in count_indicators():
        columns.append((indicator.code, str(indicator.label)))
        if indicator.per_thousand and not indicator.about_people:
            columns.append((f"{indicator.code}_per_1000", f"{indicator.label} per 1,000 residents"))
    return columns


def export_rows(snapshot: Snapshot) -> list[tuple[AreaFigures, dict]]:
    """(figures, {column: value}) per neighbourhood of the snapshot, by code; people counts
    under 5 are None, as stored."""
    result = []
    count_list = count_indicators()
    for figures in snapshot.areas.select_related("neighbourhood").order_by("neighbourhood__code"):
        values: dict = {
            "code": figures.neighbourhood.code,
            "name": figures.neighbourhood.name,
            "snapshot": snapshot.taken_on.isoformat(),
            "residents": figures.residents,
            "residents_source": figures.residents_source,
            "residents_demo": int(figures.residents_demo),
            "reach_basis": figures.address_basis,
            "reach_points": figures.points,
            "freshness_percent": freshness_share(figures),
        }
        for code in FILTERS_BY_CODE:
            for distance in DISTANCES:
                values[f"reach_{code}_{distance}"] = reach_share(figures, code, distance)
                values[f"out_{code}_{distance}"] = out_of_reach(figures, code, distance)
        for indicator in count_list:
            values[indicator.code] = figures.counts.get(indicator.code)
            if indicator.per_thousand and not indicator.about_people:
                values[f"{indicator.code}_per_1000"] = value_of(
                    figures, indicator, "any", DISTANCES[0], True
                )
        result.append((figures, values))
    return result
