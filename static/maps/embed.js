/* Embedded map and agenda (maps/embed.py): every link opens the full page in a new tab,
 * also those Leaflet writes into popups and its attribution, except the pager's
 * (data-in-frame). Plain ES5, no inline script (CSP). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var node = event.target;
    while (node && node.nodeName !== "A") { node = node.parentNode; }
    if (!node || !node.href || node.hasAttribute("data-in-frame")) { return; }
    node.target = "_blank";
    node.rel = "noopener";
  }, true);
}());
