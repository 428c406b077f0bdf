"""The search form: one parser of search parameters for the search page, the print view and
the API, so that a URL means the same everywhere and bad input gets the same clear answer.

`parse_search(querydict)` returns a `SearchParams` (buurt.search.params) or raises
`SearchParamsError` with one translated message per parameter. It reads no address and runs
no search: the location is resolved afterwards (maps.search.service.search_location), so that
parsing stays cheap.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

import spatial
from buurt.models import Language, NetworkModel
from buurt.search.params import (
    DEFAULT_PAGE_SIZE,
    DEFAULT_RADIUS_M,
    MAX_RADIUS_M,
    MULTI_VALUED,
    WALKING_PRESETS,
    Access,
    AgeGroup,
    SearchParams,
    When,
)
from buurt.search.registry import SearchSource, category_choices, kind_choices, sources

CUSTOM_RADIUS = "custom"

# A whole search needs a few dozen values; anything beyond is a mistake or an attack.
MAX_VALUES = 100
MAX_PAGE = 200
MAX_PAGE_SIZE = 100
MAX_PERIOD_DAYS = 366
# Dates people could mean: the parser refuses years that only overflow date arithmetic.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _language_choices():
    # Called only when a language value must be checked or the form is shown.
    return [(code, name) for code, name in Language.objects.values_list("code", "name_local")]


class StrictBooleanField(forms.Field):
    """A yes/no parameter: 1/true/on/yes or 0/false/off/no or empty. Anything else is an
    error, so that a typo does not silently count as "yes" (as a checkbox would)."""

    TRUE = {"1", "true", "on", "yes"}
    FALSE = {"", "0", "false", "off", "no"}
    default_error_messages = {"invalid": _("Use 1 for yes or 0 for no.")}

    def to_python(self, value):
        text = str(value or "").strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class SearchForm(forms.Form):
    """Every search parameter and its rule. The page renders its own markup from the choices
    below; the API documents the same fields (maps.api)."""

    address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=200,
        help_text=_("A street and number, a street, or a postcode. Used when given."),
    )
    lat = forms.CharField(
        label=_("Latitude"), required=False, help_text=_("EPSG:4326 degrees, with lon.")
    )
    lon = forms.CharField(
        label=_("Longitude"), required=False, help_text=_("EPSG:4326 degrees, with lat.")
    )
    radius = forms.CharField(
        label=_("Distance"),
        required=False,
        help_text=_("Metres (at most 10,000), or 'custom' with radius_km. Default 800."),
    )
    radius_km = forms.CharField(label=_("Other distance in km"), required=False)
    kind = forms.MultipleChoiceField(label=_("What"), required=False, choices=kind_choices)
    category = forms.MultipleChoiceField(
        label=_("Category"), required=False, choices=category_choices
    )
    when = forms.ChoiceField(
        label=_("When"), required=False, choices=[("", _("Any time")), *When.choices]
    )
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("Until"), required=False)
    reduced_rate = StrictBooleanField(
        label=_("Free or reduced rate (UiTPAS, kansentarief)"), required=False
    )
    access = forms.MultipleChoiceField(
        label=_("Accessibility"), required=False, choices=Access.choices
    )
    language = forms.MultipleChoiceField(
        label=_("Languages spoken"), required=False, choices=_language_choices
    )
    no_dutch = StrictBooleanField(label=_("No Dutch needed"), required=False)
    come_alone = StrictBooleanField(
        label=_("You can come alone: a welcome person waits for you"), required=False
    )
    age = forms.ChoiceField(
        label=_("Age group"), required=False, choices=[("", _("All ages")), *AgeGroup.choices]
    )
    model = forms.MultipleChoiceField(
        label=_("Network-strengthening model"),
        required=False,
        choices=NetworkModel.Code.choices,
    )
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=MAX_PAGE)
    page_size = forms.IntegerField(
        label=_("Results per page"), required=False, min_value=1, max_value=MAX_PAGE_SIZE
    )
    show_address = StrictBooleanField(label=_("Show my client's address"), required=False)

    def clean_address(self):
        # The geocoder checks the characters and says what is wrong; here only the spaces.
        return " ".join(self.cleaned_data["address"].split())

    def clean(self):
        data = super().clean()
        self._clean_point(data)
        self._clean_radius(data)
        self._clean_period(data)
        return data

    def _clean_point(self, data):
        lat, lon = (data.get("lat") or "").strip(), (data.get("lon") or "").strip()
        data["point"] = None
        if data.get("address") or not (lat or lon):
            return  # an address wins over a point
        if not (lat and lon):
            self.add_error("lat" if not lat else "lon", _("Give both lat and lon."))
            return
        try:
            point = spatial.make_point(lat=lat, lon=lon)
        except spatial.SpatialInputError as exc:
            self.add_error("lat", str(exc))
            return
        if not spatial.in_benelux(point.x, point.y):
            self.add_error(
                "lat",
                _(
                    "This point lies outside Belgium and the Netherlands. "
                    "Are latitude and longitude swapped?"
                ),
            )
            return
        data["point"] = point

    def _clean_radius(self, data):
        radius = (data.get("radius") or "").strip().lower()
        radius_km = (data.get("radius_km") or "").strip().replace(",", ".")
        data["radius_m"] = float(DEFAULT_RADIUS_M)
        try:
            if radius == CUSTOM_RADIUS or (not radius and radius_km):
                if not radius_km:
                    self.add_error("radius_km", _("Fill in the distance in km."))
                    return
                km = spatial.make_radius(radius_km, maximum=MAX_RADIUS_M / 1000)
                data["radius_m"] = round(km * 1000)
            elif radius:
                data["radius_m"] = round(spatial.make_radius(radius, maximum=MAX_RADIUS_M))
        except spatial.SpatialInputError as exc:
            self.add_error("radius_km" if radius == CUSTOM_RADIUS else "radius", str(exc))
            return
        if data["radius_m"] < 1:
            self.add_error("radius", _("The radius must be at least 1 metre."))

    def _clean_period(self, data):
        when, start, end = data.get("when") or "", data.get("date_from"), data.get("date_to")
        for name, day in (("date_from", start), ("date_to", end)):
            if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add_error(
                    name,
                    _("Choose a date between %(first)d and %(last)d.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR},
                )
                return
        if (start or end) and when in ("", When.DATES):
            data["when"] = when = When.DATES
        elif start or end:
            self.add_error("when", _("Choose 'between two dates' to search by dates."))
            return
        if when == When.DATES:
            if not start:
                self.add_error("date_from", _("Fill in the first date."))
                return
            end = end or start
            if end < start:
                self.add_error("date_to", _("The second date comes before the first."))
                return
            if (end - start).days >= MAX_PERIOD_DAYS:
                self.add_error(
                    "date_to",
                    _("Choose at most %(days)d days.") % {"days": MAX_PERIOD_DAYS},
                )
                return
            data["date_to"] = end


# How a whole filter is named when the page offers to drop it.
FILTER_LABELS = {
    "kind": _("What"),
    "category": _("Category"),
    "when": _("When"),
    "reduced_rate": _("Free or reduced rate (UiTPAS, kansentarief)"),
    "access": _("Accessibility"),
    "language": _("Languages spoken"),
    "no_dutch": _("No Dutch needed"),
    "come_alone": _("You can come alone: a welcome person waits for you"),
    "age": _("Age group"),
    "model": _("How it strengthens a network"),
}


class SearchParamsError(ValueError):
    """Parameters that cannot be searched with: a translated message per parameter name
    ("__all__" for the request as a whole)."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))

    @property
    def messages(self) -> list[str]:
        return [message for messages in self.errors.values() for message in messages]


