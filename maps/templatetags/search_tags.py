"""Template helpers of the search page and the printable handout: URLs that carry a whole
search, distances in words, and the icons of the filters (always next to their text)."""

from urllib.parse import urlencode

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from buurt import flags
from maps.search.params import SearchParams

register = template.Library()


@register.simple_tag
def search_query(params: SearchParams, page=None, location=True) -> str:
    """ "?address=...&radius=..." for a link to the same search (another page, if given)."""
    return "?" + urlencode(params.query_items(page=page, location=location))


@register.filter
def distance_text(meters) -> str:
    """650 -> "650 m", 1234 -> "1.2 km" (in the reader's number format)."""
    if meters is None:
        return ""
    if meters < 1000:
        return _("%(meters)d m") % {"meters": max(10, round(meters / 10) * 10)}
    # Rounded first: number_format cuts decimals off rather than rounding them.
    return _("%(km)s km") % {"km": number_format(round(meters / 1000, 1), 1)}


@register.filter
def walking_text(minutes) -> str:
    if minutes is None:
        return ""
    return ngettext("±%(minutes)d min walk", "±%(minutes)d min walk", minutes) % {
        "minutes": minutes
    }


@register.filter
def radius_text(meters) -> str:
    """The searched distance: "10 minutes' walk (800 m)" for a preset, else "2.5 km"."""
    from maps.search.params import WALKING_PRESETS

    for minutes, preset in WALKING_PRESETS.items():
        if preset == meters:
            return _("%(minutes)d minutes' walk (%(distance)s)") % {
                "minutes": minutes,
                "distance": distance_text(meters),
            }
    return distance_text(meters)


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
    """The name of a filter unit (maps.search.params.FilterUnit) for "without …" links."""
    from maps.search.params import FILTER_LABELS, Access, AgeGroup, When

    values = {"access": Access, "age": AgeGroup, "when": When}
    if unit.name in values and unit.value:
        return str(values[unit.name](unit.value).label)
    return str(FILTER_LABELS.get(unit.name, unit.name))
