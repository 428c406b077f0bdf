"""Template helpers of the search page and the printable handout: URLs that carry a whole
search, distances in words, and the icons of the filters (always next to their text)."""

from urllib.parse import urlencode

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

import spatial
from buurt import flags
from buurt.search.params import WALKING_PRESETS, SearchParams

register = template.Library()


@register.simple_tag
def search_query(params: SearchParams, page=None, location=True) -> str:
    """ "?address=...&radius=..." for a link to the same search (another page, if given)."""
    return "?" + urlencode(params.query_items(page=page, location=location))


# Distances in words are the spatial package's; the tags only call them.
register.filter("distance_text", spatial.distance_text)
register.filter("walking_text", spatial.walking_text)


@register.filter
def radius_text(meters) -> str:
    """The searched distance: "10 minutes' walk (800 m)" for a preset, else "2.5 km"."""
    for minutes, preset in WALKING_PRESETS.items():
        if preset == meters:
            return _("%(minutes)d minutes' walk (%(distance)s)") % {
                "minutes": minutes,
                "distance": spatial.distance_text(meters),
            }
    return spatial.distance_text(meters)


# Simple line icons in the text colour, so that they print in black and white. They never
# stand alone: the label is written next to them (and they are hidden from screen readers).
FLAG_ICONS = {
    **flags.ICONS,  # accessibility and cost (buurt/flags.py)
    "welcome_person": '<circle cx="7" cy="4" r="2"/><path d="M7 7v6M4 9h6M7 13l-2 5M7 13l2 5"/>'
    '<path d="M13 8l3-3M15 10h3M13 12l3 3"/>',
}


@register.simple_tag
def flag_icon(code: str):
    paths = FLAG_ICONS.get(code)
    if not paths:
        return ""
    return format_html(
        '<svg class="flag-icon" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" '
        'focusable="false" fill="none" stroke="currentColor" stroke-width="1.6" '
        'stroke-linecap="round" stroke-linejoin="round">{}</svg>',
        mark_safe(paths),  # constants above, never user input
    )


@register.filter
def filter_label(unit) -> str:
    """The name of a filter unit (buurt.search.params.FilterUnit) for "without …" links."""
    from buurt.search.params import Access, AgeGroup, When
    from maps.search.forms import FILTER_LABELS

    values = {"access": Access, "age": AgeGroup, "when": When}
    if unit.name in values and unit.value:
        return str(values[unit.name](unit.value).label)
    return str(FILTER_LABELS.get(unit.name, unit.name))


@register.filter
def filter_names(names) -> str:
    """The names of filter parameters ("when", "access") as their labels, quoted and joined."""
    from maps.search.forms import FILTER_LABELS

    return ", ".join(f"“{FILTER_LABELS.get(name, name)}”" for name in names)
