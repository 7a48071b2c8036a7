// Waste-code picker on the registration form. Typing in the code field (a
// code, part of one, or words of the description) or choosing an industry
// asks the server for matching codes of the whole catalogue and lists
// them; choosing one, or typing a complete code, fills in the catalogue
// name, the hazard characteristics and the exemptions that may apply, and
// shows the identification report's fields for a 900-000-xx code.
"use strict";
(function () {
  var code = document.getElementById("code");
  if (!code) return;
  var name = document.getElementById("name");
  var hint = document.getElementById("code-hint");
  var industry = document.getElementById("industry");
  var results = document.getElementById("code-results");
  var exempt = document.getElementById("code-exempt");
  var ident = document.getElementById("ident");
  var en = document.documentElement.lang === "en";
  var autoName = "";
  var timer = 0;
  var seq = 0; // answers to older searches are dropped

  function normalize(v) {
    v = (v || "").trim().split(/\s+/)[0];
    var d = v.replace(/-/g, "");
    if (/^\d{8}$/.test(d)) return d.slice(0, 3) + "-" + d.slice(3, 6) + "-" + d.slice(6);
    return v;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function label(hit) {
    return (en && hit.name_en) ? hit.name_en : hit.name;
  }

  // choose shows a code as chosen; withHazards also ticks its hazards.
  function choose(hit, withHazards) {
    var c = hit.code;
    if (code.value !== c) code.value = c;
    if (!name.value || name.value === autoName) { name.value = hit.name; autoName = hit.name; }
    if (withHazards) {
      document.querySelectorAll('input[name="hazards"]').forEach(function (box) {
        box.checked = hit.hazard_set.indexOf(box.value) >= 0;
      });
    }
    if (hint) {
      var parts = [hit.category, label(hit)];
      if (hit.hazards) parts.push(hint.getAttribute("data-hazards") + " " + hit.hazards);
      if (hit.medical) parts.push("48h");
      hint.textContent = parts.join(" · ");
    }
    if (ident) {
      var filled = [].some.call(ident.querySelectorAll("input"), function (i) { return i.value !== ""; });
      ident.hidden = !hit.by_identification && !filled;
    }
    if (exempt) {
      exempt.textContent = "";
      (hit.exemptions || []).forEach(function (x) {
        exempt.appendChild(el("li", "", exempt.getAttribute("data-title") + " " + x.item + " · " + x.stage + "：" + x.condition + " " + x.effect));
      });
      exempt.hidden = !hit.exemptions || hit.exemptions.length === 0;
    }
  }

  function show(items, more) {
    results.textContent = "";
    items.forEach(function (hit) {
      var b = el("button", "pick");
      b.type = "button";
      b.setAttribute("data-code", hit.code);
      b.appendChild(el("span", "code", hit.code));
      b.appendChild(document.createTextNode(" "));
      b.appendChild(el("span", hit.medical ? "badge med" : "badge", hit.category));
      b.appendChild(document.createTextNode(" " + label(hit)));
      b.appendChild(el("span", "small muted", " · " + hit.industry + (hit.hazards ? " · " + hit.hazards : "")));
      b.addEventListener("click", function () {
        choose(hit, true);
        results.hidden = true;
        name.focus();
      });
      var li = el("li");
      li.appendChild(b);
      results.appendChild(li);
    });
    if (items.length === 0) results.appendChild(el("li", "none", results.getAttribute("data-none")));
    if (more) results.appendChild(el("li", "none", results.getAttribute("data-more")));
  }

  // search asks for the codes matching the field and the industry; on
  // load (initial) it only shows what an already typed code is.
  function search(initial) {
    var q = code.value.trim();
    var ind = industry ? industry.value : "";
    if (/^\d{3}-\d{3}-\d{2}$/.test(normalize(q))) ind = ""; // a whole code: whatever its industry
    var my = ++seq;
    if (!q && !ind) { results.hidden = true; return; }
    fetch("/ui/catalog.json?q=" + encodeURIComponent(q) + "&industry=" + encodeURIComponent(ind), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (a) {
        if (!a || my !== seq) return;
        var c = normalize(code.value);
        var exact = null;
        a.items.forEach(function (hit) { if (hit.code === c) exact = hit; });
        if (exact) {
          choose(exact, !initial);
          results.hidden = true;
          return;
        }
        if (initial) return;
        show(a.items, a.more);
        results.hidden = false;
      })
      .catch(function () {});
  }

  code.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(false); }, 150);
  });
  if (industry) industry.addEventListener("change", function () { search(false); });
  if (code.value) search(true);
})();
