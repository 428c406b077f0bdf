"""DRF glue: a 429 whose detail speaks the reader's language (DRF's own Dutch is poor), and a
JSON parser that refuses bodies nested too deeply with a 400."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, Throttled
from rest_framework.views import exception_handler as drf_exception_handler

from core.ratelimit import RateLimited


def exception_handler(exc, context):
    """DRF's handler (which adds Retry-After to a 429), with our translated message."""
    if isinstance(exc, Throttled) and exc.wait is not None:
        exc.detail = RateLimited(retry_after=max(1, round(exc.wait))).message
    return drf_exception_handler(exc, context)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser (DEFAULT_PARSER_CLASSES), answering 400 for JSON nested too deeply.

    Python's json module recurses once per level and raises RecursionError, not ValueError, at
    about 1,000 levels. DRF reads the body of a signed-in user's POST during its CSRF check
    (looking for csrfmiddlewaretoken), so that error was a 500 on every /api/ URL, even on
    views that take no body. The C decoder counts its depth against the recursion limit, so a
    body a million levels deep fails the same way, without exhausting the C stack.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON in the request is nested too deeply.")) from None
