"""The choropleth of one indicator over the neighbourhoods, with its legend in words and
numbers. Colours are chosen here; maps/map.js only paints them."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

import spatial
from spatial import leaflet

# ColorBrewer YlOrRd, 5 classes (colour-blind safe, prints in grey as a ramp); dark = most.
PALETTE = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
NO_FIGURE = "#d0d5da"


def classes(values: list[float]) -> list[tuple[float, float]]:
    """Up to five equal-interval classes (low, high) over the known values."""
    if not values:
        return []
    low, high = min(values), max(values)
    if low == high:
        return [(low, high)]
    step = (high - low) / len(PALETTE)
    return [(low + i * step, low + (i + 1) * step) for i in range(len(PALETTE))]


def class_of(value, bounds: list[tuple[float, float]]) -> int | None:
    if value is None or not bounds:
        return None
    for index, (_low, high) in enumerate(bounds):
        if value <= high:
            return index
    return len(bounds) - 1


def _number(value) -> str:
    return number_format(value, decimal_pos=None if float(value).is_integer() else 1)


def choropleth(rows, *, label: str, none_label: str) -> tuple[leaflet.RenderedMap, list[dict]]:
    """The map and its legend entries ({colour, low, high, words, count})."""
    bounds = classes([row.value for row in rows if row.value is not None])
    legend = [
        {
            "colour": PALETTE[index] if len(bounds) > 1 else PALETTE[-1],
            "swatch": f"c{index}" if len(bounds) > 1 else f"c{len(PALETTE) - 1}",
            "text": _("%(low)s to %(high)s") % {"low": _number(low), "high": _number(high)},
            "words": [_("fewest"), _("few"), _("middle"), _("many"), _("most")][index]
            if len(bounds) > 1
            else _("all the same"),
            "count": sum(1 for r in rows if class_of(r.value, bounds) == index),
        }
        for index, (low, high) in enumerate(bounds)
    ]
    missing = sum(1 for r in rows if r.value is None)
    if missing:
        legend.append({"colour": NO_FIGURE, "text": none_label, "words": "", "count": missing})
    features = []
    for row in rows:
        index = class_of(row.value, bounds)
        fill = NO_FIGURE if index is None else legend[index]["colour"]
        shown = none_label if row.value is None else _number(row.value)
        features.append(
            {
                "type": "Feature",
                "geometry": spatial.geojson_geometry(row.figures.neighbourhood.boundary),
                "properties": {"fill": fill, "label": f"{row.name}: {shown}"},
            }
        )
    leaflet_map = leaflet.new_map()
    leaflet.fit(leaflet_map, spatial.extent(r.figures.neighbourhood.boundary for r in rows))
    leaflet_map.add_child(
        leaflet.DataLayer("addChoropleth", {"type": "FeatureCollection", "features": features})
    )
    rendered = leaflet.render(
        leaflet_map,
        label=label,
        css_class="map",
        legend=mark_safe(""),  # the page writes the legend, in words and numbers
    )
    return rendered, legend
