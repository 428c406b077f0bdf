"""The search API's answers: each serializer both writes its part of the answer and is what
the OpenAPI schema shows, so the documentation cannot drift from the answers.

GeoJSON per RFC 7946: [longitude, latitude] in EPSG:4326. The search results are
dataclasses of several kinds, not rows of one model, so these are plain DRF serializers
rather than drf-gis's GeoFeatureModelSerializer (which needs a model, puts `id` before
`type` and takes the id out of the properties).
"""

from __future__ import annotations

from urllib.parse import urlencode

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from maps.search import service

COORDINATE_DECIMALS = 6  # about 0.1 m
MAP_COORDINATE_DECIMALS = 5  # about 1 m: enough for a marker, and a lighter map layer


class ConstantField(serializers.Field):
    """A member that is always the same string, as GeoJSON's `type`."""

    def __init__(self, value: str, **kwargs):
        self.value = value
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, _instance) -> str:
        return self.value


class _ConstantFieldSchema(OpenApiSerializerFieldExtension):
    target_class = ConstantField

    def map_serializer_field(self, auto_schema, direction):
        # A one-value enum: OpenAPI 3.0 has no `const`. Named in ENUM_NAME_OVERRIDES.
        return {"type": "string", "enum": [self.target.value]}


class CoordinatesField(serializers.ListField):
    """[longitude, latitude] of an EPSG:4326 point, rounded to `decimals` places."""

    child = serializers.FloatField()

    def __init__(self, *, decimals: int = COORDINATE_DECIMALS, **kwargs):
        self.decimals = decimals
        kwargs.setdefault("help_text", f"[lon, lat], EPSG:4326 degrees to {decimals} decimals.")
        super().__init__(min_length=2, max_length=2, **kwargs)

    def to_representation(self, point) -> list[float]:
        return [round(point.x, self.decimals), round(point.y, self.decimals)]


class IsoDateTimeField(serializers.DateTimeField):
    """ISO 8601 with the value's own offset (UTC as the database gives it: "+00:00"), where
    DRF's field would convert to TIME_ZONE and write "Z"."""

    def to_representation(self, value) -> str | None:
        return value.isoformat() if value else None


class AbsoluteUrlField(serializers.URLField):
    """A path on this site, answered as an absolute URL for the request's host."""

    def to_representation(self, value: str) -> str:
        return self.context["request"].build_absolute_uri(value)


# --- GeoJSON ---------------------------------------------------------------------------------


class PointSerializer(serializers.Serializer):
    """A GeoJSON Point geometry from an EPSG:4326 GEOS point."""

    type = ConstantField("Point")
    coordinates = CoordinatesField(source="*")


class MapPointSerializer(PointSerializer):
    coordinates = CoordinatesField(source="*", decimals=MAP_COORDINATE_DECIMALS)


class FlagSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class SearchPropertiesSerializer(serializers.Serializer):
    """A search result's properties: all the search page shows of it."""

    kind = serializers.CharField()
    kind_label = serializers.CharField()
    # The kind-qualified key again, not the row's number: numbers repeat across kinds
    # (organisation 3, help offer 3), and GDAL reads a property "id" as the feature id.
    id = serializers.CharField(
        source="key",
        help_text='The feature\'s id: its kind and number ("organisations-3"), unique in the '
        "collection.",
    )
    title = serializers.CharField()
    url = AbsoluteUrlField(help_text="The detail page.")
    distance_m = serializers.IntegerField(
        allow_null=True, help_text="Metres from the searched place (rounded up when approximate)."
    )
    walking_minutes = serializers.IntegerField(allow_null=True)
    approximate = serializers.BooleanField(
        help_text="A private location: point coarsened, distance rounded up."
    )
    category = serializers.CharField()
    category_label = serializers.CharField()
    next_occurrence = IsoDateTimeField(allow_null=True)
    schedule_summary = serializers.CharField(
        help_text='How a repeating activity repeats, in the asked language ("every Tuesday at '
        '19:30"); empty for a one-off activity and other kinds.'
    )
    when = serializers.CharField(
        source="when_text", help_text="Opening hours or schedule, as written."
    )
    cost = serializers.CharField()
    cost_label = serializers.CharField()
    flags = FlagSerializer(many=True)
    address = serializers.CharField()
    phone = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    possibly_outdated = serializers.BooleanField(
        help_text="Nobody confirmed the listing for LISTING_OUTDATED_MONTHS (12 by default): "
        "it may be out of date, phone first. The search page says the same."
    )


