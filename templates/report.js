(function () {
  "use strict";
  var form = document.getElementById("filters");
  var count = document.getElementById("filter-count");
  var cases = Array.prototype.slice.call(document.querySelectorAll("tbody.case"));
  var keys = ["level", "element", "verdict", "mode"];

  // A case's trials are packed into the page (deflated, base64) and laid out here when the
  // case is first opened, so a big run's page stays small and quick to open. The packed HTML
  // was escaped by the report's templates like the rest of the page; DOMParser builds it
  // without running anything, and the CSP would refuse any script in it anyway.
  function unpack(box, then) {
    var packed = box.getAttribute("data-z");
    if (packed === null || typeof DecompressionStream === "undefined") {
      return;
    }
    box.removeAttribute("data-z");
    var raw = atob(packed);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      bytes[i] = raw.charCodeAt(i);
    }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    new Response(stream).text().then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      box.textContent = "";
      while (doc.body.firstChild) {
        box.appendChild(document.adoptNode(doc.body.firstChild));
      }
      if (then) {
        then();
      }
    });
  }

  function unpackCase(details, then) {
    var box = details.querySelector(":scope > div.evidence[data-z]");
    if (box) {
      unpack(box, then);
    } else if (then) {
      then();
    }
  }

  document.addEventListener("toggle", function (event) {
    var target = event.target;
    if (target.open && target.classList && target.classList.contains("case")) {
      unpackCase(target, null);
    }
  }, true);

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
    unpackCase(target, function () {
      target.scrollIntoView();
    });
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