def parse_search(
    query, *, allowed_extra: tuple[str, ...] = (), ignore_unknown: bool = False
) -> SearchParams:
    """Validate a QueryDict into SearchParams; SearchParamsError if not.

    `allowed_extra` names parameters the caller reads itself (the API's `bbox`, DRF's
    `format`); they are returned in `extra`. Any other unknown name is an error for the API,
    where it is a typo worth telling; the page passes `ignore_unknown`, because links shared
    on social media come back with tracking parameters (fbclid, utm_source).
    """
    names = list(query.keys())
    total = sum(len(query.getlist(name)) for name in names)
    if total > MAX_VALUES:
        raise SearchParamsError(
            {
                "__all__": [
                    ngettext(
                        "A search has at most %(max)d parameter.",
                        "A search has at most %(max)d parameters.",
                        MAX_VALUES,
                    )
                    % {"max": MAX_VALUES}
                ]
            }
        )
    known = set(SearchForm.base_fields)
    unknown = sorted(name for name in names if name not in known and name not in allowed_extra)
    if unknown and not ignore_unknown:
        raise SearchParamsError(
            {name: [_("Unknown parameter %(name)s.") % {"name": name[:40]}] for name in unknown[:5]}
        )
    errors: dict[str, list[str]] = {}
    data = {}
    for name in known & set(names):
        values = query.getlist(name)
        if name in MULTI_VALUED:
            data[name] = list(dict.fromkeys(values))  # a value given twice counts once
        elif len(values) > 1:
            errors[name] = [_("Give %(name)s only once.") % {"name": name}]
        else:
            data[name] = values[0]
    form = SearchForm(data)
    if not form.is_valid() or errors:
        for name, messages in form.errors.items():
            errors[name] = [str(m) for m in messages]
        raise SearchParamsError(errors)
    clean = form.cleaned_data
    return SearchParams(
        address=clean["address"],
        point=clean["point"],
        radius_m=int(clean["radius_m"]),
        kinds=tuple(clean["kind"]),
        categories=tuple(clean["category"]),
        when=clean["when"],
        date_from=clean["date_from"],
        date_to=clean["date_to"],
        reduced_rate=clean["reduced_rate"],
        access=tuple(clean["access"]),
        languages=tuple(clean["language"]),
        no_dutch=clean["no_dutch"],
        come_alone=clean["come_alone"],
        age=clean["age"],
        models=tuple(clean["model"]),
        page=clean["page"] or 1,
        page_size=clean["page_size"] or DEFAULT_PAGE_SIZE,
        show_address=clean["show_address"],
        extra={name: query.get(name) for name in allowed_extra if name in query},
    )


