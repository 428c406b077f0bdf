"""spatial.reach.reach_counts as it was before it measured each distinct point once over a
temporary index of the matching listings (one index walk or EXISTS per address, testing the
filter's ids inside the walk), kept only to check that the new one counts the same."""

from __future__ import annotations

from collections.abc import Sequence

from spatial.points import WGS84
from spatial.reach import M_PER_DEGREE, Table, _q


def old_reach_counts(
    connection,
    *,
    points_sql: str,
    points_params: Sequence = (),
    listings: Table,
    listing_ids_sql: str,
    listing_ids_params: Sequence = (),
    bands: Sequence[int],
) -> dict[int, list[int]]:
    """Per area id: [points, points within bands[0] metres of a listing, within bands[1], ...].

    `points_sql` yields (area_id, point) rows; `listing_ids_sql` the ids of the listings of
    `listings` that count (a filter). Each point asks the spatial index for the listings in a
    box around it, up to the largest band, and keeps the nearest distance on the sphere.
    """
    bands = sorted(int(b) for b in bands)
    lq, l_key, l_geom = (
        _q(connection, listings.name),
        _q(connection, listings.key),
        _q(connection, listings.geometry),
    )
    postgres = connection.vendor == "postgresql"
    if postgres:
        # The matching listings in a temporary table with a GiST index of their own: each
        # point then walks that index nearest first and stops at the first row. (Filtering
        # the listings table inside the walk made PostgreSQL test every row it passed
        # against the filter's list, 0.4 ms a point.) `<->` on geography is the distance on
        # the sphere (see spatial.nearest).
        _temporary_table(
            connection,
            "regie_reach_listings",
            f"SELECT li.{l_geom} AS point FROM {lq} li WHERE li.{l_key} IN ({listing_ids_sql})",
            listing_ids_params,
            index="point",
        )
        nearest = (
            "(SELECT rl.point <-> pts.point FROM regie_reach_listings rl "
            "ORDER BY rl.point <-> pts.point LIMIT 1)"
        )
    else:
        # The smallest band first: an address near a matching listing is settled by one
        # R*Tree query for a small box and one distance, instead of measuring every listing
        # within the largest band. `d` is then the band (not the distance).
        def match_within(meters: int) -> str:
            dlat = f"({meters} / {M_PER_DEGREE})"
            dlon = f"({meters} / ({M_PER_DEGREE} * cos(radians(Y(pts.point)))))"
            box = (
                f"BuildMbr(X(pts.point) - {dlon}, Y(pts.point) - {dlat}, "
                f"X(pts.point) + {dlon}, Y(pts.point) + {dlat}, {WGS84})"
            )
            return (
                f"EXISTS (SELECT 1 FROM {lq} li WHERE li.ROWID IN (SELECT ROWID FROM "
                f"SpatialIndex WHERE f_table_name = '{listings.name}' AND f_geometry_column = "
                f"'{listings.geometry}' AND search_frame = {box}) "
                f"AND PtDistWithin(li.{l_geom}, pts.point, {meters}, 0) "
                f"AND li.{l_key} IN ({listing_ids_sql}))"
            )

        nearest = (
            "(CASE "
            + " ".join(f"WHEN {match_within(band)} THEN {band}" for band in bands)
            + " ELSE NULL END)"
        )
    within = ", ".join(f"SUM(CASE WHEN near.d <= {band} THEN 1 ELSE 0 END)" for band in bands)
    sql = (
        f"SELECT near.area_id, COUNT(*), {within} FROM ("
        f"SELECT pts.area_id AS area_id, {nearest} AS d FROM ({points_sql}) pts"
        f") near GROUP BY near.area_id"
    )
    params = (
        [*points_params] if postgres else [*(list(listing_ids_params) * len(bands)), *points_params]
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: [int(n or 0) for n in row[1:]] for row in cursor.fetchall()}


def _temporary_table(connection, name: str, sql: str, params, *, index: str | None) -> None:
    """(Re)make a temporary table (PostgreSQL, this session only) from a query, with a GiST
    index on `index`, analysed so that the planner knows its size."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {sql}", list(params))
        if index:
            cursor.execute(f"CREATE INDEX ON {name} USING gist ({index})")
        cursor.execute(f"ANALYZE {name}")
