// Inspector dashboard: open alerts arrive live over Server-Sent Events
// from /ui/alerts/stream (the session authenticates it).
"use strict";
(function () {
  var list = document.getElementById("alerts");
  if (!list || !window.EventSource) return;
  var live = document.getElementById("live");
  var count = document.getElementById("open-count");
  var csrf = document.querySelector('meta[name="csrf-token"]').content;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function recount() {
    count.textContent = String(list.querySelectorAll("li.alert-item:not(.acked)").length);
    var none = document.getElementById("no-alerts");
    if (none) none.hidden = list.querySelectorAll("li.alert-item").length > 0;
  }
  function item(ev) {
    var a = ev.alert;
    var li = el("li", "alert-item fresh k-" + a.kind);
    li.dataset.id = a.id;
    var head = el("div", "head-row");
    head.appendChild(el("b", "", ev.kind_label));
    head.appendChild(el("span", "small muted", new Date(a.raised_at).toLocaleString(document.documentElement.lang)));
    li.appendChild(head);
    li.appendChild(el("div", "", ev.party_name + (a.street ? " · " + a.street : "")));
    li.appendChild(el("div", "small", ev.message));
    var tr = el("div", "small");
    var link = el("a", "", "→");
    link.href = "/trace/" + encodeURIComponent(a.subject);
    tr.appendChild(link);
    li.appendChild(tr);
    var f = el("form", "inline-form");
    f.method = "post";
    f.action = "/alerts/" + encodeURIComponent(a.id) + "/ack";
    var h = el("input"); h.type = "hidden"; h.name = "csrf"; h.value = csrf; f.appendChild(h);
    var note = el("input"); note.name = "note"; note.required = true; note.placeholder = list.dataset.tNote; f.appendChild(note);
    var b = el("button", "", list.dataset.tAck); b.type = "submit"; f.appendChild(b);
    li.appendChild(f);
    return li;
  }
  var es = new EventSource("/ui/alerts/stream");
  es.onopen = function () { live.classList.add("on"); live.title = live.dataset.tLive; };
  es.onerror = function () { live.classList.remove("on"); live.title = live.dataset.tOff; };
  es.addEventListener("alert", function (m) {
    var ev;
    try { ev = JSON.parse(m.data); } catch (e) { return; }
    var old = list.querySelector('li[data-id="' + CSS.escape(ev.alert.id) + '"]');
    if (ev.alert.status === "acknowledged" && ev.alert.ongoing && old) {
      // Acknowledged while its condition holds: it stays, marked as such.
      old.classList.add("acked");
      var form = old.querySelector("form");
      if (form) form.replaceWith(el("div", "small ack-note", list.dataset.tAcked + (ev.alert.note ? " · " + ev.alert.note : "")));
      recount();
      return;
    }
    if (old) old.remove();
    if (ev.alert.status === "open") list.insertBefore(item(ev), list.firstChild);
    recount();
  });
})();
