/* The search page's map (maps/rendering.py search_map and handout_map): the searched place,
 * the walking radius, and the results: inline, clustered by category, or, when there are too
 * many for the page, loaded from the bounding-box API for the part of the map in view.
 * Every name and address becomes DOM text (textContent), never HTML. Plain ES5. */
(function (L, buurtkaart) {
  "use strict";

  var RELOAD_DELAY_MS = 300;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function popup(title, url, category, distance) {
    var box = element("div", "map-popup");
    var link = element("a", "", title);
    link.href = url;
    box.appendChild(link);
    if (category) { box.appendChild(element("div", "", category)); }
    if (distance) { box.appendChild(element("div", "", distance)); }
    return box;
  }

  function icons(categories) {
    var made = {};
    Object.keys(categories).forEach(function (code) {
      made[code] = L.divIcon({
        className: "org-marker",
        html: categories[code].icon,  // built on the server from constants, not user text
        iconSize: [20, 20],
        popupAnchor: [0, -10]
      });
    });
    return made;
  }

  function numberIcon(number) {
    var label = element("span", "", String(number));
    return L.divIcon({ className: "number-marker", html: label, iconSize: [22, 22] });
  }

  // row: [lat, lon, title, url, category, distance text]
  function resultMarker(row, icon, category) {
    var marker = L.marker([row[0], row[1]], { icon: icon, title: row[2] });
    marker.bindPopup(function () {
      return popup(row[2], row[3], category && category.label, row[5]);
    });
    return marker;
  }

  function addPlace(map, data) {
    if (!data.centre) { return; }
    var place = L.circleMarker(data.centre, {
      radius: 8, color: "#000", weight: 3, fillColor: "#fff", fillOpacity: 1
    }).addTo(map);
    place.bindTooltip(element("span", "", data.texts.place + ": " + data.place));
    if (data.radius) {
      L.circle(data.centre, {
        radius: data.radius, color: "#000", weight: 2, dashArray: "6 6", fill: false,
        interactive: false
      }).addTo(map);
    }
  }

  function notice(map) {
    var box = element("p", "map-notice");
    box.setAttribute("role", "status");
    box.hidden = true;
    map.getContainer().parentNode.insertBefore(box, map.getContainer().nextSibling);
    return box;
  }

  function loadFromApi(map, data, layer, made) {
    var status = notice(map);
    var timer = null;
    var asked = 0;

    function load() {
      var bounds = map.getBounds();
      var bbox = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
        .map(function (value) { return value.toFixed(5); }).join(",");
      var mine = ++asked;
      window.fetch(data.layer_url + "&bbox=" + bbox, {
        headers: { Accept: "application/geo+json" }, credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (found) {
        if (mine !== asked) { return; }  // a newer view was asked for meanwhile
        layer.clearLayers();
        layer.addLayers(found.features.map(function (feature) {
          var p = feature.properties;
          var c = feature.geometry.coordinates;  // GeoJSON: [longitude, latitude]
          // The id starts with the kind ("help_offers-3"): kinds other than organisations
          // have a marker of their own (maps/rendering.py _result_category).
          var kind = String(feature.id).split("-")[0];
          var key = made[kind] ? kind : p.category;
          return resultMarker(
            [c[1], c[0], p.title, p.url, key, p.distance_text],
            made[key] || made.other,
            data.categories[key] || data.categories.other
          );
        }));
        status.textContent = found.truncated ? data.texts.too_many : "";
        status.hidden = !found.truncated;
      })["catch"](function () {
        if (mine === asked) {
          status.textContent = data.texts.failed;
          status.hidden = false;
        }
      });
    }

    map.on("moveend", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(load, RELOAD_DELAY_MS);
    });
    load();
  }

  function searchHere(map, data) {
    if (!data.search_url) { return; }
    map.on("click", function (event) {
      var link = element("a", "", data.texts.search_here);
      link.href = data.search_url + "&lat=" + event.latlng.lat.toFixed(6) +
        "&lon=" + event.latlng.lng.toFixed(6);
      L.popup().setLatLng(event.latlng).setContent(link).openOn(map);
    });
  }

  function addSearch(map, data) {
    addPlace(map, data);
    var made = icons(data.categories);
    if (data.numbered) {
      var numbered = data.results.map(function (row, index) {
        return L.marker([row[0], row[1]], {
          icon: numberIcon(index + 1), title: (index + 1) + ". " + row[2], keyboard: false
        });
      });
      return L.featureGroup(numbered).addTo(map);
    }
    var layer = buurtkaart.clusterGroup();
    layer.addLayers(data.results.map(function (row) {
      return resultMarker(row, made[row[4]] || made.other, data.categories[row[4]]);
    }));
    layer.addTo(map);
    if (data.layer_url && window.fetch) { loadFromApi(map, data, layer, made); }
    searchHere(map, data);
    return layer;
  }

  buurtkaart.addSearch = addSearch;
}(window.L, window.buurtkaart));
