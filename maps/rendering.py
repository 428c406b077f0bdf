"""The maps of the search and the handout, on spatial.leaflet with buurt's organisation markers
and neighbourhood areas (buurt.maps)."""

from __future__ import annotations

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

import spatial
from buurt.maps import KIND_STYLES, marker_icon, neighbourhood_layer
from buurt.models import Neighbourhood, Organisation
from buurt.search import registry
from spatial import assets, leaflet
from spatial.leaflet import MarkerStyle, RenderedMap

Kind = Organisation.Kind
ORGANISATIONS = "organisations"  # the organisations' search source (buurt.search)
# Every other kind of result has one marker of its own, named in the legend by the kind
# ("Neighbours who help", "Activities"): never lumped under the organisations' "Other".
RESULT_KIND_STYLES = {
    "activities": MarkerStyle("#d55e00", "star"),
    "help_offers": MarkerStyle("#0072b2", "heart"),
}


def _search_layer(data: dict) -> leaflet.DataLayer:
    """The searched place, its radius and the results, drawn by maps/search-map.js: inline
    markers when there are few enough, else a layer that asks the bounding-box API."""
    return leaflet.DataLayer("addSearch", data)


def _result_category(result) -> str:
    """The marker of a result: an organisation's kind, else the kind of result itself."""
    if result.kind in RESULT_KIND_STYLES:
        return result.kind
    return result.category if result.category in KIND_STYLES else Kind.OTHER


def _marker(category: str) -> dict:
    """The legend's name and the icon of a marker key from _result_category."""
    if category in RESULT_KIND_STYLES:
        label = next((str(s.label) for s in registry.sources([category])), category)
        return {"label": label, "icon": str(leaflet.marker_svg(RESULT_KIND_STYLES[category]))}
    return {"label": str(Kind(category).label), "icon": str(marker_icon(category))}


def _search_results_data(results, *, numbered: bool) -> dict:
    """Rows [lat, lon, title, url, category, distance text] and the categories' icons."""
    rows, categories = [], {}
    for result in results:
        category = _result_category(result)
        categories[category] = _marker(category)
        rows.append(
            [
                *spatial.latlng(result.point),
                result.title,
                result.url,
                category,
                result.distance_text,
            ]
        )
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
    leaflet_map = leaflet.new_map(center=spatial.latlng(location.point))
    leaflet.fit(leaflet_map, spatial.bbox_around(location.point, radius_m))
    if neighbourhood is not None:
        leaflet_map.add_child(neighbourhood_layer([neighbourhood], link=True))
    data = _search_results_data(results or [], numbered=False)
    if results is None:  # the layer may bring any category
        data["categories"] = {
            key: _marker(key)
            for key in [*KIND_STYLES, *RESULT_KIND_STYLES]
            if key not in RESULT_KIND_STYLES or registry.sources([key])
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
    leaflet_map.add_child(_search_layer(data))
    return leaflet.render(
        leaflet_map,
        label=_("Map of the places found; the list below has the same places."),
        css_class="map search-map",
        cluster=True,
        legend=leaflet.legend(
            (mark_safe(marker["icon"]), marker["label"])  # icons built here from constants
            for marker in data["categories"].values()
        ),
        extra_js=(assets.SEARCH_MAP_JS,),
    )


def handout_map(*, location, results, show_place: bool) -> RenderedMap:
    """The handout's map: the results as numbered markers matching the numbered list, and the
    searched place only when the handout shows the address."""
    results = list(results)
    points = [r.point for r in results] + ([location.point] if show_place else [])
    leaflet_map = leaflet.new_map(center=spatial.latlng(location.point))
    leaflet.fit(leaflet_map, spatial.extent(points))
    data = _search_results_data(results, numbered=True)
    if show_place:
        data.update(centre=spatial.latlng(location.point), place=location.label)
    data["texts"] = {"place": _("The searched place")}
    leaflet_map.add_child(_search_layer(data))
    return leaflet.render(
        leaflet_map,
        label=_("Map of the places on this handout, numbered as in the list."),
        css_class="map handout-map",
        cluster=False,
        legend=mark_safe(""),
        extra_js=(assets.SEARCH_MAP_JS,),
    )
