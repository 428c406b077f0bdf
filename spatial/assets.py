"""Static paths of the browser libraries that maps load: our vendored copies, never a CDN.

The versions follow package.json; `make vendor-assets` copies the files into static/vendor/
(see static/vendor/VERSIONS.md). A test checks that every path below exists.
"""

LEAFLET_JS = "vendor/leaflet-1.9.4/leaflet.js"
LEAFLET_CSS = "vendor/leaflet-1.9.4/leaflet.css"
# @mapbox/vector-tile and pbf bundled into one script (scripts/vendor-assets).
VECTOR_TILE_JS = "vendor/vector-tile-3.0.0/vector-tile.js"
OPENLAYERS_JS = "vendor/ol-10.11.0/ol.js"
OPENLAYERS_CSS = "vendor/ol-10.11.0/ol.css"

# Our own code on top of Leaflet: marker and area layers built from JSON, and their styles.
MAP_JS = "maps/map.js"
MAP_CSS = "maps/map.css"
# Starts the admin's OpenLayers map widget (spatial/widgets.py) without an inline script.
MAP_WIDGET_JS = "maps/map-widget.js"
# The search page's map: searched place, radius, numbered markers on the handout, else tiles.
SEARCH_MAP_JS = "maps/search-map.js"
# The places of the home, neighbourhood, search and embedded maps, from vector tiles.
TILE_LAYER_JS = "maps/tile-layer.js"

ALL = (
    LEAFLET_JS,
    LEAFLET_CSS,
    VECTOR_TILE_JS,
    OPENLAYERS_JS,
    OPENLAYERS_CSS,
    MAP_JS,
    MAP_CSS,
    MAP_WIDGET_JS,
    SEARCH_MAP_JS,
    TILE_LAYER_JS,
)
