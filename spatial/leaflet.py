"""Leaflet maps for the HTML pages, composed with folium and loaded from our own static files.

No models here: the apps put their own layers on a map (buurt.maps: organisations and
neighbourhoods; maps.rendering: search results) and render it here.

A map comes back as three pieces of markup (`RenderedMap`) that a template puts in <head>, in
the body and at the end of the body. The browser loads only our vendored Leaflet (plus the
vector tile decoder where the places come from tiles) and maps/map.js: none of folium's CDN
links, no jQuery, Bootstrap or icon fonts, so that pages stay light on old phones. The one
third party it contacts is the tile server, settings.MAP_TILE_URL.

Names and addresses travel as JSON (escaped for a <script> element) and become DOM text in
maps/map.js, never HTML. Coordinates are EPSG:4326, in Leaflet's order: latitude first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

import folium
from branca.element import Figure, MacroElement
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from folium.template import Template

from . import assets
from .points import BBox

# Zoom levels: a city when there is nothing to fit, a street for one place, and at most a
# street when fitting to a few close points.
CITY_ZOOM = 13
STREET_ZOOM = 17


@dataclass(frozen=True)
class MarkerStyle:
    colour: str  # the Okabe-Ito palette, told apart by most colour-blind readers
    shape: str  # a key of MARKER_SHAPES: shape and colour together tell the kinds apart


MARKER_SHAPES = {
    "circle": '<circle cx="10" cy="10" r="8"/>',
    "square": '<rect x="3" y="3" width="14" height="14"/>',
    "diamond": '<path d="M10 1 19 10 10 19 1 10Z"/>',
    "triangle": '<path d="M10 2 19 18H1Z"/>',
    "star": '<path d="M10 1l2.6 5.9 6.4.6-4.8 4.3 1.4 6.3L10 14.8l-5.6 3.3 1.4-6.3L1 7.5'
    'l6.4-.6Z"/>',
    "heart": '<path d="M10 18 2.4 10.4A4.7 4.7 0 0 1 10 4.6a4.7 4.7 0 0 1 7.6 5.8Z"/>',
}


def marker_svg(style: MarkerStyle) -> SafeString:
    """The SVG of a marker; the same markup serves map and legend."""
    # A dark outline under the white one sets the marker off light and dark tiles alike (a CSS
    # drop-shadow filter did, but axe-core's colour contrast check fails on CSS filters).
    shape = mark_safe(MARKER_SHAPES[style.shape])  # a constant above, never user input
    return format_html(
        '<svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">'
        '<g fill="none" stroke="#000" stroke-opacity=".8" stroke-width="4">{}</g>'
        '<g fill="{}" stroke="#fff" stroke-width="2">{}</g></svg>',
        shape,
        style.colour,
        shape,
    )


@dataclass(frozen=True)
class RenderedMap:
    """Markup for <head> (styles), the body (the map and its legend) and the end of the body.

    The end of the body is `script_tags(nonce)`: the Content Security Policy runs the inline
    map script only with the request's nonce, so templates write `{% map_scripts map %}`
    ({% load maps %}), which passes `request.csp_nonce`.
    """

    header: SafeString = mark_safe("")
    html: SafeString = mark_safe("")
    sources: SafeString = mark_safe("")  # <script src> of Leaflet and maps/map.js
    code: str = ""  # folium's JavaScript; its data went through JSON escaping for <script>

    def script_tags(self, nonce: str) -> SafeString:
        if not self.code:
            return self.sources
        attribute = format_html(' nonce="{}"', nonce) if nonce else ""
        inline = format_html("\n<script{}>\n{}\n</script>", attribute, mark_safe(self.code))
        return self.sources + inline

    @property
    def script(self) -> SafeString:
        """The scripts without a nonce: what tests read; a browser would refuse the inline one."""
        return self.script_tags("")


# --- folium elements --------------------------------------------------------------------------


class LeafletMap(folium.Map):
    """folium's Map without its CDN assets, page-wide styles and jQuery, in plain ES5.

    Only the script macro is kept: render() writes the map <div> and its asset links itself.
    """

    default_js: list = []
    default_css: list = []
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.map(
            {{ this.get_name()|tojson }}, {{ this.leaflet_options()|tojavascript }});
        {% endmacro %}
        """
    )

    def __init__(self, *, location, zoom: int, max_zoom: int):
        super().__init__(location=location, zoom_start=zoom, tiles=None)
        # folium hands max_zoom only to a tile layer it makes itself; marker clustering fails
        # unless the map has one.
        self.options["max_zoom"] = max_zoom

    def leaflet_options(self) -> dict:
        return {"center": self.location, **self.options}


