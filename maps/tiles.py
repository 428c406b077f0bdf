"""The map's vector tiles: every kind of search result, with the search's filters, per XYZ
tile (spatial.tiles makes the tile). No location: a tile never depends on a searched point,
and private people are at their public coarse point (each source's `point_field`).

Data version (the tiles' ETag): a token in the shared cache, replaced whenever a listing of a
registered kind is saved or deleted, or its many-to-many links change (signals, connected in
maps.apps). Writes that send no signal (QuerySet.update(), bulk_create()) and time (an
activity's last date passing, an offer expiring) are caught by the hour in the ETag: a tile
is revalidated with a stale ETag for at most an hour. A cache that lost the token makes a new
one (never an old one again). With one cache per process (locmem) a token is per worker: run
with CACHE_URL (Redis) when there is more than one, as for the rate limits.
"""

from __future__ import annotations

import functools
import logging
import time
import uuid

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import F, Value
from django.utils import translation

from buurt.search.params import SearchParams
from buurt.search.registry import sources
from spatial.tiles import InTile, PlaceRows, StoredGeometry, Tile
from spatial.tiles import tile_mvt as spatial_tile_mvt

logger = logging.getLogger(__name__)

VERSION_KEY = "maps:tiles:data-version"


def tile_mvt(params: SearchParams, tile: Tile) -> bytes:
    """The tile's protobuf (spatial.tiles.tile_mvt) of every chosen kind that passes the
    filters; b"" when nothing does. One query."""
    db, places = tile_places(params, tile)
    return spatial_tile_mvt(connections[db], tile, places)


def tile_places(params: SearchParams, tile: Tile) -> tuple[str, list[PlaceRows]]:
    """(the database alias, the SQL of each chosen kind's places that may lie in the tile,
    InTile's box still to fill in: spatial.tiles.tile_mvt does)."""
    db = router.db_for_read(sources()[0].model)
    index = tile.index_box() is not None
    minute = int(time.time() // 60)
    return db, _compiled(params, translation.get_language(), index, minute, db)


# Building and compiling the querysets cost more than the query of a tile (~15 ms against ~5
# at a million listings): the SQL is kept per filters, language and database for a minute
# (filters read the time: an activity's dates to come, "today").
@functools.lru_cache(maxsize=256)
def _compiled(params, _language: str, index: bool, _minute: int, db: str) -> list[PlaceRows]:
    places = []
    for source in sources(params.kinds):
        values = source.tile_values()
        queryset = (
            source.filtered(params, InTile(source.point_field, index=index))
            .order_by()
            .values(
                tile_kind=Value(source.key),
                tile_pk=F("pk"),
                tile_title=values["title"],
                tile_url=values["url"],
                tile_category=values["category"],
                tile_geom=StoredGeometry(source.point_field),
            )
        )
        try:
            sql, query_params = queryset.query.get_compiler(using=db).as_sql()
        except EmptyResultSet:  # a filter this kind cannot match (a category of another)
            continue
        places.append(PlaceRows(sql, tuple(query_params)))
    return places


def data_version() -> str:
    """The listings' current version token (see the module's docstring)."""
    try:
        return cache.get_or_set(VERSION_KEY, _new_token, timeout=None)
    except Exception:  # a cache that is down: a token of its own, so no 304 on stale data
        logger.warning("Tile data version not read: the cache failed", exc_info=True)
        return _new_token()


def data_version_bump() -> None:
    try:
        cache.set(VERSION_KEY, _new_token(), timeout=None)
    except Exception:
        logger.warning("Tile data version not bumped: the cache failed", exc_info=True)


def _new_token() -> str:
    return uuid.uuid4().hex[:16]


def tile_etag(*, language: str) -> str:
    """The ETag of every tile now: the data version, the language, and the hour."""
    return f'"{data_version()}-{language}-{int(time.time() // 3600)}"'


def _listing_models() -> set:
    return {source.model for source in sources()}


def listing_changed(sender, instance=None, action: str = "", **kwargs) -> None:
    """post_save, post_delete and m2m_changed receiver: a listing changed, tiles too."""
    if action and not action.startswith("post_"):
        return
    if type(instance) in _listing_models():
        data_version_bump()
