"""DRF glue: a 429 whose detail speaks the reader's language (DRF's own Dutch is poor)."""

from rest_framework.exceptions import Throttled
from rest_framework.views import exception_handler as drf_exception_handler

from core.ratelimit import RateLimited


def exception_handler(exc, context):
    """DRF's handler (which adds Retry-After to a 429), with our translated message."""
    if isinstance(exc, Throttled) and exc.wait is not None:
        exc.detail = RateLimited(retry_after=max(1, round(exc.wait))).message
    return drf_exception_handler(exc, context)
