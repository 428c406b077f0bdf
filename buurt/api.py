"""JSON API of the buurt app: address search (autocomplete, geocode, reverse)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from buurt import geocoding
from buurt.geocoding.chain import MAX_LENGTH, reverse_geocode
from maps import spatial


class CandidateSerializer(serializers.Serializer):
    lat = serializers.FloatField(help_text="Latitude, EPSG:4326 degrees.")
    lon = serializers.FloatField(help_text="Longitude, EPSG:4326 degrees.")
    label = serializers.CharField()
    precision = serializers.ChoiceField(choices=["address", "street", "postcode", "municipality"])
    score = serializers.FloatField(help_text="0 to 1; compares the candidates of one answer.")
    source = serializers.CharField(help_text="The geocoder that found it.")


ErrorSerializer = inline_serializer(
    "AddressSearchError",
    {
        "detail": serializers.CharField(),
        "suggestions": serializers.ListField(child=serializers.CharField()),
    },
)


class QueryInput(serializers.Serializer):
    # Longer text is refused by the geocoding service with a clear message, not cut here.
    q = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=20, default=8)


def _bad_request(detail: str, suggestions=()) -> Response:
    return Response(
        {"detail": detail, "suggestions": list(suggestions)}, status=status.HTTP_400_BAD_REQUEST
    )


def _input(request) -> tuple[str, int] | Response:
    data = QueryInput(data=request.query_params)
    if not data.is_valid():
        return _bad_request(_("The number of results must be between 1 and 20."))
    return data.validated_data.get("q", ""), data.validated_data["limit"]


class AddressAutocompleteApi(APIView):
    """Suggestions for an address search box, from local data only."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[QueryInput],
        responses={
            200: inline_serializer(
                "AddressAutocomplete", {"results": CandidateSerializer(many=True)}
            ),
            400: OpenApiResponse(ErrorSerializer, description="Text that cannot be searched."),
        },
        description=f"Suggestions while typing (at most {MAX_LENGTH} characters). "
        "An empty list means nothing matches yet.",
    )
    def get(self, request):
        parsed = _input(request)
        if isinstance(parsed, Response):
            return parsed
        text, limit = parsed
        try:
            candidates = geocoding.autocomplete(text, limit=limit)
        except geocoding.GeocodeInputError as exc:
            return _bad_request(str(exc))
        return Response(
            {"results": CandidateSerializer([c.as_dict() for c in candidates], many=True).data}
        )


class AddressGeocodeApi(APIView):
    """Free text -> the best places, through the configured geocoder chain."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[QueryInput],
        responses={
            200: inline_serializer("AddressGeocode", {"results": CandidateSerializer(many=True)}),
            400: OpenApiResponse(
                ErrorSerializer, description="Text that cannot be searched or was not found."
            ),
            503: OpenApiResponse(ErrorSerializer, description="A remote geocoder is down."),
        },
    )
    def get(self, request):
        parsed = _input(request)
        if isinstance(parsed, Response):
            return parsed
        text, limit = parsed
        try:
            candidates = geocoding.geocode(text, limit=limit)
        except geocoding.GeocodeInputError as exc:
            return _bad_request(str(exc))
        except geocoding.GeocoderUnavailable:
            return Response(
                {
                    "detail": _("Address search is not available now; try again later."),
                    "suggestions": [],
                },
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        if not candidates:
            suggestions = geocoding.suggestions(text)
            detail = (
                _("We could not find this address; did you mean %(suggestion)s?")
                % {"suggestion": suggestions[0]}
                if suggestions
                else _("We could not find this address.")
            )
            return _bad_request(detail, suggestions)
        return Response(
            {"results": CandidateSerializer([c.as_dict() for c in candidates], many=True).data}
        )


class ReverseInput(serializers.Serializer):
    lat = serializers.FloatField()
    lon = serializers.FloatField()


class AddressReverseApi(APIView):
    """A point -> its neighbourhood and the nearest address (within 250 m)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[ReverseInput],
        responses={
            200: inline_serializer(
                "AddressReverse",
                {
                    "neighbourhood": inline_serializer(
                        "ReverseNeighbourhood",
                        {"code": serializers.CharField(), "name": serializers.CharField()},
                        allow_null=True,
                    ),
                    "address": serializers.CharField(allow_null=True),
                    "distance_m": serializers.FloatField(allow_null=True),
                },
            ),
            400: OpenApiResponse(ErrorSerializer),
        },
    )
    def get(self, request):
        try:
            point = spatial.make_point(
                lat=request.query_params.get("lat"), lon=request.query_params.get("lon")
            )
        except spatial.SpatialInputError as exc:
            return _bad_request(str(exc))
        found = reverse_geocode(point)
        neighbourhood = found["neighbourhood"]
        return Response(
            {
                "neighbourhood": {"code": neighbourhood.code, "name": neighbourhood.name}
                if neighbourhood
                else None,
                "address": found["address"],
                "distance_m": found["distance_m"],
            }
        )
