"""JSON API of the buurt app: address search (autocomplete, geocode, reverse).

Each answer is written by the serializer the OpenAPI schema shows, so the documentation
cannot drift from the answers.
"""

import functools

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

import spatial
from buurt import geocoding
from buurt.geocoding.chain import MAX_LENGTH, clean_query, reverse_geocode


class CandidateSerializer(serializers.Serializer):
    lat = serializers.FloatField(help_text="Latitude, EPSG:4326 degrees.")
    lon = serializers.FloatField(help_text="Longitude, EPSG:4326 degrees.")
    label = serializers.CharField()
    precision = serializers.ChoiceField(choices=["address", "street", "postcode", "municipality"])
    score = serializers.FloatField(help_text="0 to 1; compares the candidates of one answer.")
    source = serializers.CharField(help_text="The geocoder that found it.")


class AddressCandidatesSerializer(serializers.Serializer):
    """The places found, best first, from Candidate.as_dict()s."""

    results = CandidateSerializer(many=True)


class AddressSearchErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    suggestions = serializers.ListField(child=serializers.CharField())


class QueryInput(serializers.Serializer):
    """The query of autocomplete and geocode, and its schema. What the text must be beyond
    this (a place's name, allowed characters) the geocoder says, in the description."""

    # Django refuses NUL characters; the pattern says so in the schema.
    q = serializers.RegexField(
        r"^[^\x00]*$", max_length=MAX_LENGTH, trim_whitespace=False, help_text="Free text."
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=20, default=8)


def _error(detail: str, suggestions=(), *, code=status.HTTP_400_BAD_REQUEST) -> Response:
    body = AddressSearchErrorSerializer({"detail": detail, "suggestions": suggestions}).data
    return Response(body, status=code)


def _candidates(candidates) -> Response:
    return Response(
        AddressCandidatesSerializer({"results": [c.as_dict() for c in candidates]}).data
    )


def _input(request) -> tuple[str, int] | Response:
    data = QueryInput(data=request.query_params)
    if data.is_valid():
        return data.validated_data["q"], data.validated_data["limit"]
    if "limit" in data.errors:
        return _error(_("The number of results must be between 1 and 20."))
    try:  # what is wrong with the text, in the geocoder's words
        clean_query(request.query_params.get("q", ""))
    except geocoding.GeocodeInputError as exc:
        return _error(str(exc))
    # Longer than MAX_LENGTH before its spaces are collapsed.
    return _error(_("An address is at most %(max)d characters long.") % {"max": MAX_LENGTH})


# Answers of text that names no place, as the descriptions list them (tests/api/
# test_schema_fuzz.py holds every 400 of a request the schema allows to these).
_TEXT_RULES = [
    "Type an address, a street or a postcode.",
    "An address has only letters, numbers, spaces and , . - / ' ( ) &.",
    f"An address is at most {MAX_LENGTH} characters long.",
]


def _rules(*more: str) -> str:
    reasons = "\n".join(f'- "{reason}"' for reason in [*_TEXT_RULES, *more])
    return f"\n\nText that cannot be searched is a 400 with one of these reasons:\n{reasons}"


def _look_up(request, find) -> Response | tuple[str, list]:
    """The query's text and what `find(text, limit=)` makes of it, or the 400 answer for text
    that cannot be searched. A geocoder that is down raises (GeocoderUnavailable)."""
    parsed = _input(request)
    if isinstance(parsed, Response):
        return parsed
    text, limit = parsed
    try:
        return text, find(text, limit=limit)
    except geocoding.GeocodeInputError as exc:
        return _error(str(exc))


class AddressAutocompleteApi(APIView):
    """Suggestions for an address search box, from local data only."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[QueryInput],
        responses={
            200: AddressCandidatesSerializer,
            400: OpenApiResponse(
                AddressSearchErrorSerializer, description="Text that cannot be searched."
            ),
        },
        description=f"Suggestions while typing (at most {MAX_LENGTH} characters). "
        "An empty list means nothing matches yet." + _rules(),
    )
    def get(self, request):
        found = _look_up(request, geocoding.autocomplete)
        if isinstance(found, Response):
            return found
        _text, candidates = found
        return _candidates(candidates)


class AddressGeocodeApi(APIView):
    """Free text -> the best places, through the configured geocoder chain."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[QueryInput],
        responses={
            200: AddressCandidatesSerializer,
            400: OpenApiResponse(
                AddressSearchErrorSerializer,
                description="Text that cannot be searched or was not found.",
            ),
            503: OpenApiResponse(
                AddressSearchErrorSerializer, description="A remote geocoder is down."
            ),
        },
        description="The best places for the text, best first."
        + _rules(
            "Add the street or the postcode to the house number.",
            "We could not find this address.",
        )
        + ' (with "did you mean …?" and `suggestions` when a street comes close)',
    )
    def get(self, request):
        try:
            # Whoever asks (a worker with a client's address): the text is not stored.
            found = _look_up(request, functools.partial(geocoding.geocode, remember=False))
        except geocoding.GeocoderUnavailable:
            return _error(
                _("Address search is not available now; try again later."),
                code=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        if isinstance(found, Response):
            return found
        text, candidates = found
        if not candidates:
            suggestions = geocoding.suggestions(text)
            detail = (
                _("We could not find this address; did you mean %(suggestion)s?")
                % {"suggestion": suggestions[0]}
                if suggestions
                else _("We could not find this address.")
            )
            return _error(detail, suggestions)
        return _candidates(candidates)


def _coordinate(name: str, limit: int, message: str) -> serializers.FloatField:
    numbers = gettext_lazy("Latitude and longitude must be numbers.")
    return serializers.FloatField(
        min_value=-limit,
        max_value=limit,
        help_text=f"{name}, EPSG:4326 degrees.",
        error_messages={
            "required": numbers,
            "invalid": numbers,
            "max_string_length": numbers,
            "overflow": numbers,
            "min_value": message,
            "max_value": message,
        },
    )


class ReverseInput(serializers.Serializer):
    """The point of a reverse search: what it parses is what the schema says."""

    lat = _coordinate("Latitude", 90, gettext_lazy("Latitude must be between -90 and 90."))
    lon = _coordinate("Longitude", 180, gettext_lazy("Longitude must be between -180 and 180."))


class ReverseNeighbourhoodSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AddressReverseSerializer(serializers.Serializer):
    """What buurt.geocoding.chain.reverse_geocode() found."""

    neighbourhood = ReverseNeighbourhoodSerializer(allow_null=True)
    address = serializers.CharField(allow_null=True)
    distance_m = serializers.FloatField(allow_null=True)


class AddressReverseApi(APIView):
    """A point -> its neighbourhood and the nearest address (within 250 m)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[ReverseInput],
        responses={
            200: AddressReverseSerializer,
            400: OpenApiResponse(AddressSearchErrorSerializer),
        },
    )
    def get(self, request):
        data = ReverseInput(data=request.query_params)
        if not data.is_valid():
            return _error(next(iter(data.errors.values()))[0])
        point = spatial.make_point(**data.validated_data)
        return Response(AddressReverseSerializer(reverse_geocode(point)).data)
