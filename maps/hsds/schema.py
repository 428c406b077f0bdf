"""The HSDS endpoints in our OpenAPI document (drf-spectacular): the parameters with their
bounds, the paginated envelope, and a pointer to the official schema each item follows (the
specification's JSON Schema 2020-12 files are not OpenAPI 3.0 schemas: they are named, not
inlined; tests/api/test_hsds.py validates every answer against them)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from maps.api.serializers import ErrorSerializer, NotFoundSerializer
from spatial import MAX_RADIUS_M

from .params import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, MAX_SEARCH

SPEC = "https://github.com/openreferral/specification/blob/3.0/schema/"
TAG = ["HSDS 3.0"]


def item(name: str) -> dict:
    return {
        "type": "object",
        "description": f"An HSDS 3.0 object as {SPEC}{name} describes it.",
    }


def page(name: str) -> dict:
    """The paginated envelope of openapi.json's Page, with `contents` of `name` items."""
    return {
        "type": "object",
        "required": [
            "total_items",
            "total_pages",
            "page_number",
            "size",
            "first_page",
            "last_page",
            "empty",
            "contents",
        ],
        "properties": {
            "total_items": {"type": "integer", "minimum": 0},
            "total_pages": {"type": "integer", "minimum": 0},
            "page_number": {"type": "integer", "minimum": 1},
            "size": {"type": "integer", "minimum": 0, "maximum": MAX_PER_PAGE},
            "first_page": {"type": "boolean"},
            "last_page": {"type": "boolean"},
            "empty": {"type": "boolean"},
            "contents": {"type": "array", "items": item(name)},
        },
    }


def list_responses(name: str) -> dict:
    return {
        (200, "application/json"): OpenApiResponse(page(name), description="One page."),
        (200, "application/x-ndjson"): OpenApiResponse(
            item(name),
            description="With format=ndjson: every item, one JSON object per line, no pages.",
        ),
        (400, "application/json"): OpenApiResponse(
            ErrorSerializer, description="A parameter that cannot be used; see errors."
        ),
    }


def detail_responses(name: str, *, bad_parameters: bool = False) -> dict:
    responses = {
        200: OpenApiResponse(item(name)),
        404: OpenApiResponse(NotFoundSerializer, description="No public object with this id."),
    }
    if bad_parameters:
        responses[400] = OpenApiResponse(ErrorSerializer, description="See errors.")
    return responses


def _query(name: str, schema: dict, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, schema, OpenApiParameter.QUERY, description=description)


UUID = {"type": "string", "format": "uuid"}
PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "Page number."),
    _query(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        f"Items per page (default {DEFAULT_PER_PAGE}).",
    ),
    _query(
        "format",
        {"type": "string", "enum": ["json", "ndjson"]},
        "json (pages, the default) or ndjson (every item, one per line, streamed).",
    ),
]
SEARCH = _query(
    "search", {"type": "string", "maxLength": MAX_SEARCH}, "Words in the name or description."
)
TAXONOMY_ID = _query("taxonomy_id", UUID, "Items with any term of this taxonomy.")
FILTERS = [
    SEARCH,
    _query("taxonomy_term_id", UUID, "Items with this term (see /taxonomy_terms)."),
    TAXONOMY_ID,
    _query("organization_id", UUID, "Services of this organization."),
    _query(
        "modified_after",
        {"type": "string"},
        "Changed on or after this ISO 8601 date and time (2026-01-31T12:00:00Z; without an "
        "offset, Brussels time) or date.",
    ),
]
PLACES = [
    _query(
        "postcode",
        {"type": "string", "maxLength": 10},
        "Services at a location with this postcode; with proximity, measured from its centre.",
    ),
    _query(
        "proximity",
        {"type": "number", "minimum": 1, "maximum": MAX_RADIUS_M},
        "Metres from the centre of `postcode` (required with it), nearest first.",
    ),
]
FULL_SERVICE = _query("full_service", {"type": "boolean"}, "Services with all their related data.")
TERMS = [
    _query("top_only", {"type": "boolean"}, "Terms without a parent: all of ours."),
    _query("parent_id", UUID, "Terms under this parent: none of ours has one."),
]
