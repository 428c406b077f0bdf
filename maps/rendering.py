"""The maps of the search and the handout, on spatial.leaflet with buurt's organisation markers
and neighbourhood areas (buurt.maps)."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

import spatial
from buurt.maps import KIND_STYLES, marker_icon, neighbourhood_layer, tile_url
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
    """The searched place, its radius and the results, drawn by maps/search-map.js: numbered
    inline markers on the handout, else the results' vector tiles (maps/tile-layer.js)."""
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


# What a tile URL leaves out of a search's parameters: the tiles cover the whole map, and a
# tile is the same for every page of the list.
NOT_TILE_FILTERS = {"radius", "page", "page_size"}


def tile_filters(params) -> list[tuple[str, str]]:
    """The search's filters (a SearchParams) as the tile URL's (parameter, value) pairs: no
    place, radius or page, so that every search with the same filters shares its tiles."""
    return [
        (name, value)
        for name, value in params.query_items(location=False)
        if name not in NOT_TILE_FILTERS
    ]


def result_markers() -> dict[str, dict]:
    """Every marker a result can have: organisation kinds, and each other kind registered."""
    return {
        key: _marker(key)
        for key in [*KIND_STYLES, *RESULT_KIND_STYLES]
        if key not in RESULT_KIND_STYLES or registry.sources([key])
    }


def search_map(
    *,
    location,
    radius_m: int,
    params,
    neighbourhood: Neighbourhood | None,
    search_url: str,
) -> RenderedMap:
    """The searched place (a maps.search.service.Location), the radius circle, the
    neighbourhood around it and the results of the search `params` as vector tiles, whatever
    their number: the page carries none of them. A click on the map searches again from
    there: `search_url` is the search without its place ("" for none)."""
    leaflet_map = leaflet.new_map(center=spatial.latlng(location.point))
    leaflet.fit(leaflet_map, spatial.bbox_around(location.point, radius_m))
    if neighbourhood is not None:
        leaflet_map.add_child(neighbourhood_layer([neighbourhood], link=True))
    markers = result_markers()
    data = {
        "tiles": leaflet.place_tiles(url=tile_url(tile_filters(params)), markers=markers).data,
        "centre": spatial.latlng(location.point),
        "radius": radius_m,
        "place": location.label,
        "search_url": search_url,
        "texts": {
            "place": _("The searched place"),
            "search_here": _("Search from here"),
        },
    }
    leaflet_map.add_child(_search_layer(data))
    return leaflet.render(
        leaflet_map,
        label=_("Map of the places found; the list below has the same places."),
        css_class="map search-map",
        tiles=True,
        legend=leaflet.legend(
            (mark_safe(marker["icon"]), marker["label"])  # icons built here from constants
            for marker in markers.values()
        ),
        extra_js=(assets.SEARCH_MAP_JS,),
    )


# The handout's sketch: a drawing in these units, scaled to the map's box (about 18 × 9 cm).
SKETCH_WIDTH, SKETCH_HEIGHT, SKETCH_MARGIN = 600, 280, 24


def handout_sketch(*, location, results, show_place: bool, label: str) -> SafeString:
    """The handout map's places drawn without tiles or JavaScript: numbered circles where the
    numbered places are (north up, with a scale bar), and the searched place only when the
    handout shows the address. What a printout or a browser without JavaScript shows in the
    map's box (spatial.leaflet.render's fallback)."""
    points = [r.point for r in results] + ([location.point] if show_place else [])
    drawn = spatial.sketch(points, width=SKETCH_WIDTH, height=SKETCH_HEIGHT, margin=SKETCH_MARGIN)
    # Places at the same spot (activities at their organisation's address) share one mark
    # that names all their numbers ("4–9"), rather than hiding each other.
    spots: dict[tuple[float, float], list[int]] = {}
    for number, position in enumerate(drawn.positions[: len(results)], start=1):
        spots.setdefault(position, []).append(number)
    marks = format_html_join(
        "",
        '<g class="sketch-place"><rect x="{}" y="{}" width="{}" height="22" rx="11"/>'
        '<text x="{}" y="{}" text-anchor="middle" dominant-baseline="central">{}</text></g>',
        (
            (x - width / 2, y - 11, width, x, y, label)
            for (x, y), numbers in spots.items()
            for label in [_number_ranges(numbers)]
            for width in [max(22, 8 * len(label) + 10)]
        ),
    )
    if show_place:
        x, y = drawn.positions[-1]
        marks += format_html(
            '<g class="sketch-home"><path d="M{} {}l8 8M{} {}l-8 8" /></g>'
            '<text class="sketch-label" x="{}" y="{}">{}</text>',
            x - 4,
            y - 4,
            x + 4,
            y - 4,
            x + 10,
            y + 4,
            _("The searched place"),
        )
    bottom = SKETCH_HEIGHT - 10
    scale = format_html(
        '<g class="sketch-scale"><path d="M10 {}v-6M10 {}h{}M{} {}v-6"/>'
        '<text x="{}" y="{}">{}</text></g>',
        bottom,
        bottom,
        drawn.bar_units,
        10 + drawn.bar_units,
        bottom,
        14 + drawn.bar_units,
        bottom,
        spatial.distance_text(drawn.bar_m),
    )
    north = format_html(
        '<g class="sketch-north"><path d="M{} 30v-20l-5 8M{} 10l5 8"/>'
        '<text x="{}" y="44" text-anchor="middle">{}</text></g>',
        SKETCH_WIDTH - 14,
        SKETCH_WIDTH - 14,
        SKETCH_WIDTH - 14,
        _("N"),
    )
    return format_html(
        '<div class="map-fallback handout-sketch">'
        '<svg viewBox="0 0 {} {}" role="img" aria-label="{}">{}{}{}</svg>'
        "<p>{}</p></div>",
        SKETCH_WIDTH,
        SKETCH_HEIGHT,
        label,
        marks,
        scale,
        north,
        _(
            "A sketch without streets: the numbers are those of the list, north is up. "
            "Scan the QR code for the map online."
        ),
    )


def _number_ranges(numbers: list[int]) -> str:
    """[4, 5, 6, 9] -> "4–6, 9": the numbers of the list at one spot of the sketch."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


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
    label = _("Map of the places on this handout, numbered as in the list.")
    return leaflet.render(
        leaflet_map,
        label=label,
        css_class="map handout-map",
        legend=mark_safe(""),
        extra_js=(assets.SEARCH_MAP_JS,),
        fallback=handout_sketch(
            location=location, results=results, show_place=show_place, label=label
        ),
    )
