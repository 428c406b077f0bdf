"""DRF's throttles (DEFAULT_THROTTLE_CLASSES), counted in the shared cache and failing open.

Apart from core/api.py: rest_framework.views reads DEFAULT_THROTTLE_CLASSES when it is
imported, so this module must not import it.
"""

from django.core.cache import cache
from rest_framework import throttling
from rest_framework.settings import api_settings

from core.ratelimit import fail_open


class _SharedCacheThrottle:
    """Counted in the default cache (CACHE_URL, shared by all processes in production) at the
    rate that settings give now (API_THROTTLE_ANON / _USER); a cache that raises lets the
    request through (core.ratelimit.fail_open)."""

    cache = cache

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def allow_request(self, request, view):
        count = super().allow_request
        return fail_open(lambda: count(request, view), allowed=True, scope=f"api-{self.scope}")


class AnonRateThrottle(_SharedCacheThrottle, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_SharedCacheThrottle, throttling.UserRateThrottle):
    pass


class TileRateThrottle(_SharedCacheThrottle, throttling.AnonRateThrottle):
    """Map tiles per client address (API_THROTTLE_TILES): a map asks a dozen at each move."""

    scope = "tiles"
