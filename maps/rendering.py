"""Leaflet maps for the HTML pages, composed with folium and loaded from our own static files.

A map comes back as three pieces of markup (`RenderedMap`) that a template puts in <head>, in
the body and at the end of the body. The browser loads only our vendored Leaflet (plus marker
clustering where there can be many markers) and maps/map.js: none of folium's CDN links, no
jQuery, Bootstrap or icon fonts, so that pages stay light on old phones. The one third party it
contacts is the tile server, settings.MAP_TILE_URL.

Names and addresses travel as JSON (escaped for a <script> element) and become DOM text in
maps/map.js, never HTML. Geometry is prepared by maps.spatial.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import folium
from branca.element import MacroElement
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from folium.template import Template

from buurt.models import Neighbourhood, Organisation

from . import assets, spatial

# Zoom levels: a city when there is nothing to fit, a street for one organisation, and at most
# a street when fitting to a few close points.
CITY_ZOOM = 13
STREET_ZOOM = 17

Kind = Organisation.Kind


@dataclass(frozen=True)
class MarkerStyle:
    colour: str  # the Okabe-Ito palette, told apart by most colour-blind readers
    shape: str  # a key of MARKER_SHAPES: shape and colour together tell the kinds apart


MARKER_SHAPES = {
    "circle": '<circle cx="10" cy="10" r="8"/>',
    "square": '<rect x="3" y="3" width="14" height="14"/>',
    "diamond": '<path d="M10 1 19 10 10 19 1 10Z"/>',
    "triangle": '<path d="M10 2 19 18H1Z"/>',
}

KIND_STYLES = {
    Kind.CULTURE: MarkerStyle("#cc79a7", "circle"),
    Kind.SPORTS: MarkerStyle("#009e73", "circle"),
    Kind.YOUTH: MarkerStyle("#e69f00", "circle"),
    Kind.SENIORS: MarkerStyle("#0072b2", "circle"),
    Kind.COMMUNITY_CENTRE: MarkerStyle("#d55e00", "square"),
    Kind.SERVICE_CENTRE: MarkerStyle("#0072b2", "square"),
    Kind.PUBLIC_SERVICE: MarkerStyle("#000000", "square"),
    Kind.PEER_GROUP: MarkerStyle("#56b4e9", "diamond"),
    Kind.BUDDY_PROJECT: MarkerStyle("#cc79a7", "diamond"),
    Kind.VOLUNTEERING: MarkerStyle("#009e73", "diamond"),
    Kind.LANGUAGE_CAFE: MarkerStyle("#e69f00", "triangle"),
    Kind.SOCIAL_RESTAURANT: MarkerStyle("#d55e00", "triangle"),
    Kind.OTHER: MarkerStyle("#666666", "circle"),
}


@dataclass(frozen=True)
class RenderedMap:
    """Markup for <head> (styles), the body (the map and its legend) and the end of the body."""

    header: SafeString = mark_safe("")
    html: SafeString = mark_safe("")
    script: SafeString = mark_safe("")


def marker_icon(kind: str) -> SafeString:
    """The SVG marker of an organisation kind; the same markup serves map and legend."""
    style = KIND_STYLES.get(kind, KIND_STYLES[Kind.OTHER])
    return format_html(
        '<svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">'
        '<g fill="{}" stroke="#fff" stroke-width="2">{}</g></svg>',
        style.colour,
        mark_safe(MARKER_SHAPES[style.shape]),  # a constant above, never user input
    )


# --- folium elements --------------------------------------------------------------------------


class _LeafletMap(folium.Map):
    """folium's Map without its CDN assets, page-wide styles and jQuery, in plain ES5.

    Only the script macro is kept: _render() writes the map <div> and its asset links itself.
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


class _NeighbourhoodLayer(MacroElement):
    """Neighbourhood boundaries as one GeoJSON layer, drawn by maps/map.js."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        buurtkaart.addNeighbourhoods({{ this._parent.get_name() }}, {{ this.data|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict):
        super().__init__()
        self._name = "NeighbourhoodLayer"
        self.data = data


class _OrganisationLayer(MacroElement):
    """All organisation markers as one JSON array and one loop in maps/map.js, rather than a
    block of JavaScript per marker as folium.Marker writes: a city has ~2,000 of them."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        buurtkaart.addOrganisations({{ this._parent.get_name() }}, {{ this.data|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict):
        super().__init__()
        self._name = "OrganisationLayer"
        self.data = data


# --- data for the layers ----------------------------------------------------------------------


def _organisation_data(organisations: Iterable[Organisation], *, cluster: bool) -> dict:
    rows, kinds = [], {}
    for organisation in organisations:
        if organisation.point is None:
            continue
        kind = organisation.kind if organisation.kind in KIND_STYLES else Kind.OTHER
        kinds[kind] = {"label": str(Kind(kind).label), "icon": str(marker_icon(kind))}
        rows.append(
            [
                *spatial.latlng(organisation.point),
                organisation.name,
                organisation.get_absolute_url(),
                kind,
                organisation.address,
            ]
        )
    return {"organisations": rows, "kinds": kinds, "cluster": cluster}


def _neighbourhood_label(neighbourhood: Neighbourhood, count: int | None) -> str:
    parts = [neighbourhood.name]
    if count is not None:
        parts.append(
            ngettext("%(count)d organisation", "%(count)d organisations", count) % {"count": count}
        )
    label = " — ".join(parts)
    if neighbourhood.is_approximate:
        label = _("%(label)s (approximate boundary)") % {"label": label}
    return label


