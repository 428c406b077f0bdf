"""The map's vector tiles: every kind of search result, with the search's filters, per XYZ
tile (spatial.tiles makes the tile). No location: a tile never depends on a searched point,
and private people are at their public coarse point (each source's `point_field`).

Data version (the tiles' ETag): a token in the shared cache, replaced when a transaction that
saved or deleted a listing of a registered kind, or changed its many-to-many links, commits
(signals, connected in maps.apps; on commit, not at the save: a tile read between the save and
the commit would keep the old places under the new ETag). For REPLICA_PIN_SECONDS after a
change tiles read the primary, not a replica that may not have replayed it yet (same reason).
Writes that send no signal (QuerySet.update(), bulk_create()) and time (an
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

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import F, Value
from django.utils import translation

from buurt.search.params import SearchParams
from buurt.search.registry import sources
from spatial.tiles import InTile, PlaceRows, StoredGeometry, Tile
from spatial.tiles import tile_mvt as spatial_tile_mvt

logger = logging.getLogger(__name__)

VERSION_KEY = "maps:tiles:data-version"


def tile_mvt(params: SearchParams, tile: Tile, *, changed_at: float = 0.0) -> bytes:
    """The tile's protobuf (spatial.tiles.tile_mvt) of every chosen kind that passes the
    filters; b"" when nothing does. One query. `changed_at`: data_version()'s time."""
    db, places = tile_places(params, tile, changed_at=changed_at)
    return spatial_tile_mvt(connections[db], tile, places)


def tile_places(
    params: SearchParams, tile: Tile, *, changed_at: float = 0.0
) -> tuple[str, list[PlaceRows]]:
    """(the database alias, the SQL of each chosen kind's places that may lie in the tile,
    InTile's box still to fill in: spatial.tiles.tile_mvt does)."""
    db = router.db_for_read(sources()[0].model)
    if db != DEFAULT_DB_ALIAS and time.time() - changed_at < settings.REPLICA_PIN_SECONDS:
        db = DEFAULT_DB_ALIAS  # a replica may not have replayed the change the ETag names
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


def data_version() -> tuple[str, float]:
    """(the listings' current version token, the time it was made: see the module's
    docstring)."""
    try:
        value = cache.get_or_set(VERSION_KEY, _new_token, timeout=None)
    except Exception:  # a cache that is down: a token of its own, so no 304 on stale data
        logger.warning("Tile data version not read: the cache failed", exc_info=True)
        value = _new_token()
    token, _at, made = str(value).partition("@")
    try:
        return token, float(made)
    except ValueError:
        return token, 0.0


def data_version_bump() -> None:
    try:
        cache.set(VERSION_KEY, _new_token(), timeout=None)
    except Exception:
        logger.warning("Tile data version not bumped: the cache failed", exc_info=True)


def _new_token() -> str:
    return f"{uuid.uuid4().hex[:16]}@{time.time():.3f}"


def tile_etag(*, token: str, language: str) -> str:
    """The ETag of every tile now: the data version's token, the language, and the hour."""
    return f'"{token}-{language}-{int(time.time() // 3600)}"'


def _listing_models() -> set:
    return {source.model for source in sources()}


def _account_state_changed(instance, update_fields) -> bool:
    """An account saved with its `is_active` (help offers show only while their helper's account
    is active: a blocked or leaving helper leaves the tiles now, not within the hour)."""
    return isinstance(instance, get_user_model()) and (
        update_fields is None or "is_active" in update_fields
    )


def listing_changed(sender, instance=None, action: str = "", **kwargs) -> None:
    """post_save, post_delete and m2m_changed receiver: a listing changed, tiles too."""
    if action and not action.startswith("post_"):
        return
    if type(instance) in _listing_models() or _account_state_changed(
        instance, kwargs.get("update_fields")
    ):
        # After the commit: until then a tile (read elsewhere) would not see the change.
        transaction.on_commit(data_version_bump, using=kwargs.get("using") or DEFAULT_DB_ALIAS)
