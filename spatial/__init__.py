"""The one place that knows units, SRIDs and backend differences. Imports no models.

Every point stored by Buurtkaart is EPSG:4326 (lon/lat, WGS 84). Point fields are
`geography=True` so that PostGIS measures in metres on the sphere and uses its GiST index;
SpatiaLite ignores the flag and measures 4326 geometries in metres itself. The functions here
take and return metres and hide the rest:

- `dwithin` with a bare number means metres on both backends *for these fields*; a `D()` object
  raises on PostGIS and `distance_lte` cannot use the spatial index, so neither is used.
- Grid snapping (coarsening) happens in EPSG:3035, the European equal-area projection in
  metres, never by converting metres to degrees by hand.

Callers import the package (`import spatial`); the modules are:
points (validation, boxes, distances and their wording, no SQL), reproject (other coordinate
systems), geometry (maps, Voronoi cells, point-in-area in memory), queries (simple spatial
conditions, bulk-load SQL), nearest (the search's radius queries through the spatial index),
bulk (point upserts by the million) and text_search (typo-tolerant lookups: pg_trgm or LIKE).
"""

from .bulk import PointUpsert
from .geometry import (
    AreaLocator,
    Sketch,
    extent,
    geojson_geometry,
    latlng,
    scatter_points,
    sketch,
    voronoi_cells,
)
from .nearest import (
    NearestRows,
    NearestSample,
    nearest_count,
    nearest_first,
    nearest_keys,
    nearest_objects,
    nearest_sample,
    nearest_tally,
    occupied,
    with_sphere_distance,
    within_sphere,
)
from .points import (
    BENELUX,
    EARTH_RADIUS_M,
    LAEA_EUROPE,
    MAX_BBOX_DIAGONAL_M,
    MAX_RADIUS_M,
    WGS84,
    BBox,
    SpatialInputError,
    bbox_around,
    bbox_diagonal_m,
    bucket_distance,
    coarsen,
    distance_text,
    great_circle_m,
    in_benelux,
    make_bbox,
    make_point,
    make_radius,
    parse_bbox,
    walking_minutes,
    walking_text,
)
from .queries import (
    containing,
    distance_m,
    in_bbox,
    nearest,
    point_from_lonlat_sql,
    spatialite_repair_indexes,
    with_distance,
    within_distance,
)
from .reproject import (
    LAMBERT_72,
    LAMBERT_2008,
    RD_NEW,
    LonLatTransformer,
    source_srs,
    to_wgs84_multipolygon,
)
from .text_search import similar_text_candidates

__all__ = [
    "BENELUX",
    "EARTH_RADIUS_M",
    "LAEA_EUROPE",
    "LAMBERT_72",
    "LAMBERT_2008",
    "MAX_BBOX_DIAGONAL_M",
    "MAX_RADIUS_M",
    "RD_NEW",
    "WGS84",
    "AreaLocator",
    "BBox",
    "LonLatTransformer",
    "NearestRows",
    "NearestSample",
    "PointUpsert",
    "Sketch",
    "SpatialInputError",
    "bbox_around",
    "bbox_diagonal_m",
    "bucket_distance",
    "coarsen",
    "containing",
    "distance_m",
    "distance_text",
    "extent",
    "geojson_geometry",
    "great_circle_m",
    "in_bbox",
    "in_benelux",
    "latlng",
    "make_bbox",
    "make_point",
    "make_radius",
    "nearest",
    "nearest_count",
    "nearest_first",
    "nearest_keys",
    "nearest_objects",
    "nearest_sample",
    "nearest_tally",
    "occupied",
    "parse_bbox",
    "point_from_lonlat_sql",
    "scatter_points",
    "similar_text_candidates",
    "sketch",
    "source_srs",
    "spatialite_repair_indexes",
    "to_wgs84_multipolygon",
    "voronoi_cells",
    "walking_minutes",
    "walking_text",
    "with_distance",
    "with_sphere_distance",
    "within_distance",
    "within_sphere",
]
