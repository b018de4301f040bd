(function () {
  "use strict";
  var form = document.getElementById("filters");
  var count = document.getElementById("filter-count");
  var cases = Array.prototype.slice.call(document.querySelectorAll("tbody.case"));
  var keys = ["level", "element", "verdict", "mode"];
  if (!form || !count) {
    return;
  }

  function apply() {
    var shown = 0;
    var mandatoryOnly = form.elements.mandatory.checked;
    cases.forEach(function (tbody) {
      var match = keys.every(function (key) {
        var want = form.elements[key].value;
        return want === "" || tbody.getAttribute("data-" + key) === want;
      });
      if (mandatoryOnly && tbody.getAttribute("data-mandatory") !== "true") {
        match = false;
      }
      tbody.hidden = !match;
      if (match) {
        shown += 1;
      }
    });
    count.textContent = shown + " / " + cases.length;
  }

  // Following a link to a case opens its evidence, clearing filters that would hide it.
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (!target || target.tagName !== "DETAILS") {
      return;
    }
    var tbody = target.closest("tbody.case");
    if (tbody && tbody.hidden) {
      form.reset();
      apply();
    }
    target.open = true;
    target.scrollIntoView();
  }

  form.hidden = false;
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });
  form.addEventListener("reset", function () {
    window.setTimeout(apply, 0);
  });
  window.addEventListener("hashchange", openTarget);
  apply();
  openTarget();
})();