def _feature(result, decimals: int, properties: dict) -> dict:
    """A GeoJSON Feature of a SearchResult, as the feature serializers' fields write it."""
    point = result.point
    return {
        "type": "Feature",
        "id": result.key,
        "geometry": {
            "type": "Point",
            "coordinates": [round(point.x, decimals), round(point.y, decimals)],
        },
        "properties": properties,
    }


class SearchFeatureSerializer(serializers.Serializer):
    """A search result (buurt.search.registry.SearchResult) as a GeoJSON Feature.

    The fields are the schema; `to_representation` writes the same dictionary directly. DRF's
    generic path walks ~40 field objects per feature (get_attribute, to_representation, the
    nested serializers): for a page of 25 that was about a third of the API's Python time,
    ~2.5 ms of a call. tests/api/test_search.py compares both on every kind of result, so the
    schema and the answers cannot drift apart."""

    type = ConstantField("Feature")
    id = serializers.CharField(source="key", help_text='Kind and number: "organisations-3".')
    geometry = PointSerializer(source="point")
    properties = SearchPropertiesSerializer(source="*")

    def to_representation(self, result) -> dict:
        key, next_occurrence, distance = result.key, result.next_occurrence, result.distance_m
        return _feature(
            result,
            COORDINATE_DECIMALS,
            {
                "kind": str(result.kind),
                "kind_label": str(result.kind_label),
                "id": key,
                "title": str(result.title),
                "url": self.context["request"].build_absolute_uri(result.url),
                "distance_m": None if distance is None else int(distance),
                "walking_minutes": result.walking_minutes,
                "approximate": bool(result.approximate),
                "category": str(result.category),
                "category_label": str(result.category_label),
                "next_occurrence": next_occurrence.isoformat() if next_occurrence else None,
                "schedule_summary": str(result.schedule_summary),
                "when": str(result.when_text),
                "cost": str(result.cost),
                "cost_label": str(result.cost_label),
                "flags": [{"code": str(f.code), "label": str(f.label)} for f in result.flags],
                "address": str(result.address),
                "phone": str(result.phone),
                "languages": [str(language) for language in result.languages],
                "possibly_outdated": bool(result.possibly_outdated),
            },
        )


class MapPropertiesSerializer(serializers.Serializer):
    """What a marker and its popup need: the kind is the start of the id, and the map has
    the categories' names already."""

    title = serializers.CharField()
    url = serializers.CharField(help_text="Path of the detail page on this site.")
    category = serializers.CharField()
    distance_m = serializers.IntegerField(allow_null=True)
    distance_text = serializers.CharField(
        read_only=True, help_text='"650 m, ±9 min walk"; empty without place.'
    )


class MapFeatureSerializer(serializers.Serializer):
    """A lean GeoJSON Feature of a search result for the map layer. As SearchFeatureSerializer,
    the fields are the schema and `to_representation` writes the same directly (up to 1,000
    features an answer)."""

    type = ConstantField("Feature")
    id = serializers.CharField(source="key")
    geometry = MapPointSerializer(source="point")
    properties = MapPropertiesSerializer(source="*")

    def to_representation(self, result) -> dict:
        distance = result.distance_m
        return _feature(
            result,
            MAP_COORDINATE_DECIMALS,
            {
                "title": str(result.title),
                "url": str(result.url),
                "category": str(result.category),
                "distance_m": None if distance is None else int(distance),
                "distance_text": str(result.distance_text),
            },
        )


