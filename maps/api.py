"""JSON API of the search: results near a place, and the same results in a map's box.

Both answer GeoJSON (RFC 7946: longitude before latitude, EPSG:4326) with the same parameters
as the search page (maps.search.params). Bad input is a 400 with the reason per parameter,
never a 500; every query is bounded by a radius or a box.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import TooManyFieldsSent
from django.db import DatabaseError
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

import spatial
from buurt.geocoding.chain import MAX_LENGTH as ADDRESS_MAX_LENGTH
from maps.search import service
from maps.search.params import (
    CUSTOM_RADIUS,
    DEFAULT_PAGE_SIZE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MAX_PERIOD_DAYS,
    MAX_RADIUS_M,
    MAX_VALUES,
    SearchForm,
    SearchParams,
    SearchParamsError,
    StrictBooleanField,
    parse_search,
)
from maps.search.registry import SearchResult

COORDINATE_DECIMALS = 6  # about 0.1 m


class GeoJSONRenderer(JSONRenderer):
    """JSON as application/geo+json, the media type RFC 7946 registers."""

    media_type = "application/geo+json"
    format = "geojson"


def feature(result: SearchResult, request) -> dict:
    """A GeoJSON Feature of a search result (RFC 7946: [longitude, latitude])."""
    return {
        "type": "Feature",
        "id": result.key,
        "geometry": {
            "type": "Point",
            "coordinates": [
                round(result.point.x, COORDINATE_DECIMALS),
                round(result.point.y, COORDINATE_DECIMALS),
            ],
        },
        "properties": {
            "kind": result.kind,
            "kind_label": result.kind_label,
            # The kind-qualified key again, not the row's number: numbers repeat across kinds
            # (organisation 3, help offer 3), and GDAL reads a property "id" as the feature id.
            "id": result.key,
            "title": result.title,
            "url": request.build_absolute_uri(result.url),
            "distance_m": result.distance_m,
            "walking_minutes": result.walking_minutes,
            "approximate": result.approximate,
            "category": result.category,
            "category_label": result.category_label,
            "next_occurrence": result.next_occurrence.isoformat()
            if result.next_occurrence
            else None,
            "when": result.when_text,
            "cost": result.cost,
            "cost_label": result.cost_label,
            "flags": [{"code": f.code, "label": f.label} for f in result.flags],
            "address": result.address,
            "phone": result.phone,
            "languages": list(result.languages),
        },
    }


def map_feature(result: SearchResult) -> dict:
    """A lean GeoJSON Feature for the map layer: what a marker and its popup need, with the
    detail page as a path on this site and coordinates to 5 decimals (about 1 m). The kind is
    the start of the id; the map has the categories' names already."""
    from maps.templatetags.search_tags import distance_text, walking_text

    distance = (
        f"{distance_text(result.distance_m)}, {walking_text(result.walking_minutes)}"
        if result.distance_m is not None
        else ""
    )
    return {
        "type": "Feature",
        "id": result.key,
        "geometry": {
            "type": "Point",
            "coordinates": [round(result.point.x, 5), round(result.point.y, 5)],
        },
        "properties": {
            "title": result.title,
            "url": result.url,
            "category": result.category,
            "distance_m": result.distance_m,
            "distance_text": distance,
        },
    }


def _location(location: service.Location) -> dict:
    return {
        "label": location.label,
        "precision": location.precision,
        "coordinates": [
            round(location.point.x, COORDINATE_DECIMALS),
            round(location.point.y, COORDINATE_DECIMALS),
        ],
    }


def _error(detail: str, errors: dict | None = None, *, code=status.HTTP_400_BAD_REQUEST, **more):
    return Response({"detail": detail, "errors": errors or {}, **more}, status=code)


def _params_error(exc: SearchParamsError) -> Response:
    return _error(" ".join(exc.messages), exc.errors)


def _location_error(exc: service.LocationError) -> Response:
    code = status.HTTP_503_SERVICE_UNAVAILABLE if exc.unavailable else status.HTTP_400_BAD_REQUEST
    return _error(exc.message, {"address": [exc.message]}, code=code, suggestions=exc.suggestions)


class _SearchSchema(AutoSchema):
    """The parameters are built when the schema is, from the view's schema_parameters():
    SearchForm's choices include rows (the languages)."""

    def get_override_parameters(self):
        return [*super().get_override_parameters(), *self.view.schema_parameters()]


class _SearchApiView(APIView):
    permission_classes = [AllowAny]
    renderer_classes = [GeoJSONRenderer, *api_settings.DEFAULT_RENDERER_CLASSES]
    schema = _SearchSchema()
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


# --- documentation ---------------------------------------------------------------------------