def _neighbourhood_data(neighbourhoods: Iterable[Neighbourhood], *, link: bool) -> dict:
    features = [
        {
            "type": "Feature",
            "geometry": spatial.geojson_geometry(neighbourhood.boundary),
            "properties": {
                "name": neighbourhood.name,
                "label": _neighbourhood_label(
                    neighbourhood, getattr(neighbourhood, "organisation_count", None)
                ),
                "url": neighbourhood.get_absolute_url() if link else None,
                "approximate": neighbourhood.is_approximate,
            },
        }
        for neighbourhood in neighbourhoods
    ]
    return {"type": "FeatureCollection", "features": features}


# --- putting a map together -------------------------------------------------------------------


def _new_map(*, center: list[float] | None = None, zoom: int = CITY_ZOOM) -> _LeafletMap:
    leaflet_map = _LeafletMap(
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


def _fit(leaflet_map: _LeafletMap, bbox: spatial.BBox | None) -> None:
    # Fitted before the layers are added, so that clusters are computed once, at the final zoom.
    if bbox is not None:
        leaflet_map.fit_bounds(
            [[bbox.south, bbox.west], [bbox.north, bbox.east]], max_zoom=STREET_ZOOM
        )


def _legend(kinds: Iterable[str]) -> SafeString:
    items = format_html_join(
        "",
        "<li>{}<span>{}</span></li>",
        ((marker_icon(kind), Kind(kind).label) for kind in kinds),
    )
    return format_html('<ul class="map-legend">{}</ul>', items) if items else mark_safe("")


def _render(
    leaflet_map: _LeafletMap, *, label: str, css_class: str, cluster: bool, legend: SafeString
) -> RenderedMap:
    leaflet_map.render()  # fills the figure's script with the map and its layers
    # folium indents generously; JSON never holds a raw newline, so stripping lines is safe.
    map_script = "\n".join(
        line.strip() for line in leaflet_map.get_root().script.render().splitlines() if line.strip()
    )

    css = [assets.LEAFLET_CSS, *(assets.MARKERCLUSTER_CSS if cluster else ()), assets.MAP_CSS]
    js = [assets.LEAFLET_JS, *((assets.MARKERCLUSTER_JS,) if cluster else ()), assets.MAP_JS]
    header = format_html_join(
        "\n", '<link rel="stylesheet" href="{}">', ((static(path),) for path in css)
    )
    # The map is only usable with a mouse or touch; its name tells screen-reader users that the
    # page lists the same places in text.
    html = format_html(
        '<div id="{}" class="{}" role="region" aria-label="{}"></div>{}',
        leaflet_map.get_name(),
        css_class,
        label,
        legend,
    )
    scripts = format_html_join("\n", '<script src="{}"></script>', ((static(p),) for p in js))
    # folium's output is JavaScript whose data went through JSON escaping for <script>.
    script = scripts + mark_safe(f"\n<script>\n{map_script}\n</script>")
    return RenderedMap(header=header, html=html, script=script)


def city_map(
    neighbourhoods: Iterable[Neighbourhood], organisations: Iterable[Organisation]
) -> RenderedMap:
    """All neighbourhoods (with `organisation_count` annotated) and published organisations."""
    neighbourhoods, organisations = list(neighbourhoods), list(organisations)
    leaflet_map = _new_map()
    _fit(
        leaflet_map,
        spatial.extent([n.boundary for n in neighbourhoods] + [o.point for o in organisations]),
    )
    leaflet_map.add_child(_NeighbourhoodLayer(_neighbourhood_data(neighbourhoods, link=True)))
    markers = _organisation_data(organisations, cluster=True)
    leaflet_map.add_child(_OrganisationLayer(markers))
    return _render(
        leaflet_map,
        label=_("Map of the neighbourhoods and organisations; the list below has the same places."),
        css_class="map",
        cluster=True,
        legend=_legend(markers["kinds"]),
    )


def neighbourhood_map(
    neighbourhood: Neighbourhood, organisations: Iterable[Organisation]
) -> RenderedMap:
    """One neighbourhood's boundary and its organisations."""
    organisations = list(organisations)
    leaflet_map = _new_map()
    _fit(leaflet_map, spatial.extent([neighbourhood.boundary] + [o.point for o in organisations]))
    leaflet_map.add_child(_NeighbourhoodLayer(_neighbourhood_data([neighbourhood], link=False)))
    markers = _organisation_data(organisations, cluster=True)
    leaflet_map.add_child(_OrganisationLayer(markers))
    return _render(
        leaflet_map,
        label=_("Map of %(name)s; the list below has the same organisations.")
        % {"name": neighbourhood.name},
        css_class="map",
        cluster=True,
        legend=_legend(markers["kinds"]),
    )


def organisation_map(organisation: Organisation) -> RenderedMap:
    """A small map around one organisation; empty markup when it has no location."""
    if organisation.point is None:
        return RenderedMap()
    leaflet_map = _new_map(center=spatial.latlng(organisation.point), zoom=STREET_ZOOM)
    leaflet_map.add_child(_OrganisationLayer(_organisation_data([organisation], cluster=False)))
    return _render(
        leaflet_map,
        label=_("Map showing where %(name)s is; the address is given above.")
        % {"name": organisation.name},
        css_class="map map--small",
        cluster=False,
        legend=mark_safe(""),
    )
