"""Leaflet maps for the HTML pages, composed with folium and loaded from our own static files.

A map comes back as three pieces of markup (`RenderedMap`) that a template puts in <head>, in
the body and at the end of the body. The browser loads only our vendored Leaflet (plus marker
clustering where there can be many markers) and maps/map.js: none of folium's CDN links, no
jQuery, Bootstrap or icon fonts, so that pages stay light on old phones. The one third party it
contacts is the tile server, settings.MAP_TILE_URL.

Names and addresses travel as JSON (escaped for a <script> element) and become DOM text in
maps/map.js, never HTML. Geometry is prepared by spatial.
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

import spatial
from buurt.models import Neighbourhood, Organisation
from spatial import assets

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
    leaflet_map: _LeafletMap,
    *,
    label: str,
    css_class: str,
    cluster: bool,
    legend: SafeString,
    extra_js: tuple[str, ...] = (),
) -> RenderedMap:
    leaflet_map.render()  # fills the figure's script with the map and its layers
    # folium indents generously; JSON never holds a raw newline, so stripping lines is safe.
    map_script = "\n".join(
        line.strip() for line in leaflet_map.get_root().script.render().splitlines() if line.strip()
    )

    css = [assets.LEAFLET_CSS, *(assets.MARKERCLUSTER_CSS if cluster else ()), assets.MAP_CSS]
    js = [
        assets.LEAFLET_JS,
        *((assets.MARKERCLUSTER_JS,) if cluster else ()),
        assets.MAP_JS,
        *extra_js,
    ]
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
    sources = format_html_join("\n", '<script src="{}"></script>', ((static(p),) for p in js))
    return RenderedMap(header=header, html=html, sources=sources, code=map_script)


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


# --- search near a place (maps.search) --------------------------------------------------------


class _SearchLayer(MacroElement):
    """The searched place, its radius and the results, drawn by maps/search-map.js: inline
    markers when there are few enough, else a layer that asks the bounding-box API."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        buurtkaart.addSearch({{ this._parent.get_name() }}, {{ this.data|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict):
        super().__init__()
        self._name = "SearchLayer"
        self.data = data


def _result_category(result) -> str:
    # Organisation kinds have their own marker; other kinds of results fall back to "other".
    return result.category if result.category in KIND_STYLES else Kind.OTHER


def _search_results_data(results, *, numbered: bool) -> dict:
    """Rows [lat, lon, title, url, category, distance text] and the categories' icons."""
    from .templatetags.search_tags import distance_text, walking_text

    rows, categories = [], {}
    for result in results:
        category = _result_category(result)
        categories[category] = {
            "label": result.category_label or str(Kind(category).label),
            "icon": str(marker_icon(category)),
        }
        distance = (
            f"{distance_text(result.distance_m)}, {walking_text(result.walking_minutes)}"
            if result.distance_m is not None
            else ""
        )
        rows.append([*spatial.latlng(result.point), result.title, result.url, category, distance])
    return {"results": rows, "categories": categories, "numbered": numbered}


def search_map(
    *,
    location,
    radius_m: int,
    results,
    neighbourhood: Neighbourhood | None,
    layer_url: str | None,
    search_url: str,
) -> RenderedMap:
    """The searched place (a maps.search.service.Location), the radius circle, the
    neighbourhood around it and the results (maps.search SearchResult), clustered.

    `results` None means too many to put in the page: the map then loads the results in view
    from `layer_url` (the bounding-box API with the same search). A click on the map searches
    again from there: `search_url` is the search without its place.
    """
    leaflet_map = _new_map(center=spatial.latlng(location.point))
    _fit(leaflet_map, spatial.bbox_around(location.point, radius_m))
    if neighbourhood is not None:
        leaflet_map.add_child(_NeighbourhoodLayer(_neighbourhood_data([neighbourhood], link=True)))
    data = _search_results_data(results or [], numbered=False)
    if results is None:  # the layer may bring any category
        data["categories"] = {
            kind: {"label": str(Kind(kind).label), "icon": str(marker_icon(kind))}
            for kind in KIND_STYLES
        }
    data.update(
        centre=spatial.latlng(location.point),
        radius=radius_m,
        place=location.label,
        layer_url=layer_url if results is None else None,
        search_url=search_url,
        texts={
            "place": _("The searched place"),
            "too_many": _("Zoom in to see every place: there are too many to show at once."),
            "failed": _("The places could not be loaded. The list below has them."),
            "search_here": _("Search from here"),
        },
    )
    leaflet_map.add_child(_SearchLayer(data))
    return _render(
        leaflet_map,
        label=_("Map of the places found; the list below has the same places."),
        css_class="map search-map",
        cluster=True,
        legend=_legend(data["categories"]),
        extra_js=(assets.SEARCH_MAP_JS,),
    )


def handout_map(*, location, results, show_place: bool) -> RenderedMap:
    """The handout's map: the results as numbered markers matching the numbered list, and the
    searched place only when the handout shows the address."""
    results = list(results)
    points = [r.point for r in results] + ([location.point] if show_place else [])
    leaflet_map = _new_map(center=spatial.latlng(location.point))
    _fit(leaflet_map, spatial.extent(points))
    data = _search_results_data(results, numbered=True)
    if show_place:
        data.update(centre=spatial.latlng(location.point), place=location.label)
    data["texts"] = {"place": _("The searched place")}
    leaflet_map.add_child(_SearchLayer(data))
    return _render(
        leaflet_map,
        label=_("Map of the places on this handout, numbered as in the list."),
        css_class="map handout-map",
        cluster=False,
        legend=mark_safe(""),
        extra_js=(assets.SEARCH_MAP_JS,),
    )