class LocationSerializer(serializers.Serializer):
    """The searched place (maps.search.service.Location)."""

    label = serializers.CharField()
    precision = serializers.ChoiceField(
        choices=["address", "street", "postcode", "municipality", "point"],
        help_text="How precisely the searched place is known.",
    )
    coordinates = CoordinatesField(source="point")


class PageLinkField(serializers.URLField):
    """The absolute URL of the next (`step` 1) or previous (-1) page of a SearchPage, or null
    past the last or before the first (a page past the last still links to the one before)."""

    def __init__(self, *, step: int, **kwargs):
        self.step = step
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, page: service.SearchPage) -> str | None:
        return _page_link(page, self.step, self.context["request"])


def _page_link(page: service.SearchPage, step: int, request) -> str | None:
    number = page.params.page + step
    if number > page.pages if step > 0 else number < 1:
        return None
    query = urlencode(page.params.query_items(page=number))
    return request.build_absolute_uri(f"{request.path}?{query}")


class SearchCollectionSerializer(serializers.Serializer):
    """A page of results (maps.search.service.SearchPage) as a GeoJSON FeatureCollection.
    Needs the request in its context (absolute URLs)."""

    type = ConstantField("FeatureCollection")
    features = SearchFeatureSerializer(many=True, source="results")
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
    count_is_estimate = serializers.BooleanField(
        help_text='The count is an estimate ("about"): with more than '
        f"{service.COUNT_SAMPLE} places of a kind in the radius, it is extrapolated from the "
        f"nearest {service.COUNT_SAMPLE}. Pages then list up to the nearest "
        f"{service.MAX_COUNTED} results whatever the estimate."
    )
    page = serializers.IntegerField(source="params.page")
    pages = serializers.IntegerField(help_text="Pages of the results listed.")
    next = PageLinkField(step=1)
    previous = PageLinkField(step=-1)
    radius_m = serializers.IntegerField(source="params.radius_m")
    location = LocationSerializer()

    def to_representation(self, page: service.SearchPage) -> dict:
        # As SearchFeatureSerializer: the same dictionary as the fields above, written
        # directly (binding this serializer's fields deep-copies every one of them per call).
        request = self.context["request"]
        features = SearchFeatureSerializer(context=self.context)
        location = page.location
        return {
            "type": "FeatureCollection",
            "features": [features.to_representation(result) for result in page.results],
            "count": int(page.count),
            "count_is_lower_bound": bool(page.count_is_lower_bound),
            "count_is_estimate": bool(page.count_is_estimate),
            "page": int(page.params.page),
            "pages": int(page.pages),
            "next": _page_link(page, 1, request),
            "previous": _page_link(page, -1, request),
            "radius_m": int(page.params.radius_m),
            "location": {
                "label": str(location.label),
                "precision": str(location.precision),
                "coordinates": [
                    round(location.point.x, COORDINATE_DECIMALS),
                    round(location.point.y, COORDINATE_DECIMALS),
                ],
            },
        }


class BBoxCollectionSerializer(serializers.Serializer):
    """The results in a map's box as a GeoJSON FeatureCollection, from a mapping of the
    `results` and `truncated` of maps.search.service.BBoxResults and the searched
    `location` (None without one)."""

    type = ConstantField("FeatureCollection")
    features = MapFeatureSerializer(many=True, source="results")
    truncated = serializers.BooleanField(help_text="More results than returned: zoom in.")
    location = LocationSerializer(allow_null=True)


# --- errors ----------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """A 400 or 503: the reason, and the reasons per parameter."""

    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="The reasons per parameter; absent when the query string itself is refused "
        "(too many parameters).",
    )
    suggestions = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Addresses that come close, for an address not found.",
    )


class NotFoundSerializer(serializers.Serializer):
    """DRF's own 404 (an unknown `format`), for the schema."""

    detail = serializers.CharField()
