/* Starts Django's OpenLayers MapWidget (gis/js/OLMapWidget.js) for each map field of an admin
 * form, from the options in its data-map-options attribute (spatial/widgets.py), with tiles from
 * our tile server. An external file rather than Django's inline script, so that the Content
 * Security Policy can refuse inline scripts. The widget is also window[options.module], as
 * Django's template makes it. */
(function () {
  "use strict";

  function start(wrapper) {
    var options = JSON.parse(wrapper.getAttribute("data-map-options"));
    var tiles = options.tiles;
    delete options.tiles;
    options.base_layer = new ol.layer.Tile({
      source: new ol.source.XYZ({
        url: tiles.url,
        attributions: tiles.attribution,
        maxZoom: tiles.max_zoom
      })
    });
    window[options.module] = new MapWidget(options);
  }

  function startAll() {
    document.querySelectorAll(".dj_map_wrapper[data-map-options]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
}());
