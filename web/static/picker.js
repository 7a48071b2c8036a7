// Waste-code picker: when a code is chosen (from the datalist or typed),
// fill in the catalogue name and hazard characteristics.
"use strict";
(function () {
  var code = document.getElementById("code");
  if (!code) return;
  var name = document.getElementById("name");
  var hint = document.getElementById("code-hint");
  var autoName = "";
  var catalog = null;
  fetch("/ui/catalog.json", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : []; })
    .then(function (list) { catalog = list; fill(); })
    .catch(function () {});

  function normalize(v) {
    v = (v || "").trim().split(/\s+/)[0];
    var d = v.replace(/-/g, "");
    if (/^\d{8}$/.test(d)) return d.slice(0, 3) + "-" + d.slice(3, 6) + "-" + d.slice(6);
    return v;
  }
  function fill() {
    if (!catalog) return;
    var c = normalize(code.value);
    var hit = null;
    for (var i = 0; i < catalog.length; i++) if (catalog[i].code === c) { hit = catalog[i]; break; }
    if (!hit) return;
    if (code.value !== c) code.value = c;
    var en = document.documentElement.lang === "en";
    var n = (en && hit.name_en) ? hit.name_en : hit.name;
    if (!name.value || name.value === autoName) { name.value = hit.name; autoName = hit.name; }
    document.querySelectorAll('input[name="hazards"]').forEach(function (box) {
      box.checked = hit.hazards.indexOf(box.value) >= 0;
    });
    if (hint) hint.textContent = hit.category + " · " + n + (hit.medical ? " · 48h" : "");
  }
  code.addEventListener("change", fill);
  code.addEventListener("input", fill);
})();
