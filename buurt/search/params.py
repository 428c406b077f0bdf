"""What a search near a place asks for: `SearchParams`, the values its filters take, and the
units a filter can be dropped by. Every search source reads these (buurt.search.registry);
turning a query string into them is the search form's job (maps.search.forms).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace

from django.contrib.gis.geos import Point
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import spatial
from buurt.flags import access_choices

# Walking minutes -> metres, at the ~80 m a minute of spatial.walking_minutes.
WALKING_PRESETS = {5: 400, 10: 800, 15: 1200, 30: 2400}
DEFAULT_RADIUS_M = WALKING_PRESETS[10]
MAX_RADIUS_M = spatial.MAX_RADIUS_M
DEFAULT_PAGE_SIZE = 25


class When(models.TextChoices):
    TODAY = "today", _("Today")
    WEEK = "week", _("This week")
    WEEKEND = "weekend", _("This weekend")
    DATES = "dates", _("Between two dates")


# The accessibility filter's values, from buurt.flags: Access("hearing_loop").label.
Access = models.TextChoices(
    "Access", [(code.upper(), (code, label)) for code, label in access_choices(map_search=True)]
)


class AgeGroup(models.TextChoices):
    CHILDREN = "children", _("Children")
    YOUTH = "youth", _("Young people")
    ADULTS = "adults", _("Adults")
    SENIORS = "seniors", _("Seniors")


MULTI_VALUED = ("kind", "category", "access", "language", "model")
# Multi-valued parameters whose values must all hold (the others: any of them).
ALL_OF = ("access",)
ATTRIBUTES = {
    "kind": "kinds",
    "category": "categories",
    "access": "access",
    "language": "languages",
    "model": "models",
}


@dataclass(frozen=True)
class FilterUnit:
    """A filter that can be dropped as a whole: ("access", "wheelchair"), ("language", "")
    for all languages, ("reduced_rate", "1")."""

    name: str
    value: str = ""


@dataclass(frozen=True)
class SearchParams:
    """A validated search. `point` is set when the search gave lat/lon; with an address it is
    found later. Tuples keep the order given; filters AND together, values within one filter
    OR (any of these languages)."""

    address: str = ""
    point: Point | None = None
    radius_m: int = DEFAULT_RADIUS_M
    kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    when: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    reduced_rate: bool = False
    access: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    no_dutch: bool = False
    come_alone: bool = False
    age: str = ""
    models: tuple[str, ...] = ()
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    show_address: bool = False
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def has_location(self) -> bool:
        return bool(self.address) or self.point is not None

    @property
    def walking_preset(self) -> int | None:
        """The walking minutes whose preset equals the radius, or None for another distance."""
        return next((m for m, r in WALKING_PRESETS.items() if r == self.radius_m), None)

    def period(self, *, today: datetime.date | None = None):
        """(first day, last day) of `when`, or None for any time. A week runs to Sunday."""
        today = today or timezone.localdate()
        if self.when == When.TODAY:
            return today, today
        if self.when == When.WEEK:
            return today, today + datetime.timedelta(days=6 - today.weekday())
        if self.when == When.WEEKEND:
            saturday = today + datetime.timedelta(days=max(0, 5 - today.weekday()))
            return saturday, today + datetime.timedelta(days=6 - today.weekday())
        if self.when == When.DATES:
            return self.date_from, self.date_to
        return None

    def filter_items(self) -> list[tuple[str, str]]:
        """The filters as (parameter, value) pairs, in a fixed order."""
        items = [("kind", v) for v in self.kinds] + [("category", v) for v in self.categories]
        if self.when:
            items.append(("when", self.when))
        if self.reduced_rate:
            items.append(("reduced_rate", "1"))
        items += [("access", v) for v in self.access]
        items += [("language", v) for v in self.languages]
        if self.no_dutch:
            items.append(("no_dutch", "1"))
        if self.come_alone:
            items.append(("come_alone", "1"))
        if self.age:
            items.append(("age", self.age))
        items += [("model", v) for v in self.models]
        return items

    def filter_units(self) -> list[FilterUnit]:
        """The filters a person can drop one at a time: a whole any-of list (categories,
        languages, models, kinds), or one value of an all-of list (accessibility)."""
        units = []
        for name, value in self.filter_items():
            unit = FilterUnit(name, value if name in ALL_OF or name not in MULTI_VALUED else "")
            if unit not in units:
                units.append(unit)
        return units

    def query_items(
        self, *, page: int | None = None, location: bool = True
    ) -> list[tuple[str, str]]:
        """The search as canonical (parameter, value) pairs for a URL: the same search gives
        the same URL. Without `location`, only radius and filters."""
        items: list[tuple[str, str]] = []
        if location and self.address:
            items.append(("address", self.address))
        elif location and self.point is not None:
            items += [("lat", f"{self.point.y:.6f}"), ("lon", f"{self.point.x:.6f}")]
        items.append(("radius", str(self.radius_m)))
        for name, value in self.filter_items():
            items.append((name, value))
            if name == "when" and value == When.DATES:
                items.append(("date_from", self.date_from.isoformat()))
                items.append(("date_to", self.date_to.isoformat()))
        page = self.page if page is None else page
        if page > 1:
            items.append(("page", str(page)))
        if self.page_size != DEFAULT_PAGE_SIZE:
            items.append(("page_size", str(self.page_size)))
        return items

    def without(self, unit: FilterUnit) -> SearchParams:
        """The same search from page 1 without one filter unit (see filter_units)."""
        changes: dict = {"page": 1}
        if unit.name in MULTI_VALUED:
            attribute = ATTRIBUTES[unit.name]
            kept = () if not unit.value else getattr(self, attribute)
            changes[attribute] = tuple(v for v in kept if v != unit.value)
        elif unit.name == "when":
            changes.update(when="", date_from=None, date_to=None)
        elif unit.name == "age":
            changes["age"] = ""
        else:
            changes[unit.name] = False
        return replace(self, **changes)

    def with_radius(self, meters: int) -> SearchParams:
        return replace(self, radius_m=meters, page=1)

    def at(self, point: Point) -> SearchParams:
        """The same search around a point instead of an address."""
        return replace(self, address="", point=point)