# What SearchForm's clean() parses itself, in the same constants as its checks: lat/lon
# inside spatial.BENELUX, a radius of 1 m to MAX_RADIUS_M (or "custom" with radius_km), dates
# of the years FIRST_YEAR (2000) to LAST_YEAR (2100) as a pattern, since OpenAPI 3.0 has no
# minimum for a date (tests/api/test_schema_fuzz.py checks the pattern against the years).
_DATE_PATTERN = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
_PARSED = {
    "lat": {"type": "number", "minimum": spatial.BENELUX.south, "maximum": spatial.BENELUX.north},
    "lon": {"type": "number", "minimum": spatial.BENELUX.west, "maximum": spatial.BENELUX.east},
    "radius": {
        "anyOf": [
            {"type": "number", "minimum": 1, "maximum": MAX_RADIUS_M},
            {"type": "string", "enum": [CUSTOM_RADIUS]},
        ]
    },
    # At least a metre once rounded.
    "radius_km": {"type": "number", "minimum": 0.001, "maximum": MAX_RADIUS_M / 1000},
    "date_from": {"type": "string", "format": "date", "pattern": _DATE_PATTERN},
    "date_to": {"type": "string", "format": "date", "pattern": _DATE_PATTERN},
}
# Django's CharField refuses NUL characters (ProhibitNullCharactersValidator).
NO_NUL = r"^[^\x00]*$"


def field_schema(name: str, field) -> dict:
    """The JSON schema of one SearchForm field: what its own validation accepts, read from
    the field (its type, limits and choices, evaluated now: the languages are rows)."""
    if name in _PARSED:
        return _PARSED[name]
    if isinstance(field, StrictBooleanField):
        return {"type": "boolean"}  # true/false; 1/0, on/off, yes/no are accepted too
    if isinstance(field, forms.MultipleChoiceField):
        try:
            values = [str(value) for value, _label in field.choices if value != ""]
        except DatabaseError:  # no tables yet: `check --deploy` builds the schema before migrate
            values = []
        # Each value at most once is all a search needs (a repeated value counts once).
        items = {"type": "string", "enum": values} if values else {"type": "string"}
        return {"type": "array", "items": items, "maxItems": len(values)}
    if isinstance(field, forms.ChoiceField):
        return {"type": "string", "enum": [str(v) for v, _label in field.choices if v != ""]}
    if isinstance(field, forms.IntegerField):
        return {"type": "integer", "minimum": field.min_value, "maximum": field.max_value}
    if isinstance(field, forms.CharField):
        schema = {"type": "string", "pattern": NO_NUL}
        if field.max_length:
            schema["maxLength"] = field.max_length
        return schema
    raise TypeError(f"No schema for SearchForm.{name} ({type(field).__name__}).")


_DESCRIPTIONS = {
    "address": "Free text, geocoded through the address search. Wins over lat/lon.",
    "lat": "Latitude in EPSG:4326 degrees (with lon), within Belgium or the Netherlands.",
    "lon": "Longitude in EPSG:4326 degrees (with lat).",
    "radius": "Metres, 1 to 10000 (presets: 400, 800, 1200, 2400 = 5, 10, 15, 30 minutes "
    "on foot), or 'custom' with radius_km. Default 800.",
    "radius_km": "Kilometres, with radius=custom (the search page's own field); used "
    "without radius too.",
    "kind": "Kinds of results (any of). Default: all.",
    "category": "Categories (any of).",
    "when": "For results with dates; associations ignore it.",
    "date_from": "ISO date; with when=dates (implied when given).",
    "date_to": "ISO date, at most 366 days after date_from (default: date_from).",
    "reduced_rate": "Free, pay what you can, or a reduced rate (UiTPAS, kansentarief).",
    "access": "Accessibility features (all of).",
    "language": "ISO 639 codes of languages spoken (any of).",
    "no_dutch": "A language other than Dutch is spoken.",
    "come_alone": "A welcome person waits for newcomers.",
    "age": "Age group.",
    "model": "Network-strengthening models (any of).",
    "page": f"Page number, 1 to {MAX_PAGE}.",
    "page_size": f"Results per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
}
# Examples that find something in Gent, for the docs page (and a fuzzer's example phase).
_EXAMPLES = {"lat": 51.0543, "lon": 3.7196, "radius": 800}


