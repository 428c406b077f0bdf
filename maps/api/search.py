"""The search endpoints: results near a place, and the same results in a map's box."""

from __future__ import annotations

from django.core.exceptions import TooManyFieldsSent
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

import spatial
from buurt.search.params import SearchParams
from maps.search import service
from maps.search.forms import MAX_VALUES, SearchParamsError, parse_search

from .schema import (
    BBOX_RULES,
    ERRORS,
    NO_LOCATION,
    SEARCH_RULES,
    SearchSchema,
    bbox_parameter,
    rules_text,
    search_parameters,
)
from .serializers import BBoxCollectionSerializer, ErrorSerializer, SearchCollectionSerializer


class GeoJSONRenderer(JSONRenderer):
    """JSON as application/geo+json, the media type RFC 7946 registers."""

    media_type = "application/geo+json"
    format = "geojson"


def _error(detail: str, errors: dict | None = None, *, code=status.HTTP_400_BAD_REQUEST, **more):
    body = ErrorSerializer({"detail": detail, "errors": errors or {}, **more}).data
    return Response(body, status=code)


def _params_error(exc: SearchParamsError) -> Response:
    return _error(" ".join(exc.messages), exc.errors)


def _location_error(exc: service.LocationError) -> Response:
    code = status.HTTP_503_SERVICE_UNAVAILABLE if exc.unavailable else status.HTTP_400_BAD_REQUEST
    return _error(exc.message, {"address": [exc.message]}, code=code, suggestions=exc.suggestions)


class _SearchApiView(APIView):
    permission_classes = [AllowAny]
    renderer_classes = [GeoJSONRenderer, *api_settings.DEFAULT_RENDERER_CLASSES]
    schema = SearchSchema()
    schema_description = ""
    extra_parameters: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        # Django refuses a query string of more than DATA_UPLOAD_MAX_NUMBER_FIELDS parameters
        # with an exception that DRF would pass on as an HTML page: answer in JSON instead.
        try:
            request._request.GET  # noqa: B018 - parses the query string, once
        except TooManyFieldsSent as exc:
            raise ParseError(
                _("A search has at most %(max)d parameters.") % {"max": MAX_VALUES}
            ) from exc
        super().initial(request, *args, **kwargs)

    def parse(self, request) -> SearchParams:
        return parse_search(
            request.query_params,
            allowed_extra=(api_settings.URL_FORMAT_OVERRIDE, *self.extra_parameters),
        )


class SearchApi(_SearchApiView):
    """What is near a place: results of every kind within the radius, nearest first."""

    def schema_parameters(self):
        return search_parameters(include_paging=True)

    # With the filters each kind ignores, added when the schema is built (SearchSchema).
    schema_description = (
        "Give `address`, or `lat` and `lon`. GeoJSON (RFC 7946) features, nearest "
        "first, each with its distance; paginated with `page`/`page_size` and `next` links."
        + rules_text([NO_LOCATION, *SEARCH_RULES])
    )

    @extend_schema(operation_id="search", responses={200: SearchCollectionSerializer, **ERRORS})
    def get(self, request):
        try:
            params = self.parse(request)
            location = service.search_location(params)
        except SearchParamsError as exc:
            return _params_error(exc)
        except service.LocationError as exc:
            return _location_error(exc)
        page = service.search(params, location=location, suggestions=False)
        return Response(SearchCollectionSerializer(page, context={"request": request}).data)


class SearchBBoxApi(_SearchApiView):
    """The search's results inside a map's visible box, for the map layer."""

    extra_parameters = ("bbox",)

    def schema_parameters(self):
        return [bbox_parameter(), *search_parameters(include_paging=False)]

    schema_description = (
        "With `address` or `lat`/`lon`, only results within the radius, nearest "
        f"first; without, all results in the box. At most {service.MAX_BBOX_FEATURES} features."
        + rules_text([*BBOX_RULES, *SEARCH_RULES])
    )

    @extend_schema(operation_id="search_bbox", responses={200: BBoxCollectionSerializer, **ERRORS})
    def get(self, request):
        try:
            params = self.parse(request)
            bbox = spatial.parse_bbox(params.extra.get("bbox"))
            location = service.search_location(params) if params.has_location else None
        except SearchParamsError as exc:
            return _params_error(exc)
        except spatial.SpatialInputError as exc:
            return _error(str(exc), {"bbox": [str(exc)]})
        except service.LocationError as exc:
            return _location_error(exc)
        found = service.search_bbox(params, bbox=bbox, location=location)
        return Response(
            BBoxCollectionSerializer(
                {"results": found.results, "truncated": found.truncated, "location": location}
            ).data
        )
