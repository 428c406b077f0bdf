"""Rate limits for posting and contacting, counted in Django's cache.

Production needs a cache shared by all web processes (CACHE_URL=redis://..., set by
docker-compose.yml); the default local-memory cache counts per process. Log-in and sign-up are
limited by django-allauth (ACCOUNT_RATE_LIMITS) and the API by DRF's throttling (see settings).

    hit = rate_limit_hit(f"contact:{user.pk}", limit=5, period=3600)
    if hit: ... hit.retry_after seconds ...

or, for a view, `@rate_limit("contact", limit=5, period=3600)`.

A limit whose store cannot be reached lets the request through (logged): the page works, it
is only not counted. Every path that counts goes through fail_open() (ours here, DRF's
throttles in core/api.py); the production cache (core/cache.py) goes further and counts in the
process's memory while its Redis is away, which also keeps allauth's limits working.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

T = TypeVar("T")


def fail_open(count: Callable[[], T], *, allowed: T, scope: str) -> T:
    """count() against the rate-limit store, or `allowed` (logged) when the store raises:
    a limit whose store is down must not turn a page into a 500."""
    try:
        return count()
    except Exception:  # redis, memcached and socket errors alike
        logger.warning("Rate limit %s not counted: its store failed", scope, exc_info=True)
        return allowed


@dataclass(frozen=True)
class RateLimited:
    """The limit is reached; the next try is allowed after `retry_after` seconds."""

    retry_after: int

    @property
    def message(self) -> str:
        minutes = math.ceil(self.retry_after / 60)
        if self.retry_after < 60:
            wait = ngettext("%(count)d second", "%(count)d seconds", self.retry_after) % {
                "count": self.retry_after
            }
        else:
            wait = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
        return _(
            "You have tried this too often in a short time. Please wait %(wait)s and try again."
        ) % {"wait": wait}


def rate_limit_hit(key: str, *, limit: int, period: int) -> RateLimited | None:
    """Count one attempt for `key`: None while at most `limit` attempts fell in the current
    window of `period` seconds, RateLimited (with the seconds to the next window) after that.

    Fixed windows: cheap (one atomic increment) and good enough against floods; a burst of
    2 x limit across a window boundary is possible. The key is hashed, so that e-mail or IP
    addresses never appear in the cache.
    """
    now = time.time()
    window = int(now // period)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{digest}:{period}:{window}"

    def count() -> int:
        # add() is a no-op when the counter exists; incr() is atomic on Redis and locmem.
        cache.add(cache_key, 0, timeout=period + 1)
        try:
            return cache.incr(cache_key)
        except ValueError:  # expired between add() and incr()
            cache.add(cache_key, 1, timeout=period + 1)
            return 1

    if fail_open(count, allowed=0, scope=key.split(":", 1)[0]) <= limit:
        return None
    return RateLimited(retry_after=max(1, math.ceil((window + 1) * period - now)))


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the address that the trusted reverse proxies
    (settings.TRUSTED_PROXY_COUNT of them) put into X-Forwarded-For. Entries further left are
    written by the client and cannot be trusted."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.headers.get("x-forwarded-for", "")
    if proxies and forwarded:
        addresses = [part.strip() for part in forwarded.split(",")]
        return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")


def user_or_ip(request: HttpRequest) -> str:
    """Signed-in users are counted per account (wherever they are), others per address."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{client_ip(request)}"


def rate_limited_response(request: HttpRequest, limited: RateLimited) -> HttpResponse:
    """An HTML page saying how long to wait, with status 429 and Retry-After."""
    response = HttpResponse(
        render_to_string("429.html", {"message": limited.message}, request=request),
        status=429,
    )
    response["Retry-After"] = str(limited.retry_after)
    return response


def rate_limit(
    scope: str,
    *,
    limit: int,
    period: int,
    key: Callable[[HttpRequest], str] = user_or_ip,
    methods: tuple[str, ...] = ("POST",),
):
    """Limit a view to `limit` requests with one of `methods` per `period` seconds for each
    `key(request)`; other methods (showing the form) are not counted."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                limited = rate_limit_hit(f"{scope}:{key(request)}", limit=limit, period=period)
                if limited:
                    return rate_limited_response(request, limited)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
