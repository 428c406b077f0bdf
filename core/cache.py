"""The cache that counts rate limits (ours, allauth's and DRF's) and holds the geocoder's
request slot: Django's Redis cache, which keeps working in the process's memory while its
Redis server cannot be reached.

Without this, every request that counts a rate limit (log-in, sign-up, the API, reporting,
messages) answered 500 while the cache's Redis was down. With it, such a request costs at most
one short timeout (CACHE_SOCKET_TIMEOUT), the limits count per process for OUTAGE_BACKOFF
seconds (an N-process site then allows up to N times a limit), and the shared counts are used
again once Redis answers.
"""

from __future__ import annotations

import logging

import redis
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from .outages import CircuitBreaker

logger = logging.getLogger(__name__)

BACKEND = "core.cache.RedisCacheWithFallback"


def redis_cache(location: str, *, socket_timeout: float, **params) -> dict:
    """A CACHES entry for a Redis server at `location` (settings and tests build it here).

    redis-py waits for the operating system's connect timeout unless told otherwise, and a
    Redis that accepts and never answers would hold a request for good."""
    options = params.pop("OPTIONS", {})
    return {
        **params,
        "BACKEND": BACKEND,
        "LOCATION": location,
        "OPTIONS": {
            "socket_connect_timeout": socket_timeout,
            "socket_timeout": socket_timeout,
            **options,
        },
    }


def _with_fallback(name: str):
    def method(self, *args, **kwargs):
        if not self.redis_breaker.is_open:
            try:
                return getattr(super(RedisCacheWithFallback, self), name)(*args, **kwargs)
            except redis.RedisError:
                self.redis_breaker.trip()
                logger.warning("Cache: %s failed, counting in this process", name, exc_info=True)
        return getattr(self.fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


class RedisCacheWithFallback(RedisCache):
    """RedisCache whose operations go to a local-memory cache of this process while Redis
    does not answer (and for OUTAGE_BACKOFF seconds after it failed)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.redis_breaker = CircuitBreaker("Cache Redis")
        self.fallback = LocMemCache(
            f"fallback:{server}",
            {key: params[key] for key in ("TIMEOUT", "KEY_PREFIX", "VERSION") if key in params},
        )

    add = _with_fallback("add")
    get = _with_fallback("get")
    set = _with_fallback("set")
    touch = _with_fallback("touch")
    delete = _with_fallback("delete")
    get_many = _with_fallback("get_many")
    has_key = _with_fallback("has_key")
    incr = _with_fallback("incr")
    set_many = _with_fallback("set_many")
    delete_many = _with_fallback("delete_many")
    clear = _with_fallback("clear")
