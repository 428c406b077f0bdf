/* The search page's map (maps/rendering.py search_map and handout_map): the searched place,
 * the walking radius, and the results: numbered inline markers on the handout, else the
 * results' vector tiles (maps/tile-layer.js).
 * Every name and address becomes DOM text (textContent), never HTML. Plain ES5. */
(function (L, buurtkaart) {
  "use strict";

  var element = buurtkaart.element;  // maps/map.js: a node with only text in it

  function numberIcon(number) {
    var label = element("span", "", String(number));
    return L.divIcon({ className: "number-marker", html: label, iconSize: [22, 22] });
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
    if (data.numbered) {
      var numbered = data.results.map(function (row, index) {
        return L.marker([row[0], row[1]], {
          icon: numberIcon(index + 1), title: (index + 1) + ". " + row[2], keyboard: false
        });
      });
      return L.featureGroup(numbered).addTo(map);
    }
    // The results, whatever their number, from the vector tiles of the search's filters.
    var layer = buurtkaart.addPlaceTiles(map, data.tiles);
    searchHere(map, data);
    return layer;
  }

  buurtkaart.addSearch = addSearch;
}(window.L, window.buurtkaart));
