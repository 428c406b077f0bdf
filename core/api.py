"""DRF glue: a 429 whose detail speaks the reader's language (DRF's own Dutch is poor), and
that 429 in the OpenAPI schema (the throttles are in core/throttling.py)."""

from rest_framework.exceptions import Throttled
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.views import exception_handler as drf_exception_handler

from core.ratelimit import RateLimited


def exception_handler(exc, context):
    """DRF's handler (which adds Retry-After to a 429), with our translated message."""
    if isinstance(exc, Throttled) and exc.wait is not None:
        exc.detail = RateLimited(retry_after=max(1, round(exc.wait))).message
    return drf_exception_handler(exc, context)


# --- OpenAPI --------------------------------------------------------------------------------------


def document_throttling(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS): every operation whose view
    is throttled can answer 429 with Retry-After. A hook rather than a schema class, so that
    views with a schema class of their own get it too."""
    for path, _regex, method, callback in generator.endpoints:
        view = generator.create_view(callback, method)
        operation = result["paths"].get(generator.coerce_path(path, method, view), {})
        operation = operation.get(method.lower())
        if operation is not None and view.get_throttles():
            media_types = [
                renderer.media_type.split(";")[0]
                for renderer in view.get_renderers()
                if not isinstance(renderer, BrowsableAPIRenderer)
            ]
            operation["responses"].setdefault("429", _too_many_requests(media_types))
    return result


def _too_many_requests(media_types: list[str]) -> dict:
    detail = {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    }
    return {
        "description": (
            "Too many requests from this client (per address, or per account when signed in): "
            "wait the seconds in Retry-After. `detail` says so in the reader's language."
        ),
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before the next request.",
                "required": True,
                "schema": {"type": "integer", "minimum": 1},
            }
        },
        "content": {media: {"schema": detail} for media in dict.fromkeys(media_types)},
    }
