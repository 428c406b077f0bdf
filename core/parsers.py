"""DRF's parsers (settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]). A module of their own: DRF
imports them while rest_framework.views loads, so they must not import that module back."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, answering 400 for JSON nested too deeply.

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
