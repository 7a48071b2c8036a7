// The public verification page of a manifest (/verify/manifests/{id}).
// It fetches the manifest's public trace and checks it here, in the
// browser, with WebCrypto, trusting nothing the server says about it:
//   - each published event's leaf hash is recomputed: SHA-256(0x00 ‖ bytes)
//     (RFC 6962); a withheld event (personal data) gives only its hash;
//   - each inclusion proof is folded from the leaf hash to a root
//     (RFC 6962 / RFC 9162 §2.1.3.2), which must equal the checkpoint's;
//   - the checkpoint's note signature is verified (Ed25519) with the
//     verifier key served beside it, when the browser supports Ed25519.
// Every event gets data-proof="ok" or "failed"; #verify-summary and
// #cp-signature get data-state.
"use strict";

(function () {
  const root = document.getElementById("verify");
  if (!root) return;
  const words = JSON.parse(document.getElementById("verify-words").textContent);
  const w = (k) => words[k] || k;
  const enc = new TextEncoder();

  const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const concat = (...parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  };
  const hashLeaf = (bytes) => sha256(concat(Uint8Array.of(0), bytes));
  const hashChildren = (l, r) => sha256(concat(Uint8Array.of(1), l, r));
  const fromHex = (s) => new Uint8Array((s.match(/../g) || []).map((b) => parseInt(b, 16)));
  const toHex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  const fromB64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

  // rootFromInclusionProof folds proof from leaf at index in a tree of
  // size leaves (transparency-dev/merkle proof.RootFromInclusionProof).
  async function rootFromInclusionProof(index, size, leaf, proof) {
    index = BigInt(index); size = BigInt(size);
    if (index >= size) throw new Error("index beyond the tree");
    const inner = (index ^ (size - 1n)).toString(2).replace(/^0+/, "").length;
    let border = 0;
    for (let x = index >> BigInt(inner); x > 0n; x >>= 1n) border += Number(x & 1n);
    if (proof.length !== inner + border) throw new Error("wrong proof length");
    let h = leaf;
    for (let i = 0; i < inner; i++) {
      h = ((index >> BigInt(i)) & 1n) === 0n ? await hashChildren(h, proof[i]) : await hashChildren(proof[i], h);
    }
    for (let i = inner; i < proof.length; i++) h = await hashChildren(proof[i], h);
    return h;
  }

  // parseCheckpoint reads a C2SP checkpoint note: origin, size, root hash,
  // the signed text and its signature lines.
  function parseCheckpoint(text) {
    const cut = text.indexOf("\n\n");
    if (cut < 0) throw new Error("not a signed note");
    const body = text.slice(0, cut + 1);
    const lines = body.split("\n");
    const sigs = text.slice(cut + 2).split("\n").filter((l) => l.startsWith("\u2014 ")).map((l) => {
      const [name, b64] = l.slice(2).split(" ");
      return { name, sig: fromB64(b64) };
    });
    return { body, origin: lines[0], size: lines[1], root: fromB64(lines[2]), sigs };
  }

  // verifyNote checks a signature of the note by the verifier key
  // "name+hash+base64(0x01 ‖ Ed25519 public key)": "ok", "bad", or
  // "unknown" when this browser cannot verify Ed25519.
  async function verifyNote(cp, vkey) {
    const plus = vkey.indexOf("+");
    const name = vkey.slice(0, plus);
    const hash = vkey.slice(plus + 1, plus + 9);
    const key = fromB64(vkey.slice(plus + 10));
    if (key[0] !== 1 || key.length !== 33) return "bad";
    const id = (await sha256(concat(enc.encode(name + "\n"), key))).slice(0, 4);
    if (toHex(id) !== hash) return "bad";
    const sig = cp.sigs.find((s) => s.name === name && s.sig.length === 68 && equal(s.sig.slice(0, 4), id));
    if (!sig) return "bad";
    let pub;
    try {
      pub = await crypto.subtle.importKey("raw", key.slice(1), { name: "Ed25519" }, false, ["verify"]);
    } catch (e) {
      return "unknown";
    }
    return (await crypto.subtle.verify({ name: "Ed25519" }, pub, sig.sig.slice(4), enc.encode(cp.body))) ? "ok" : "bad";
  }

  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const fact = (dl, k, v, cls) => {
    dl.append(el("dt", "", w(k)));
    dl.append(el("dd", cls || "", v));
  };
  const summary = document.getElementById("verify-summary");
  const setSummary = (state, text) => {
    summary.dataset.state = state;
    summary.className = "alert " + (state === "ok" ? "good" : "bad");
    summary.textContent = text;
  };
  const when = (t) => new Date(t).toLocaleString(document.documentElement.lang, { timeZone: "Asia/Shanghai", hour12: false });

  async function run() {
    const res = await fetch("/api/v1/verify/manifests/" + encodeURIComponent(root.dataset.id));
    if (res.status === 404) { setSummary("failed", w("ver.notfound")); return; }
    if (!res.ok) { setSummary("failed", w("ver.failed") + " " + res.status); return; }
    const data = await res.json();
    const m = data.manifest;
    const md = document.getElementById("verify-manifest");
    fact(md, "ver.number", m.number, "mono");
    fact(md, "ver.status", w("ms." + m.status));
    fact(md, "ver.generator", m.generator);
    fact(md, "ver.carriers", m.carriers.join("、"));
    fact(md, "ver.receiver", m.receiver);
    fact(md, "ver.batches", m.batches + " · " + m.total_kg + " kg");

    const cp = parseCheckpoint(data.checkpoint);
    const cd = document.getElementById("verify-checkpoint");
    fact(cd, "ver.origin", cp.origin, "mono wrap");
    fact(cd, "ver.size", cp.size);
    fact(cd, "ver.root", toHex(cp.root), "mono wrap small");
    fact(cd, "ver.key", data.log_key, "mono wrap small");
    const sig = await verifyNote(cp, data.log_key);
    const sp = document.getElementById("cp-signature");
    sp.dataset.state = sig;
    sp.className = "small " + (sig === "ok" ? "good-text" : sig === "bad" ? "bad-text" : "warn-text");
    sp.textContent = w(sig === "ok" ? "ver.sigok" : sig === "bad" ? "ver.sigbad" : "ver.sigunknown");

    const list = document.getElementById("verify-events");
    let failed = 0;
    for (const e of data.events) {
      const li = el("li", "verify-event");
      li.dataset.index = e.index;
      let ok = false;
      let note;
      try {
        const claimed = fromHex(e.leaf_hash);
        let leaf = claimed;
        if (!e.withheld) {
          leaf = await hashLeaf(enc.encode(e.event));
          note = equal(leaf, claimed) ? w("ver.leafok") : w("ver.leafbad");
        } else {
          note = w("ver.withheld");
        }
        const got = await rootFromInclusionProof(e.index, cp.size, leaf, e.inclusion_proof.map(fromB64));
        ok = equal(got, cp.root) && (e.withheld || equal(leaf, claimed));
      } catch (err) {
        note = String(err.message || err);
      }
      if (!ok) failed++;
      li.dataset.proof = ok ? "ok" : "failed";
      const head = el("div");
      head.append(el("b", "", w("ev." + e.type)), document.createTextNode(" · " + e.party + " "));
      head.append(el("span", "badge " + (ok ? "st-received" : "st-rejected"), ok ? w("ver.ok") : w("ver.bad")));
      li.append(head);
      li.append(el("div", "small muted", when(e.occurred_at) + " · #" + e.index + " · " + note));
      list.append(li);
    }
    if (failed === 0 && sig !== "bad") setSummary("ok", w("ver.allok").replace("%d", data.events.length));
    else setSummary("failed", w("ver.somebad").replace("%d", failed));
  }

  run().catch((err) => setSummary("failed", w("ver.failed") + " " + (err.message || err)));
})();
