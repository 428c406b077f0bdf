// The activity form: show only the repetition details that fit the chosen repetition, and
// open "Advanced" for another rule. Without JavaScript every detail is shown, each under a
// legend that says when it applies, and "Preview the dates" works the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-schedule]");
  if (!form) return;
  var parts = {
    once: [],
    weekly: ["weekdays", "end"],
    biweekly: ["weekdays", "end"],
    monthly: ["monthly", "end"],
    dates: [],
    custom: []
  };
  function chosen() {
    var checked = form.querySelector("input[name=repeat]:checked");
    return checked ? checked.value : "once";
  }
  function update() {
    var kind = chosen();
    var wanted = parts[kind] || [];
    form.querySelectorAll("[data-repeat-part]").forEach(function (part) {
      // A part with an error stays visible: it has to be corrected.
      var name = part.getAttribute("data-repeat-part");
      part.hidden = wanted.indexOf(name) < 0 && !part.querySelector(".errorlist");
    });
    if (kind === "custom") {
      var advanced = form.querySelector("details.advanced");
      if (advanced) advanced.open = true;
    }
  }
  form.querySelectorAll("input[name=repeat]").forEach(function (radio) {
    radio.addEventListener("change", update);
  });
  update();
})();
