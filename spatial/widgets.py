"""The admin's map widget, loading OpenLayers from our static files and tiles from our server.

Django's OSMWidget pulls OpenLayers from cdn.jsdelivr.net and tiles from openstreetmap.org, and
starts with an inline script; this one uses the vendored copy (see spatial/assets.py), the tiles of
settings.MAP_TILE_URL, and maps/map-widget.js, which reads its options from the markup.
"""

import json

from django.conf import settings
from django.contrib.gis.forms import OSMWidget

from . import assets


class LocalOSMWidget(OSMWidget):
    template_name = "spatial/widgets/openlayers-local.html"
    # Degrees; django-stubs types OSMWidget's defaults as int, Django takes any number.
    default_lon = settings.MAP_DEFAULT_CENTER[1]  # type: ignore[assignment]
    default_lat = settings.MAP_DEFAULT_CENTER[0]  # type: ignore[assignment]
    default_zoom = 13

    class Media:
        extend = False  # replace OSMWidget's CDN links instead of adding to them
        css = {"all": (assets.OPENLAYERS_CSS, "gis/css/ol3.css")}
        js = (assets.OPENLAYERS_JS, "gis/js/OLMapWidget.js", assets.MAP_WIDGET_JS)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        options = {
            "geom_name": context["geom_type"],
            "id": context["id"],
            "map_id": f"{context['id']}_map",
            "map_srid": context["map_srid"],
            "name": context["name"],
            "module": context["module"],
            "default_lon": context["default_lon"],
            "default_lat": context["default_lat"],
            "default_zoom": context["default_zoom"],
            "tiles": {
                # Leaflet's {s} subdomain placeholder is {a-c} in OpenLayers; {r} (retina) has
                # none.
                "url": settings.MAP_TILE_URL.replace("{s}", "{a-c}").replace("{r}", ""),
                "attribution": settings.MAP_TILE_ATTRIBUTION,
                "max_zoom": settings.MAP_MAX_ZOOM,
            },
        }
        # An HTML attribute, escaped by the template like any other value.
        context["map_options_json"] = json.dumps(options)
        return context
