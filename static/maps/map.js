/* Buurtkaart's map layers, built from the JSON that maps/rendering.py writes into the page.
 * Names and addresses only ever become DOM text (textContent), never HTML. Plain ES5, so that
 * old phones run it. Needs Leaflet. */
(function (L) {
  "use strict";

  var AREA_STYLES = {
    official: { color: "#0b5394", weight: 2, opacity: 0.8, fillOpacity: 0.06 },
    // Demo boundaries derived from postcodes: dashed, so nobody takes them for official ones.
    approximate: { color: "#6a4c93", weight: 2, opacity: 0.8, fillOpacity: 0.04, dashArray: "6 6" }
  };

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function link(text, url) {
    var anchor = element("a", "", text);
    anchor.href = url;
    return anchor;
  }

  // row: [lat, lon, name, url, kind, address]
  function organisationPopup(row, kind) {
    var box = element("div", "map-popup");
    box.appendChild(link(row[2], row[3]));
    if (kind) { box.appendChild(element("div", "", kind.label)); }
    if (row[5]) { box.appendChild(element("div", "", row[5])); }
    return box;
  }

  // One marker icon per kind or category code ({code: {icon: ...}}); also for tile-layer.js.
  function markerIcons(definitions) {
    var icons = {};
    Object.keys(definitions).forEach(function (code) {
      icons[code] = L.divIcon({
        className: "org-marker",
        html: definitions[code].icon,  // built on the server from constants, not user text
        iconSize: [20, 20],
        popupAnchor: [0, -10]
      });
    });
    return icons;
  }

  function addOrganisations(map, data) {
    var icons = markerIcons(data.kinds);
    var markers = data.organisations.map(function (row) {
      var marker = L.marker([row[0], row[1]], { icon: icons[row[4]], title: row[2] });
      // A function, so that popups are built when opened rather than for every marker.
      marker.bindPopup(function () { return organisationPopup(row, data.kinds[row[4]]); });
      return marker;
    });
    return L.featureGroup(markers).addTo(map);
  }

  // Leaflet's zoom buttons show "+" and "−" as text and are named "Zoom in"/"Zoom out" in
  // English: the name does not contain the visible text (WCAG 2.5.3). The signs are drawn
  // (SVG, hidden from screen readers) and the names come translated from the map's
  // data-zoom-in/data-zoom-out attributes (spatial/leaflet.py).
  var SIGNS = { "in": "M4 10h12M10 4v12", "out": "M4 10h12" };

  function drawSign(button, sign, name) {
    if (!button) { return; }
    button.innerHTML = '<svg viewBox="0 0 20 20" width="14" height="14" aria-hidden="true" ' +
      'focusable="false"><path d="' + SIGNS[sign] + '" stroke="currentColor" ' +
      'stroke-width="2.5" fill="none"/></svg>';
    if (name) {
      button.title = name;
      button.setAttribute("aria-label", name);
    }
  }

  L.Map.addInitHook(function () {
    if (!this.zoomControl) { return; }
    var names = this.getContainer().dataset;
    drawSign(this.zoomControl._zoomInButton, "in", names.zoomIn);
    drawSign(this.zoomControl._zoomOutButton, "out", names.zoomOut);
  });

  function addNeighbourhoods(map, data) {
    return L.geoJSON(data, {
      style: function (feature) {
        return feature.properties.approximate ? AREA_STYLES.approximate : AREA_STYLES.official;
      },
      onEachFeature: function (feature, layer) {
        var properties = feature.properties;
        layer.bindTooltip(element("span", "", properties.label), { sticky: true });
        if (properties.url) {
          layer.bindPopup(function () { return link(properties.name, properties.url); });
        }
      }
    }).addTo(map);
  }

  // A choropleth: each area filled with the colour of its class, chosen on the server, which
  // also writes the legend (in words and numbers) and the table of the same figures.
  function addChoropleth(map, data) {
    return L.geoJSON(data, {
      style: function (feature) {
        return { color: "#1f2933", weight: 1, fillColor: feature.properties.fill, fillOpacity: 0.75 };
      },
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(element("span", "", feature.properties.label), { sticky: true });
      }
    }).addTo(map);
  }

  window.buurtkaart = {
    element: element,  // also for maps/tile-layer.js
    markerIcons: markerIcons,
    addOrganisations: addOrganisations,
    addNeighbourhoods: addNeighbourhoods,
    addChoropleth: addChoropleth
  };
}(window.L));
