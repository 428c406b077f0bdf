"""The accessibility and cost flags that organisations and activities share, declared once.

Each Flag is a yes/no field of buurt.models.AccessAndCost (so of every model built on it),
a line on the detail pages (`accessibility`), a field of the shared form fieldset
(templates/buurt/_access_and_cost_fields.html), a flag with its icon on search results and,
for accessibility, a value of the accessibility filters of the map search and the agenda.
Adding one is one Flag here, then `makemigrations buurt activities --name <flag>`.

Imports no models: the models, forms and search read this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Flag:
    field: str  # the BooleanField on AccessAndCost
    code: str  # its value in URLs and the API (access=wheelchair), and its icon's key
    label: Promise  # the field's verbose name, as listed on a page: "hearing loop"
    icon: str  # SVG path data in a 20×20 box, drawn in the text colour (maps' flag_icon)
    filter_label: Promise | None = None  # as an accessibility filter offers it: "Hearing loop"
    # The map search offers children's fit as an age group instead (buurt.search.params).
    map_filter: bool = True


ACCESSIBILITY = (
    Flag(
        "wheelchair_accessible",
        "wheelchair",
        _("wheelchair accessible"),
        '<circle cx="9" cy="3" r="1.6"/><path d="M9 6v6h5l2 5M9 9h4"/>'
        '<path d="M6.5 10a5 5 0 1 0 7 6"/>',
        filter_label=_("Wheelchair accessible"),
    ),
    Flag(
        "hearing_loop",
        "hearing_loop",
        _("hearing loop"),
        '<path d="M6 8a4.5 4.5 0 1 1 8 3c-1.5 1.5-2 2.5-2 4a2.5 2.5 0 0 1-5 0"/>'
        '<path d="M9 8a1.5 1.5 0 1 1 3 0"/><path d="M15 15h4M17 15v4"/>',
        filter_label=_("Hearing loop"),
    ),
    Flag(
        "quiet_space",
        "quiet",
        _("quiet space"),
        '<path d="M3 8h3l4-3v10l-4-3H3z"/><path d="M13 7l5 6M18 7l-5 6"/>',
        filter_label=_("Quiet space"),
    ),
    Flag(
        "child_friendly",
        "child_friendly",
        _("child-friendly"),
        '<circle cx="10" cy="4" r="2"/><path d="M10 7v6M6 9h8M10 13l-3 5M10 13l3 5"/>',
        filter_label=_("Child-friendly"),
        map_filter=False,
    ),
)
# With the `cost` choice of AccessAndCost; the filters ask for it as "free or reduced rate".
COST = (
    Flag(
        "reduced_rate",
        "reduced_rate",
        _("reduced rate (UiTPAS / kansentarief)"),
        '<path d="M14 5a5 5 0 1 0 0 10M4 9h7M4 12h7"/>',
    ),
)
FLAGS = ACCESSIBILITY + COST

# The form fields of the fieldset, in the order shown: accessibility, then what it costs.
FORM_FIELDS = (*(flag.field for flag in ACCESSIBILITY), "cost", *(flag.field for flag in COST))
# Accessibility filter value -> field.
ACCESS_FIELDS = {flag.code: flag.field for flag in ACCESSIBILITY}
ICONS = {flag.code: flag.icon for flag in FLAGS}


def access_choices(*, map_search: bool = False) -> list[tuple[str, Promise]]:
    """The accessibility filter's choices: the agenda's, or the map search's."""
    return [
        (flag.code, flag.filter_label)
        for flag in ACCESSIBILITY
        if flag.map_filter or not map_search
    ]
