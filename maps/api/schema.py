"""The search API's OpenAPI parameters, read from SearchForm's fields when the schema is
built, and the rules between parameters that no parameter's schema can state."""

from __future__ import annotations

from django import forms
from django.db import DatabaseError
from django.utils import translation
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

import spatial
from buurt.geocoding.chain import MAX_LENGTH as ADDRESS_MAX_LENGTH
from buurt.search.params import DEFAULT_PAGE_SIZE, MAX_RADIUS_M
from buurt.search.registry import sources
from maps.search.forms import (
    CUSTOM_RADIUS,
    FILTER_LABELS,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MAX_PERIOD_DAYS,
    MAX_VALUES,
    SearchForm,
    StrictBooleanField,
    not_applied_filters,
)

from .serializers import ErrorSerializer, NotFoundSerializer


class SearchSchema(AutoSchema):
    """The parameters are built when the schema is, from the view's schema_parameters():
    SearchForm's choices include rows (the languages). So is the description: the view's
    `schema_description` and which filters each registered kind of result ignores."""

    def get_override_parameters(self):
        return [*super().get_override_parameters(), *self.view.schema_parameters()]

    def get_description(self):
        return self.view.schema_description + filters_text()


# What SearchForm's clean() parses itself, in the same constants as its checks: lat/lon
# inside spatial.BENELUX, a radius of 1 m to MAX_RADIUS_M (or "custom" with radius_km), dates
# of the years FIRST_YEAR (2000) to LAST_YEAR (2100) as a pattern, since OpenAPI 3.0 has no
# minimum for a date (tests/api/test_schema_fuzz.py checks the pattern against the years).
DATE_PATTERN = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
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
    "date_from": {"type": "string", "format": "date", "pattern": DATE_PATTERN},
    "date_to": {"type": "string", "format": "date", "pattern": DATE_PATTERN},
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
    "when": "For results with dates.",
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
            description=_DESCRIPTIONS.get(name, "") + _not_applied(name),
            explode=True if isinstance(field, forms.MultipleChoiceField) else None,
            examples=[OpenApiExample(name, value=_EXAMPLES[name])] if name in _EXAMPLES else None,
        )
        for name, field in form.fields.items()
        if name not in skip
    ]


def _kinds_ignoring(name: str) -> list[str]:
    """The kinds of results (registered search sources) that a filter parameter does not
    narrow: they have nothing to match it on (SearchSource.filters)."""
    if name not in FILTER_LABELS or name == "kind":
        return []
    return [source.key for source in sources() if name not in source.filters]


def _not_applied(name: str) -> str:
    kinds = _kinds_ignoring(name)
    return f" Does not narrow: {', '.join(f'`{k}`' for k in kinds)}." if kinds else ""


def filters_text() -> str:
    """Which filters each kind of result ignores, and why, for the operations' descriptions
    (from the registered sources, when the schema is built)."""
    lines = []
    for source, ignored in not_applied_filters():
        names = ", ".join(f"`{name}`" for name in ignored)
        with translation.override("en"):  # the schema is in English
            note = str(source.unfiltered_note)
        lines.append(f"- `{source.key}`: {names}. {note}")
    if not lines:
        return ""
    return (
        "\n\nFilters a kind of result has nothing to match on do not narrow it (its results "
        "pass them, and the search page says so):\n" + "\n".join(lines)
    )


def bbox_parameter() -> OpenApiParameter:
    return OpenApiParameter(
        "bbox",
        {
            "type": "array",
            "items": {"type": "number", "minimum": -180, "maximum": 180},
            "minItems": 4,
            "maxItems": 4,
        },
        OpenApiParameter.QUERY,
        required=True,
        style="form",
        explode=False,
        description="west,south,east,north in EPSG:4326 degrees; at most "
        f"{spatial.MAX_BBOX_DIAGONAL_M // 1000} km corner to corner.",
        examples=[OpenApiExample("Gent", value=[3.70, 51.04, 3.74, 51.07])],
    )


# What no parameter's schema can state (rules between parameters, an address that names no
# place), each a 400 with its reason, as (when, reason) in the operations' descriptions.
# tests/api/test_schema_fuzz.py holds every 400 of a request the schema allows to these.
NO_LOCATION = ("neither `address` nor `lat`/`lon`", "Type an address, or use your location.")
SEARCH_RULES = [
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
BBOX_RULES = [
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


def rules_text(rules) -> str:
    lines = "\n".join(f'- {when}: "{reason}"' for when, reason in rules)
    return (
        "\n\nBeyond what each parameter's schema states, a 400 gives one of these reasons (an "
        f"address not found also has `suggestions`):\n{lines}"
    )


ERRORS = {
    400: OpenApiResponse(
        ErrorSerializer,
        description="A rule between parameters (see the description), or an address that "
        "cannot be used; see errors.",
    ),
    404: OpenApiResponse(NotFoundSerializer, description="An unknown `format`."),
    503: OpenApiResponse(ErrorSerializer, description="Address search is down; use lat/lon."),
}
