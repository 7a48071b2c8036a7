// Carrier scan page: read labels with the camera (BarcodeDetector, else the
// vendored jsQR) or typed entry, then record pickup, handover or delivery.
// Every step goes into a queue in localStorage first and is sent with its
// occurred_at and an Idempotency-Key, so a scan made offline is sent later,
// exactly once.
"use strict";
(function () {
  var root = document.getElementById("scan");
  if (!root) return;
  var QUEUE = "hwledger.queue.v1";
  var manifest = root.dataset.manifest, action = root.dataset.action;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var T = root.dataset;
  var statuses = JSON.parse(T.tStatuses || "{}"); // a manifest's status -> its name in the page's language
  var $ = function (id) { return document.getElementById(id); };
  var expected = Array.prototype.map.call(document.querySelectorAll("#expect li"), function (li) { return li.dataset.label; });
  var scanned = [];
  var loc = null;

  function show(cls, text) {
    var r = $("result");
    if (!r) return;
    r.className = "result " + cls;
    r.textContent = text;
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  // Geolocation for each handover.
  var geo = $("geo");
  if (geo) {
    if (navigator.geolocation) {
      navigator.geolocation.getCurrentPosition(function (p) {
        loc = { lat: +p.coords.latitude.toFixed(6), lon: +p.coords.longitude.toFixed(6) };
        geo.textContent = T.tGeoOk + " " + loc.lat.toFixed(4) + ", " + loc.lon.toFixed(4);
      }, function () { geo.textContent = T.tGeoNo; }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    } else {
      geo.textContent = T.tGeoNo;
    }
  }

  // Labels.
  function count() {
    var c = $("scan-count");
    if (c) c.textContent = scanned.length + " / " + expected.length;
  }
  function add(raw) {
    var label = String(raw || "").trim().toUpperCase();
    if (!label) return;
    if (expected.indexOf(label) < 0) { show("bad", T.tUnknown + " " + label); return; }
    if (scanned.indexOf(label) >= 0) { show("warn", T.tDup); return; }
    scanned.push(label);
    var li = document.querySelector('#expect li[data-label="' + label + '"]');
    if (li) li.classList.add("done");
    show("good", "✓ " + label);
    count();
    if (scanned.length === expected.length) stopCamera();
  }
  var typed = $("typed");
  if (typed) {
    $("add").addEventListener("click", function () { add(typed.value); typed.value = ""; typed.focus(); });
    typed.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); add(typed.value); typed.value = ""; }
    });
    count();
  }

  // Camera.
  var stream = null, timer = null;
  function stopCamera() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    var v = $("cam");
    if (v) v.hidden = true;
  }
  var camBtn = $("cam-start");
  if (camBtn) camBtn.addEventListener("click", function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { show("warn", T.tNocam); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
      stream = s;
      var v = $("cam");
      v.srcObject = s;
      v.hidden = false;
      v.play();
      var detector = ("BarcodeDetector" in window) ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
      var canvas = $("frame"), ctx = canvas.getContext("2d", { willReadFrequently: true });
      var tick = function () {
        if (!stream) return;
        var next = function () { timer = setTimeout(tick, 250); };
        if (v.readyState < 2) { next(); return; }
        if (detector) {
          detector.detect(v).then(function (codes) { codes.forEach(function (c) { add(c.rawValue); }); next(); }, next);
        } else if (window.jsQR) {
          canvas.width = v.videoWidth; canvas.height = v.videoHeight;
          ctx.drawImage(v, 0, 0);
          var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
          var code = window.jsQR(img.data, img.width, img.height, { inversionAttempts: "dontInvert" });
          if (code && code.data) add(code.data);
          next();
        } else {
          show("warn", T.tNocam);
        }
      };
      tick();
    }, function () { show("warn", T.tNocam); });
  });

  // The queue.
  function load() { try { return JSON.parse(localStorage.getItem(QUEUE)) || []; } catch (e) { return []; } }
  function save(q) { localStorage.setItem(QUEUE, JSON.stringify(q)); showQueue(); }
  function showQueue() {
    var q = load(), box = $("queue-box");
    if (!box) return;
    box.hidden = q.length === 0;
    $("queue-count").textContent = q.length + " " + T.tPending;
  }
  var flushing = false;
  function flush() {
    if (flushing) return Promise.resolve();
    var q = load();
    if (!q.length) return Promise.resolve();
    flushing = true;
    var it = q[0];
    return fetch("/ui/api/manifests/" + encodeURIComponent(it.manifest) + "/" + it.action, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Idempotency-Key": it.key },
      body: JSON.stringify(it.body)
    }).then(function (r) {
      var json = (r.headers.get("Content-Type") || "").indexOf("json") >= 0;
      if (r.status >= 500 || r.status === 401 || !json) { // keep it: try again later
        flushing = false;
        show("warn", T.tQueued);
        return;
      }
      return r.json().then(function (body) {
        var rest = load().filter(function (x) { return x.key !== it.key; });
        save(rest);
        flushing = false;
        if (r.ok) {
          show("good", T.tSent + " " + body.number + " → " + (statuses[body.status] || body.status));
          if (it.manifest === manifest && it.action !== "positions") {
            setTimeout(function () { location.reload(); }, 900);
          }
        } else {
          var e = body.error || {}, d = e.details || {};
          var extra = [].concat(d.missing || [], d.unexpected || []).join(" ");
          var msg = document.documentElement.lang === "en" ? e.message : (e.message_zh || T.tError);
          show("bad", T.tError + " " + (msg || r.status) + (extra ? " " + extra : ""));
          if (send && confirmBox) send.disabled = !confirmBox.checked; // refused: the driver may try again
        }
        return flush();
      });
    }, function () { // network down
      flushing = false;
      show("warn", T.tQueued);
    });
  }
  function enqueue(act, body) {
    var q = load();
    q.push({ key: uuid(), manifest: manifest, action: act, body: body });
    save(q);
    return flush();
  }

  // Delivery is deliberate: the driver ticks that the load is at the
  // receiver before the button works.
  var send = $("send"), confirmBox = $("confirm-deliver");
  if (send && confirmBox) {
    confirmBox.addEventListener("change", function () { send.disabled = !confirmBox.checked; });
    send.disabled = !confirmBox.checked;
  }
  if (send) send.addEventListener("click", function () {
    var now = new Date().toISOString();
    // A manifest entered from paper: the step keeps the paper's time.
    var paperTime = $("paper-time");
    if (paperTime && paperTime.value) now = new Date(paperTime.value).toISOString();
    if (action === "deliver") {
      if (!confirmBox || !confirmBox.checked) { show("bad", T.tConfirm); return; }
      send.disabled = true;
      enqueue("deliver", { location: loc, occurred_at: now });
      return;
    }
    var body = {
      labels: scanned.slice(), vehicle_plate: $("plate").value.trim(), driver: $("driver").value.trim(),
      escort: $("escort") ? $("escort").value.trim() : "",
      vehicle_permit: $("vehicle-permit") ? $("vehicle-permit").value.trim() : "",
      location: loc, occurred_at: now
    };
    var missing = expected.filter(function (l) { return scanned.indexOf(l) < 0; });
    if (missing.length) {
      // At a pickup the driver may load part and say why the rest stays.
      var partial = $("partial"), reason = $("left-reason");
      if (!partial) { show("bad", T.tMissing + " " + missing.join(" ")); return; }
      partial.hidden = false;
      if (!scanned.length) { show("bad", T.tNone); return; }
      if (!reason.value.trim()) { show("bad", T.tMissing + " " + missing.join(" ") + " " + T.tPartial); reason.focus(); return; }
      body.left_behind_reason = reason.value.trim();
    }
    enqueue(action, body);
  });

  // While this carrier holds the load (to deliver it, or to hand it over
  // to the next carrier), send a GPS point every 5 minutes.
  if (root.dataset.holding === "1" && navigator.geolocation) {
    var last = 0;
    navigator.geolocation.watchPosition(function (p) {
      var t = Date.now();
      if (t - last < 5 * 60 * 1000) return;
      last = t;
      enqueue("positions", { points: [{ lat: +p.coords.latitude.toFixed(6), lon: +p.coords.longitude.toFixed(6), at: new Date(t).toISOString() }] });
    }, function () {}, { enableHighAccuracy: true, maximumAge: 60000 });
  }

  var flushBtn = $("flush");
  if (flushBtn) flushBtn.addEventListener("click", flush);
  window.addEventListener("online", flush);
  setInterval(flush, 30000);
  showQueue();
  flush();
})();
