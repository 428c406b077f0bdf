"""The maps of the city, a neighbourhood and an organisation, and the organisation markers and
neighbourhood areas that the search maps (maps.rendering) reuse. Built with spatial.leaflet."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import spatial
from spatial import leaflet
from spatial.leaflet import MarkerStyle, RenderedMap

from .models import Neighbourhood, Organisation

Kind = Organisation.Kind

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


def marker_icon(kind: str) -> SafeString:
    """The SVG marker of an organisation kind; the same markup serves map and legend."""
    return leaflet.marker_svg(KIND_STYLES.get(kind, KIND_STYLES[Kind.OTHER]))


def kind_legend(kinds: Iterable[str]) -> SafeString:
    """The legend of the organisation kinds on a map."""
    return leaflet.legend((marker_icon(kind), Kind(kind).label) for kind in kinds)


def kind_markers() -> dict[str, dict]:
    """Every organisation kind's legend name and marker, as the tile layer draws them."""
    return {
        kind: {"label": str(Kind(kind).label), "icon": str(marker_icon(kind))}
        for kind in KIND_STYLES
    }


# The filters of the organisations' tiles: the search's "kind" parameter (maps.search.forms).
ORGANISATION_TILES = (("kind", "organisations"),)


def tile_url(filters: Sequence[tuple[str, str]] = ORGANISATION_TILES) -> str:
    """The map tiles' URL (maps.api tiles: /api/tiles/{z}/{x}/{y}.mvt) with the search's
    `filters` as (parameter, value) pairs; {z}/{x}/{y} are filled in by the browser."""
    path = reverse("maps-api:tiles", args=(0, 0, 0))
    template = path.removesuffix("0/0/0.mvt") + "{z}/{x}/{y}.mvt"
    return template + ("?" + urlencode(list(filters)) if filters else "")


# --- data for the layers ----------------------------------------------------------------------


def _organisation_data(organisations: Iterable[Organisation]) -> dict:
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
    return {"organisations": rows, "kinds": kinds}


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


def neighbourhood_layer(
    neighbourhoods: Iterable[Neighbourhood], *, link: bool
) -> leaflet.DataLayer:
    """Neighbourhood boundaries as one GeoJSON layer, drawn by maps/map.js; `link` makes each
    area lead to its page."""
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
    data = {"type": "FeatureCollection", "features": features}
    return leaflet.DataLayer("addNeighbourhoods", data)


# --- the maps ---------------------------------------------------------------------------------


def city_map(
    neighbourhoods: Iterable[Neighbourhood], *, filters: Sequence[tuple[str, str]] = ()
) -> RenderedMap:
    """All neighbourhoods (with `organisation_count` annotated) and the published
    organisations as vector tiles (with the search's `filters` besides their kind): the page
    carries the areas, never the listings."""
    neighbourhoods = list(neighbourhoods)
    leaflet_map = leaflet.new_map()
    leaflet.fit(leaflet_map, spatial.extent([n.boundary for n in neighbourhoods]))
    leaflet_map.add_child(neighbourhood_layer(neighbourhoods, link=True))
    markers = kind_markers()
    url = tile_url([*ORGANISATION_TILES, *filters])
    leaflet_map.add_child(leaflet.place_tiles(url=url, markers=markers))
    return leaflet.render(
        leaflet_map,
        label=_("Map of the neighbourhoods and organisations; the list below has the same places."),
        css_class="map",
        tiles=True,
        legend=kind_legend(markers),
    )


def neighbourhood_map(
    neighbourhood: Neighbourhood, *, filters: Sequence[tuple[str, str]] = ()
) -> RenderedMap:
    """One neighbourhood's boundary, and the organisations around it as vector tiles (with
    the search's `filters` besides their kind)."""
    leaflet_map = leaflet.new_map()
    leaflet.fit(leaflet_map, spatial.extent([neighbourhood.boundary]))
    leaflet_map.add_child(neighbourhood_layer([neighbourhood], link=False))
    markers = kind_markers()
    url = tile_url([*ORGANISATION_TILES, *filters])
    leaflet_map.add_child(leaflet.place_tiles(url=url, markers=markers))
    return leaflet.render(
        leaflet_map,
        label=_("Map of %(name)s; the list below has the same organisations.")
        % {"name": neighbourhood.name},
        css_class="map",
        tiles=True,
        legend=kind_legend(markers),
    )


def organisation_map(organisation: Organisation) -> RenderedMap:
    """A small map around one organisation; empty markup when it has no location."""
    if organisation.point is None:
        return RenderedMap()
    leaflet_map = leaflet.new_map(
        center=spatial.latlng(organisation.point), zoom=leaflet.STREET_ZOOM
    )
    markers = _organisation_data([organisation])
    leaflet_map.add_child(leaflet.DataLayer("addOrganisations", markers))
    return leaflet.render(
        leaflet_map,
        label=_("Map showing where %(name)s is; the address is given above.")
        % {"name": organisation.name},
        css_class="map map--small",
        legend=mark_safe(""),
    )
