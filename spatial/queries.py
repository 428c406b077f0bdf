"""Spatial conditions and annotations for querysets that need no index walk, SQL for bulk
loads, and SpatiaLite's index repair."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.db.models import Q, QuerySet

from .points import BBox


def within_distance(field: str, point: Point, meters: float) -> Q:
    """Q for rows whose geography `field` lies within `meters` metres of an EPSG:4326 point.

    Uses ST_DWithin(geography) on PostGIS (GiST index) and PtDistWithin on SpatiaLite; both
    read the bare number as metres for a geography/4326 field.
    """
    return Q(**{f"{field}__dwithin": (point, meters)})


def containing(field: str, point: Point) -> Q:
    """Q for rows whose (multi)polygon `field` (EPSG:4326 geometry) contains the point."""
    return Q(**{f"{field}__contains": point})


def in_bbox(field: str, bbox: BBox) -> Q:
    """Q for rows whose `field` intersects a lon/lat box (EPSG:4326)."""
    return Q(**{f"{field}__intersects": bbox.as_polygon()})


def with_distance(queryset: QuerySet, field: str, point: Point, *, name: str = "distance"):
    """Annotate `name` as the distance in metres to the point and order nearest first."""
    return queryset.annotate(**{name: Distance(field, point)}).order_by(name)


def distance_m(annotated) -> float | None:
    """Metres of a `Distance` annotation (a `D` measure on both backends), or None."""
    return None if annotated is None else float(annotated.m)


def nearest(queryset: QuerySet, field: str, point: Point, *, meters: float):
    """Rows within `meters` metres of an EPSG:4326 point, nearest first, `distance` in metres.

    The radius pre-filter lets both backends use their spatial index before ordering.
    """
    return with_distance(queryset.filter(within_distance(field, point, meters)), field, point)


def point_from_lonlat_sql(connection) -> str:
    """SQL for an EPSG:4326 point from two parameters (lon, lat), for bulk INSERT ... SELECT.

    PostGIS stores our points as geography; SpatiaLite as a 4326 geometry blob.
    """
    if connection.vendor == "postgresql":
        return "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography"
    return "MakePoint(%s, %s, 4326)"


def point_from_columns_sql(connection, lon_column: str, lat_column: str) -> str:
    """Like point_from_lonlat_sql, for two columns of a staging table (names are trusted)."""
    return point_from_lonlat_sql(connection) % (lon_column, lat_column)


def spatialite_repair_indexes(connection, columns: Iterable[tuple[str, str]]) -> list[str]:
    """Rebuild the SpatiaLite R*Tree index of each (table, column) whose index is disabled.

    When a migration remakes a table on SQLite (adding a field with a default, say), Django
    restores the geometry column but leaves its spatial index disabled and no longer kept up
    to date by triggers; within_sphere() relies on it. Does nothing on other databases (the
    flag is Django's own: its SpatiaLite operations carry `spatialite = True`). Returns the
    tables repaired.
    """
    if not getattr(connection.ops, "spatialite", False):
        return []
    repaired = []
    with connection.cursor() as cursor:
        for table, column in columns:
            cursor.execute(
                "SELECT spatial_index_enabled FROM geometry_columns "
                "WHERE f_table_name = %s AND f_geometry_column = %s",
                [table.lower(), column.lower()],
            )
            row = cursor.fetchone()
            if row is None or row[0] == 1:
                continue
            cursor.execute(
                f"DROP TABLE IF EXISTS {connection.ops.quote_name(f'idx_{table}_{column}')}"
            )
            # Creates the R*Tree, fills it from the rows, and adds the triggers that keep it.
            cursor.execute("SELECT CreateSpatialIndex(%s, %s)", [table, column])
            repaired.append(table)
    return repaired
