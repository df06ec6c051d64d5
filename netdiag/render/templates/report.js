"use strict";
// Sorting, filtering and the lane charts of the netdiag report. Device-supplied strings are only ever
// set with textContent / setAttribute, never parsed as HTML.
(function () {
  var list = document.getElementById("list");
  var items = Array.prototype.slice.call(list.children);
  var data = null, S = null, T = null;   // the details block is parsed when first needed, not at load
  function loadData() {
    if (!data) {
      data = JSON.parse(document.getElementById("details").textContent);
      S = data.s;
      T = data.t;
    }
  }
  var SEV = {critical: 0, warning: 1, info: 2};
  var NS = "http://www.w3.org/2000/svg";
  var texts = null;

  function cell(el, i) { return el.firstElementChild.children[i].textContent; }

  // sorting: click a header; again to reverse
  var sortCol = -1, sortDir = 1;
  document.querySelector(".fh").addEventListener("click", function (ev) {
    var b = ev.target.closest("button");
    if (!b) return;
    var col = +b.getAttribute("data-col");
    sortDir = col === sortCol ? -sortDir : 1;
    sortCol = col;
    var keyed = items.map(function (el, i) {
      var v = cell(el, col);
      return {el: el, k: col === 0 ? SEV[v] : v, i: i};
    });
    keyed.sort(function (x, y) {
      var c = typeof x.k === "number" ? x.k - y.k : x.k.localeCompare(y.k, undefined, {numeric: true});
      return (c || x.i - y.i) * sortDir;
    });
    var frag = document.createDocumentFragment();
    keyed.forEach(function (x) { frag.appendChild(x.el); });
    list.appendChild(frag);
    items = keyed.map(function (x) { return x.el; });
    document.querySelectorAll(".fh button").forEach(function (x) { x.classList.toggle("sorted", x === b); });
  });

  // filtering: free text over each finding, and severity / plane / kind
  var q = document.getElementById("q"), fsev = document.getElementById("fsev"),
      fplane = document.getElementById("fplane"), fkind = document.getElementById("fkind");
  function applyFilter() {
    var words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length && !texts) {
      texts = new Map();
      items.forEach(function (el) { texts.set(el, el.textContent.toLowerCase()); });
    }
    var shown = 0;
    items.forEach(function (el) {
      var ok = (!fsev.value || cell(el, 0) === fsev.value) && (!fplane.value || cell(el, 2) === fplane.value) &&
               (!fkind.value || cell(el, 1) === fkind.value);
      if (ok && words.length) {
        var t = texts.get(el);
        ok = words.every(function (w) { return t.indexOf(w) >= 0; });
      }
      el.hidden = !ok;
      if (ok) shown++;
    });
    document.getElementById("shown").textContent = shown + " shown";
  }
  [q, fsev, fplane, fkind].forEach(function (el) { el.addEventListener("input", applyFilter); });

  // lane charts, drawn when a finding is opened (or before printing)
  function svg(tag, attrs, parent) {
    var el = document.createElementNS(NS, tag);
    for (var k in attrs) el.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(el);
    return el;
  }
  function chart(label, lanes, thr, idx, unit) {
    // bars per lane for one metric (idx 1 Rx dBm, 2 Tx dBm, 3 bias mA) with the threshold lines
    var t = thr, W = 28 * Math.max(lanes.length, 4) + 44, H = 110, top = 8, bot = H - 18;
    var vals = lanes.map(function (l) { return l[idx]; }).filter(function (v) { return v !== null; });
    var marks = t.filter(function (v) { return v !== null; });
    var lo = Math.min.apply(null, vals.concat(marks, [unit === "mA" ? 0 : -15]));
    var hi = Math.max.apply(null, vals.concat(marks, [unit === "mA" ? 1 : 3]));
    if (unit !== "mA") lo = Math.max(lo, -20);
    var y = function (v) { return bot - (Math.max(Math.min(v, hi), lo) - lo) / (hi - lo || 1) * (bot - top); };
    var fig = document.createElement("figure");
    var s = svg("svg", {width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img"}, fig);
    svg("title", {}, s).textContent = label;
    svg("line", {x1: 36, x2: 36, y1: top, y2: bot, "class": "ax"}, s);
    svg("line", {x1: 36, x2: W, y1: bot, y2: bot, "class": "ax"}, s);
    [[hi, hi.toFixed(0)], [lo, lo.toFixed(0)]].forEach(function (p) {
      var tx = svg("text", {x: 2, y: y(p[0]) + 3}, s); tx.textContent = p[1];
    });
    var names = ["low alarm", "low warning", "high warning", "high alarm"];
    t.forEach(function (v, i) {
      if (v === null) return;
      var ln = svg("line", {x1: 36, x2: W, y1: y(v), y2: y(v), "class": i === 0 || i === 3 ? "la" : "lw"}, s);
      svg("title", {}, ln).textContent = names[i] + " " + v + " " + unit;
    });
    lanes.forEach(function (l, i) {
      var v = l[idx], x = 42 + i * 28;
      var tx = svg("text", {x: x + 6, y: H - 5}, s); tx.textContent = l[0];
      if (v === null) return;
      var bad = (t[0] !== null && v < t[0]) || (t[3] !== null && v > t[3]);
      var wrn = (t[1] !== null && v < t[1]) || (t[2] !== null && v > t[2]);
      var r = svg("rect", {x: x, y: Math.min(y(v), bot - 2), width: 18, height: Math.max(bot - y(v), 2),
                           "class": bad ? "bad" : wrn ? "wrn" : "ok"}, s);
      svg("title", {}, r).textContent = "lane " + l[0] + ": " + (unit !== "mA" && v <= -40 ? "no light" : v + " " + unit);
    });
    var cap = document.createElement("figcaption");
    cap.textContent = label;
    fig.appendChild(cap);
    return fig;
  }
  function table(lanes) {
    var tb = document.createElement("table"), head = tb.insertRow();
    ["lane", "Rx dBm", "Tx dBm", "bias mA"].forEach(function (h) {
      var th = document.createElement("th"); th.textContent = h; head.appendChild(th);
    });
    lanes.forEach(function (l) {
      var row = tb.insertRow();
      l.forEach(function (v, i) {
        row.insertCell().textContent = v === null ? "?" : (i === 1 || i === 2) && v <= -40 ? "dark" : String(v);
      });
    });
    return tb;
  }
  function join(ix) { return ix.map(function (i) { return S[i]; }).join(""); }
  function el(tag, parent, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    if (parent) parent.appendChild(e);
    return e;
  }
  function draw(details) {
    // the detail of a finding, built from the JSON data block when first opened (text only)
    if (details.querySelector(".d")) return;
    loadData();
    var f = data.f[details.id.slice(2)];
    if (!f) return;
    var d = el("div", details, null, "d");
    var head = el("p", d, f[0] === null ? null : S[f[0]] + " ");
    el("code", head, details.id.slice(2));
    el("p", d, S[f[1]]);
    el("p", d, join(f[2]), "act");
    f[3].forEach(function (link) {
      var parts = link[1].map(function (x) {
        return typeof x === "number" ? S[x] :
          x[0] + " " + S[x[1]] + " (" + S[x[2]] + (x[3] === null ? "" : "; " + S[x[3]]) + ")";
      });
      el("p", d, S[link[0]] + (parts.length ? ": " + parts.join(" → ") : ""), "ends");
    });
    var box = el("div", d, null, "lanes");
    f[8].forEach(function (end) {
      var label = S[end[0]], lanes = end[1], thr = T[end[2]];
      if (!lanes.length) { el("p", box, label + ": no lane readings"); return; }
      var row = el("div", box, null, "end");
      row.appendChild(chart(label + " Rx dBm", lanes, thr[0], 1, "dBm"));
      row.appendChild(chart(label + " Tx dBm", lanes, thr[1], 2, "dBm"));
      row.appendChild(chart(label + " bias mA", lanes, thr[2], 3, "mA"));
      row.appendChild(table(lanes));
    });
    el("h4", d, "Steps");
    var ol = el("ol", d);
    f[4].forEach(function (ix) { el("li", ol, join(ix)); });
    if (f[5].length) el("p", d, "Bring: " + f[5].map(function (i) { return S[i]; }).join("; "));
    el("h4", d, "Evidence");
    var ul = el("ul", d);
    f[6].forEach(function (ix) { el("li", ul, join(ix)); });
    el("h4", d, "Verify");
    var cmds = el("ul", d, null, "cmd");
    f[7].forEach(function (v) {
      var li = el("li", cmds, v[0] === null ? "" : S[v[0]] + ": ");
      el("code", li, join(v[1]));
    });
  }
  list.addEventListener("toggle", function (ev) { if (ev.target.open) draw(ev.target); }, true);

  function openHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.tagName === "DETAILS") { el.hidden = false; el.open = true; draw(el); el.scrollIntoView(); }
  }
  window.addEventListener("hashchange", openHash);
  openHash();

  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = items.filter(function (el) { return !el.open && !el.hidden; });
    closed.forEach(function (el) { el.open = true; draw(el); });
  });
  window.addEventListener("afterprint", function () { closed.forEach(function (el) { el.open = false; }); });
})();
