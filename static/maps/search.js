/* The search page without which it still works: address suggestions while typing, "use my
 * location", tidy URLs, and the handout's print button. Plain ES5, no inline script (CSP).
 * Suggestions come from our own address API and become <option> text, never HTML. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 250;
  var MIN_LENGTH = 3;

  function setUpAutocomplete(form) {
    var input = form.querySelector("input[name=address]");
    var list = document.getElementById(input && input.getAttribute("list"));
    var url = form.getAttribute("data-autocomplete-url");
    if (!input || !list || !url || !window.fetch) { return; }
    var timer = null;
    var latest = 0;

    function show(labels) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      labels.forEach(function (label) {
        var option = document.createElement("option");
        option.value = label;
        list.appendChild(option);
      });
    }

    function ask(text) {
      var asked = ++latest;
      window.fetch(url + "?limit=8&q=" + encodeURIComponent(text), {
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.ok ? response.json() : { results: [] };
      }).then(function (data) {
        if (asked === latest) {  // an older, slower answer must not replace a newer one
          show((data.results || []).map(function (c) { return c.label; }));
        }
      })["catch"](function () { /* the plain form still works */ });
    }

    input.addEventListener("input", function () {
      var text = input.value.trim();
      window.clearTimeout(timer);
      if (text.length < MIN_LENGTH) { show([]); return; }
      timer = window.setTimeout(function () { ask(text); }, DEBOUNCE_MS);
    });
  }

  function hidden(form, name, value) {
    var field = form.querySelector("input[type=hidden][name=" + name + "]");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = name;
      form.appendChild(field);
    }
    field.value = value;
  }

  function setUpLocation(form) {
    var button = form.querySelector("[data-use-location]");
    var status = form.querySelector("[data-location-status]");
    if (!button || !navigator.geolocation) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.getAttribute("data-finding") || "…";
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector("input[name=address]").value = "";
        hidden(form, "lat", position.coords.latitude.toFixed(6));
        hidden(form, "lon", position.coords.longitude.toFixed(6));
        form.submit();
      }, function () {
        status.textContent = button.getAttribute("data-failed") || "";
      }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 });
    });
  }

  function setUpSubmit(form) {
    var km = form.querySelector("input[name=radius_km]");
    var custom = form.querySelector("input[name=radius][value=custom]");
    if (km && custom) {
      km.addEventListener("input", function () { custom.checked = true; });
    }
    form.addEventListener("submit", function () {
      var address = form.querySelector("input[name=address]");
      if (address && address.value.trim()) {
        // A typed address replaces a point from "use my location" or a map click.
        ["lat", "lon"].forEach(function (name) {
          var field = form.querySelector("input[type=hidden][name=" + name + "]");
          if (field) { field.parentNode.removeChild(field); }
        });
      }
      // Empty fields stay out of the URL, which is shared and bookmarked.
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.name && field.value === "" && !field.disabled) {
          field.disabled = true;
          field.setAttribute("data-emptied", "");
        }
      });
    });
    // Coming back with the back button shows the page as it was left: enable them again.
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(form.querySelectorAll("[data-emptied]"), function (field) {
        field.disabled = false;
        field.removeAttribute("data-emptied");
      });
    });
  }

  function setUpPrint() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.search-form"), function (form) {
    setUpAutocomplete(form);
    setUpLocation(form);
    setUpSubmit(form);
  });
  setUpPrint();
}());