def form_state(query) -> dict:
    """What the search form shows: the values as submitted (also when some are wrong, so
    that nothing typed is lost), with the defaults of an empty search."""

    def one(name):
        return (query.get(name) or "").strip()[:200] if query else ""

    def many(name):
        return set(query.getlist(name)) if query else set()

    radius, radius_km = one("radius").lower(), one("radius_km")
    presets = {str(m): minutes for minutes, m in WALKING_PRESETS.items()}
    if not radius and not radius_km:
        radius = str(DEFAULT_RADIUS_M)
    if radius not in presets and radius != CUSTOM_RADIUS:
        if radius:
            try:
                radius_km = f"{float(radius) / 1000:g}"
            except ValueError:
                radius_km = radius
        radius = CUSTOM_RADIUS
    return {
        "address": one("address"),
        "lat": one("lat"),
        "lon": one("lon"),
        "radius": radius,
        "radius_km": radius_km,
        "kind": many("kind"),
        "category": many("category"),
        "when": one("when") or ("dates" if one("date_from") else ""),
        "date_from": one("date_from"),
        "date_to": one("date_to"),
        "reduced_rate": one("reduced_rate") in StrictBooleanField.TRUE,
        "access": many("access"),
        "language": many("language"),
        "no_dutch": one("no_dutch") in StrictBooleanField.TRUE,
        "come_alone": one("come_alone") in StrictBooleanField.TRUE,
        "age": one("age"),
        "model": many("model"),
    }


def form_choices() -> dict:
    """The choices the search form offers (one query: the languages)."""
    return {
        "radius": [(str(m), minutes) for minutes, m in WALKING_PRESETS.items()],
        "kind": kind_choices(),
        "category": category_choices(),
        "when": When.choices,
        "access": Access.choices,
        "language": _language_choices(),
        "age": AgeGroup.choices,
        "model": NetworkModel.Code.choices,
        "not_applied": not_applied_filters(),
    }


def not_applied_filters() -> list[tuple[SearchSource, tuple[str, ...]]]:
    """Each kind of result (its SearchSource) that some filters do not narrow, with their
    names (SearchSource.filters): the form and the API's description say so."""
    names = [name for name in FILTER_LABELS if name != "kind"]
    found = []
    for source in sources():
        ignored = tuple(name for name in names if name not in source.filters)
        if ignored:
            found.append((source, ignored))
    return found
