/* The places of a map as vector tiles (/api/tiles/{z}/{x}/{y}.mvt, layer "places"), one layer
 * for the home map, the neighbourhood maps, the search map and the embeds (spatial/leaflet.py
 * place_tiles). For each tile in view it fetches the tile, decodes it (the vendored
 * @mapbox/vector-tile and pbf) and puts Leaflet markers on the map: a place as the marker of its
 * category with the popup of today (the title as a link, the category), a cluster (`count`,
 * made on the server below zoom 17) as a count that zooms in on click or Enter. Markers are
 * keyboard focusable buttons named by their title; they go when their tile is unloaded.
 *
 * The page's cost stays the same whatever the number of places: it carries none of them.
 * Every name becomes DOM text (textContent), never HTML. Plain ES5 apart from fetch. */
(function (L, buurtkaart) {
  "use strict";

  // The server makes every place a point from this zoom on: deeper zooms reuse its tiles.
  var POINTS_ZOOM = 17;
  var CLUSTER_STEP = 2;  // zoom levels a click on a cluster goes in

  var element = buurtkaart.element;  // maps/map.js: a node with only text in it

  function popup(properties, category) {
    var box = element("div", "map-popup");
    var link = element("a", "", properties.title);
    link.href = properties.url;
    box.appendChild(link);
    if (category) { box.appendChild(element("div", "", category.label)); }
    return box;
  }

  // Tile pixels (0..extent) of tile x/y at zoom z to latitude and longitude (Web Mercator).
  function toLatLng(coords, extent, point) {
    var n = Math.pow(2, coords.z);
    var lon = (coords.x + point.x / extent) / n * 360 - 180;
    var y = Math.PI * (1 - 2 * (coords.y + point.y / extent) / n);
    var lat = Math.atan(0.5 * (Math.exp(y) - Math.exp(-y))) * 180 / Math.PI;
    return L.latLng(lat, lon);
  }

  // A marker's accessible name: Leaflet gives it only a title, which a button's own text (a
  // cluster's count) would override.
  function named(marker, name) {
    marker.on("add", function () { marker.getElement().setAttribute("aria-label", name); });
    return marker;
  }

  function clusterIcon(count) {
    var text = count >= 10000 ? Math.floor(count / 1000) + "k" : String(count);
    var size = Math.max(34, 12 + 8 * text.length);
    return L.divIcon({ className: "cluster-marker", html: element("span", "", text), iconSize: [size, size] });
  }

  var PlaceTiles = L.GridLayer.extend({
    options: { maxNativeZoom: POINTS_ZOOM, updateWhenZooming: false, keepBuffer: 1, pane: "tilePane" },

    initialize: function (data, options) {
      L.GridLayer.prototype.initialize.call(this, options);
      this._data = data;
      this._icons = buurtkaart.markerIcons(data.categories);
      this._markers = L.layerGroup();
      this._byTile = {};  // tile key -> {z, markers: [], ids: [], request}
      this._shown = {};   // "z/place id" -> tile key: one marker per place whatever the tile edges
    },

    onAdd: function (map) {
      L.GridLayer.prototype.onAdd.call(this, map);
      this._markers.addTo(map);
      this.on("tileunload", this._unloadTile, this);
      map.on("zoomend", this._dropOtherZooms, this);
    },

    onRemove: function (map) {
      map.off("zoomend", this._dropOtherZooms, this);
      this.off("tileunload", this._unloadTile, this);
      L.GridLayer.prototype.onRemove.call(this, map);
      map.removeLayer(this._markers);
    },

    createTile: function (coords, done) {
      var tile = element("div", "place-tile");  // draws nothing: the markers are the layer
      var key = this._tileCoordsToKey(coords);
      var entry = { z: coords.z, markers: [], ids: [] };
      this._byTile[key] = entry;
      var url = L.Util.template(this._data.url, { z: coords.z, x: coords.x, y: coords.y });
      var controller = window.AbortController ? new window.AbortController() : null;
      entry.request = controller;
      var self = this;
      window.fetch(url, { credentials: "same-origin", signal: controller && controller.signal })
        .then(function (response) {
          if (response.status === 204) { return null; }
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.arrayBuffer();
        })
        .then(function (buffer) {
          entry.request = null;
          if (self._byTile[key] !== entry) { return; }  // unloaded meanwhile
          if (buffer && buffer.byteLength) {
            var decoded = new window.VectorTile(new window.Pbf(new Uint8Array(buffer)));
            if (decoded.layers.places) { self._addFeatures(coords, key, entry, decoded.layers.places); }
          }
          done(null, tile);
        })["catch"](function (error) {
          entry.request = null;
          if (error && error.name === "AbortError") { return; }
          self._failed();
          done(error, tile);
        });
      return tile;
    },

    _zoomInView: function () {
      return this._clampZoom(Math.round(this._map.getZoom()));
    },

    _addFeatures: function (coords, key, entry, layer) {
      for (var i = 0; i < layer.length; i++) {
        var feature = layer.feature(i);
        var point = feature.loadGeometry()[0][0];
        // A feature in the tile's buffer belongs to the neighbouring tile, which draws it.
        if (point.x < 0 || point.y < 0 || point.x >= layer.extent || point.y >= layer.extent) { continue; }
        var properties = feature.properties;
        var latlng = toLatLng(coords, layer.extent, point);
        var marker;
        if (properties.id === undefined && properties.count) {
          marker = this._cluster(latlng, Number(properties.count), coords.z);
        } else {
          var id = coords.z + "/" + properties.id;
          if (this._shown[id]) { continue; }
          this._shown[id] = key;
          entry.ids.push(id);
          marker = this._place(latlng, properties);
        }
        entry.markers.push(marker);
      }
      // Only the tiles of the zoom in view show: Leaflet keeps the previous zoom's tiles a
      // moment while the new ones load, and their clusters would double the places.
      if (coords.z === this._zoomInView()) {
        var group = this._markers;
        entry.markers.forEach(function (marker) { group.addLayer(marker); });
      }
    },

    _categoryKey: function (properties) {
      var categories = this._data.categories;
      if (categories[properties.kind]) { return properties.kind; }
      return categories[properties.category] ? properties.category : "other";
    },

    _place: function (latlng, properties) {
      var key = this._categoryKey(properties);
      var category = this._data.categories[key];
      var marker = named(L.marker(latlng, { icon: this._icons[key], title: properties.title, keyboard: true }), properties.title);
      marker.bindPopup(function () { return popup(properties, category); });
      return marker;
    },

    _cluster: function (latlng, count, z) {
      var name = this._data.texts.cluster.replace("%(count)s", String(count));
      var marker = named(L.marker(latlng, { icon: clusterIcon(count), title: name, keyboard: true }), name);
      var map = this._map;
      function zoomIn() {
        map.setView(latlng, Math.min(Math.max(map.getZoom(), z) + CLUSTER_STEP, map.getMaxZoom()));
      }
      marker.on("click", zoomIn);
      marker.on("keypress", function (event) {
        if (event.originalEvent.keyCode === 13) { zoomIn(); }
      });
      return marker;
    },

    _forget: function (key) {
      var entry = this._byTile[key];
      if (!entry) { return; }
      if (entry.request) { entry.request.abort(); }
      var group = this._markers;
      entry.markers.forEach(function (marker) { group.removeLayer(marker); });
      var shown = this._shown;
      entry.ids.forEach(function (id) { if (shown[id] === key) { delete shown[id]; } });
      delete this._byTile[key];
    },

    _unloadTile: function (event) {
      this._forget(this._tileCoordsToKey(event.coords));
    },

    _dropOtherZooms: function () {
      var current = this._zoomInView();
      var group = this._markers;
      var byTile = this._byTile;
      Object.keys(byTile).forEach(function (key) {
        var entry = byTile[key];
        if (entry.z === current) {
          entry.markers.forEach(function (marker) { group.addLayer(marker); });
        } else {
          entry.markers.forEach(function (marker) { group.removeLayer(marker); });
        }
      });
    },

    _failed: function () {
      if (this._notice || !this._data.texts.failed) { return; }
      var box = element("p", "map-notice", this._data.texts.failed);
      box.setAttribute("role", "status");
      var container = this._map.getContainer();
      container.parentNode.insertBefore(box, container.nextSibling);
      this._notice = box;
    }
  });

  // data: {url: ".../{z}/{x}/{y}.mvt?filters", categories: {code: {label, icon}},
  //        texts: {cluster: "... %(count)s ...", failed: "..."}}
  buurtkaart.addPlaceTiles = function (map, data) {
    if (!window.fetch || !window.VectorTile) { return null; }
    return new PlaceTiles(data).addTo(map);
  };
}(window.L, window.buurtkaart));