def search_parameters(*, include_paging: bool) -> list[OpenApiParameter]:
    """The search parameters for the OpenAPI schema, from SearchForm's fields as they are now
    (its languages are rows: the schema is built per request of /api/schema/)."""
    skip = {"show_address"} | (set() if include_paging else {"page", "page_size"})
    form = SearchForm()  # a form's fields are copies, whose callable choices are evaluated
    return [
        OpenApiParameter(
            name,
            field_schema(name, field),
            OpenApiParameter.QUERY,
            description=_DESCRIPTIONS.get(name, ""),
            explode=True if isinstance(field, forms.MultipleChoiceField) else None,
            examples=[OpenApiExample(name, value=_EXAMPLES[name])] if name in _EXAMPLES else None,
        )
        for name, field in form.fields.items()
        if name not in skip
    ]


# What no parameter's schema can state (rules between parameters, an address that names no
# place), each a 400 with its reason, as (when, reason) in the operations' descriptions.
# tests/api/test_schema_fuzz.py holds every 400 of a request the schema allows to these.
_NO_LOCATION = ("neither `address` nor `lat`/`lon`", "Type an address, or use your location.")
_SEARCH_RULES = [
    ("only one of `lat` and `lon`", "Give both lat and lon."),
    ("`radius=custom` without `radius_km`", "Fill in the distance in km."),
    ("`when=dates` without `date_from`", "Fill in the first date."),
    ("dates with another `when`", "Choose 'between two dates' to search by dates."),
    ("`date_to` before `date_from`", "The second date comes before the first."),
    ("a longer period", f"Choose at most {MAX_PERIOD_DAYS} days."),
    ("more values in all", f"A search has at most {MAX_VALUES} parameters."),
    ("an `address` without a place", "Type an address, a street or a postcode."),
    ("a house number alone", "Add the street or the postcode to the house number."),
    ("other characters", "An address has only letters, numbers, spaces and , . - / ' ( ) &."),
    ("a longer address", f"An address is at most {ADDRESS_MAX_LENGTH} characters long."),
    ("an address not found", "We could not find this address."),
]
_BBOX_RULES = [
    ("south or north outside -90 to 90", "Latitude must be between -90 and 90."),
    (
        "west >= east or south >= north",
        "A bounding box is west,south,east,north with west < east and south < north.",
    ),
    (
        "a larger box",
        "The bounding box is too large: at most "
        f"{spatial.MAX_BBOX_DIAGONAL_M // 1000:g} km from corner to corner.",
    ),
]


def _rules(rules) -> str:
    lines = "\n".join(f'- {when}: "{reason}"' for when, reason in rules)
    return (
        "\n\nBeyond what each parameter's schema states, a 400 gives one of these reasons (an "
        f"address not found also has `suggestions`):\n{lines}"
    )


class _FlagSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class _PointSerializer(serializers.Serializer):
    type = serializers.CharField(help_text='"Point"')
    coordinates = serializers.ListField(
        child=serializers.FloatField(), min_length=2, max_length=2, help_text="[lon, lat]"
    )


class _PropertiesSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    id = serializers.CharField(
        help_text='The feature\'s id: its kind and number ("organisations-3"), unique in the '
        "collection."
    )
    title = serializers.CharField()
    url = serializers.URLField(help_text="The detail page.")
    distance_m = serializers.IntegerField(
        allow_null=True, help_text="Metres from the searched place (rounded up when approximate)."
    )
    walking_minutes = serializers.IntegerField(allow_null=True)
    approximate = serializers.BooleanField(
        help_text="A private location: point coarsened, distance rounded up."
    )
    category = serializers.CharField()
    category_label = serializers.CharField()
    next_occurrence = serializers.DateTimeField(allow_null=True)
    when = serializers.CharField(help_text="Opening hours or schedule, as written.")
    cost = serializers.CharField()
    cost_label = serializers.CharField()
    flags = _FlagSerializer(many=True)
    address = serializers.CharField()
    phone = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())


class _FeatureSerializer(serializers.Serializer):
    type = serializers.CharField(help_text='"Feature"')
    id = serializers.CharField(help_text='Kind and number: "organisations-3".')
    geometry = _PointSerializer()
    properties = _PropertiesSerializer()


class _LocationSerializer(serializers.Serializer):
    label = serializers.CharField()
    precision = serializers.ChoiceField(
        choices=["address", "street", "postcode", "municipality", "point"],
        help_text="How precisely the searched place is known.",
    )
    coordinates = serializers.ListField(child=serializers.FloatField(), help_text="[lon, lat]")