class DataLayer(MacroElement):
    """One layer as one JSON value handed to a function of maps/map.js (or search-map.js),
    rather than a block of JavaScript per marker as folium.Marker writes: a city has ~2,000."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        buurtkaart.{{ this.function }}({{ this._parent.get_name() }}, {{ this.data|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, function: str, data: dict):
        super().__init__()
        self._name = "DataLayer"
        self.function = function  # a constant of the caller, never user input
        self.data = data


def place_tiles(*, url: str, markers: dict[str, dict]) -> DataLayer:
    """The places of a map as vector tiles, drawn by maps/tile-layer.js: `url` is the tile
    URL with {z}/{x}/{y} (XYZ, Web Mercator) and its filters, `markers` each category's
    {"label", "icon"} (icons built from constants: marker_svg). The page carries no place:
    its size does not grow with their number. render() needs `tiles=True` for its scripts."""
    return DataLayer(
        "addPlaceTiles",
        {
            "url": url,
            "categories": markers,
            "texts": {
                # Said on a cluster's marker, %(count)s replaced in the browser (always 2 or more).
                "cluster": _("%(count)s places here: zoom in to see them"),
                "failed": _("The places could not be loaded. The list below has them."),
            },
        },
    )


# --- putting a map together -------------------------------------------------------------------


def new_map(*, center: list[float] | None = None, zoom: int = CITY_ZOOM) -> LeafletMap:
    """A map on settings.MAP_TILE_URL, centred on `center` ([lat, lon]) or the default centre."""
    leaflet_map = LeafletMap(
        location=center or list(settings.MAP_DEFAULT_CENTER),
        zoom=zoom,
        max_zoom=settings.MAP_MAX_ZOOM,
    )
    folium.TileLayer(
        tiles=settings.MAP_TILE_URL,
        attr=settings.MAP_TILE_ATTRIBUTION,
        max_zoom=settings.MAP_MAX_ZOOM,
        name="tiles",
    ).add_to(leaflet_map)
    return leaflet_map


def fit(leaflet_map: LeafletMap, bbox: BBox | None) -> None:
    """Show `bbox` (EPSG:4326), zoomed in no further than a street; nothing when it is None."""
    # Fitted before the layers are added, so that clusters are computed once, at the final zoom.
    if bbox is not None:
        leaflet_map.fit_bounds(
            [[bbox.south, bbox.west], [bbox.north, bbox.east]], max_zoom=STREET_ZOOM
        )


def legend(items: Iterable[tuple[SafeString, str]]) -> SafeString:
    """A legend of (marker SVG, label) pairs; empty markup when there are none."""
    rows = format_html_join("", "<li>{}<span>{}</span></li>", items)
    return format_html('<ul class="map-legend">{}</ul>', rows) if rows else mark_safe("")


def render(
    leaflet_map: LeafletMap,
    *,
    label: str,
    css_class: str,
    legend: SafeString,
    tiles: bool = False,
    extra_js: tuple[str, ...] = (),
    fallback: SafeString | None = None,
) -> RenderedMap:
    """The map's markup. Inside its box, `fallback` (by default a sentence saying what the
    map is and that it needs JavaScript) is what a page without JavaScript, or a printout made
    before the map ran, shows instead of an empty frame; map.css hides it once Leaflet has
    taken the box (.leaflet-container). `tiles` loads the vector tile layer (place_tiles)."""
    leaflet_map.render()  # fills the figure's script with the map and its layers
    figure = cast(Figure, leaflet_map.get_root())  # folium puts every map in a Figure
    # folium indents generously; JSON never holds a raw newline, so stripping lines is safe.
    map_script = "\n".join(
        line.strip() for line in figure.script.render().splitlines() if line.strip()
    )

    css = [assets.LEAFLET_CSS, assets.MAP_CSS]
    js = [
        assets.LEAFLET_JS,
        *((assets.VECTOR_TILE_JS,) if tiles else ()),
        assets.MAP_JS,
        *((assets.TILE_LAYER_JS,) if tiles else ()),
        *extra_js,
    ]
    header = format_html_join(
        "\n", '<link rel="stylesheet" href="{}">', ((static(path),) for path in css)
    )
    # The map is only usable with a mouse or touch; its name tells screen-reader users that the
    # page lists the same places in text.
    if fallback is None:
        fallback = format_html(
            '<p class="map-fallback">{} {}</p>',
            label,
            _("The map itself needs JavaScript, which is off or not loaded yet."),
        )
    html = format_html(
        '<div id="{}" class="{}" role="region" aria-label="{}" data-zoom-in="{}"'
        ' data-zoom-out="{}">{}</div>{}',
        leaflet_map.get_name(),
        css_class,
        label,
        _("Zoom in"),  # maps/map.js names Leaflet's zoom buttons with these
        _("Zoom out"),
        fallback,
        legend,
    )
    sources = format_html_join("\n", '<script src="{}"></script>', ((static(p),) for p in js))
    return RenderedMap(header=header, html=html, sources=sources, code=map_script)
