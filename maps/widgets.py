"""The admin's map widget, loading OpenLayers from our static files and tiles from our server.

Django's OSMWidget pulls OpenLayers from cdn.jsdelivr.net and tiles from openstreetmap.org;
this one uses the vendored copy (see maps/assets.py) and settings.MAP_TILE_URL.
"""

from django.conf import settings
from django.contrib.gis.forms import OSMWidget

from . import assets


class LocalOSMWidget(OSMWidget):
    template_name = "maps/widgets/openlayers-local.html"
    default_lon = settings.MAP_DEFAULT_CENTER[1]
    default_lat = settings.MAP_DEFAULT_CENTER[0]
    default_zoom = 13

    class Media:
        extend = False  # replace OSMWidget's CDN links instead of adding to them
        css = {"all": (assets.OPENLAYERS_CSS, "gis/css/ol3.css")}
        js = (assets.OPENLAYERS_JS, "gis/js/OLMapWidget.js")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Leaflet's {s} subdomain placeholder is {a-c} in OpenLayers; {r} (retina) has none.
        context["tile_url"] = settings.MAP_TILE_URL.replace("{s}", "{a-c}").replace("{r}", "")
        context["tile_attribution"] = settings.MAP_TILE_ATTRIBUTION
        context["tile_max_zoom"] = settings.MAP_MAX_ZOOM
        return context