class _SearchCollectionSerializer(serializers.Serializer):
    type = serializers.CharField(help_text='"FeatureCollection"')
    features = _FeatureSerializer(many=True)
    count = serializers.IntegerField(
        help_text="Results in all pages: every match, or, when count_is_lower_bound is true, "
        "the matches counted (the nearest)."
    )
    count_is_lower_bound = serializers.BooleanField(
        help_text="Counting stopped, so more may match further away: it stops after "
        f"{service.MAX_COUNTED} matches of a kind, and looks at no more than the nearest "
        f"{service.MAX_COUNTED} places of each kind in the radius (those that pass the filters "
        "are counted). Only the results counted are listed (pages past them are empty)."
    )
    page = serializers.IntegerField()
    pages = serializers.IntegerField(help_text="Pages of the results listed.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    radius_m = serializers.IntegerField()
    location = _LocationSerializer()


class _MapPropertiesSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField(help_text="Path of the detail page on this site.")
    category = serializers.CharField()
    distance_m = serializers.IntegerField(allow_null=True)
    distance_text = serializers.CharField(help_text='"650 m, ±9 min walk"; empty without place.')


class _MapFeatureSerializer(serializers.Serializer):
    type = serializers.CharField(help_text='"Feature"')
    id = serializers.CharField()
    geometry = _PointSerializer()
    properties = _MapPropertiesSerializer()


class _BBoxCollectionSerializer(serializers.Serializer):
    type = serializers.CharField(help_text='"FeatureCollection"')
    features = _MapFeatureSerializer(many=True)
    truncated = serializers.BooleanField(help_text="More results than returned: zoom in.")
    location = _LocationSerializer(allow_null=True)


class _ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    suggestions = serializers.ListField(child=serializers.CharField(), required=False)


class _NotFoundSerializer(serializers.Serializer):
    detail = serializers.CharField()


ERRORS = {
    400: OpenApiResponse(
        _ErrorSerializer,
        description="A rule between parameters (see the description), or an address that "
        "cannot be used; see errors.",
    ),
    404: OpenApiResponse(_NotFoundSerializer, description="An unknown `format`."),
    503: OpenApiResponse(_ErrorSerializer, description="Address search is down; use lat/lon."),
}


# --- views -----------------------------------------------------------------------------------


class SearchApi(_SearchApiView):
    """What is near a place: results of every kind within the radius, nearest first."""

    def schema_parameters(self):
        return search_parameters(include_paging=True)

    @extend_schema(
        operation_id="search",
        responses={200: _SearchCollectionSerializer, **ERRORS},
        description="Give `address`, or `lat` and `lon`. GeoJSON (RFC 7946) features, nearest "
        "first, each with its distance; paginated with `page`/`page_size` and `next` links."
        + _rules([_NO_LOCATION, *_SEARCH_RULES]),
    )
    def get(self, request):
        try:
            params = self.parse(request)
            location = service.search_location(params)
        except SearchParamsError as exc:
            return _params_error(exc)
        except service.LocationError as exc:
            return _location_error(exc)
        page = service.search(params, location=location, suggestions=False)

        def link(number):
            query = urlencode(params.query_items(page=number))
            return request.build_absolute_uri(f"{request.path}?{query}")

        return Response(
            {
                "type": "FeatureCollection",
                "features": [feature(r, request) for r in page.results],
                "count": page.count,
                "count_is_lower_bound": page.count_is_lower_bound,
                "page": params.page,
                "pages": page.pages,
                "next": link(params.page + 1) if params.page < page.pages else None,
                "previous": link(params.page - 1) if params.page > 1 else None,
                "radius_m": params.radius_m,
                "location": _location(location),
            }
        )


class SearchBBoxApi(_SearchApiView):
    """The search's results inside a map's visible box, for the map layer."""

    extra_parameters = ("bbox",)

    def schema_parameters(self):
        bbox = {
            "type": "array",
            "items": {"type": "number", "minimum": -180, "maximum": 180},
            "minItems": 4,
            "maxItems": 4,
        }
        return [
            OpenApiParameter(
                "bbox",
                bbox,
                OpenApiParameter.QUERY,
                required=True,
                style="form",
                explode=False,
                description="west,south,east,north in EPSG:4326 degrees; at most "
                f"{spatial.MAX_BBOX_DIAGONAL_M // 1000} km corner to corner.",
                examples=[OpenApiExample("Gent", value=[3.70, 51.04, 3.74, 51.07])],
            ),
            *search_parameters(include_paging=False),
        ]

    @extend_schema(
        operation_id="search_bbox",
        responses={200: _BBoxCollectionSerializer, **ERRORS},
        description="With `address` or `lat`/`lon`, only results within the radius, nearest "
        f"first; without, all results in the box. At most {service.MAX_BBOX_FEATURES} features."
        + _rules([*_BBOX_RULES, *_SEARCH_RULES]),
    )
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
            {
                "type": "FeatureCollection",
                "features": [map_feature(r) for r in found.results],
                "truncated": found.truncated,
                "location": _location(location) if location else None,
            }
        )
