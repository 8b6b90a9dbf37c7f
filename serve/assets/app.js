/* app.js - the page of `portkit serve`: search as you type, answers with
 * every field and its origin, permalinks (#/443, #/search/words,
 * #/name/http), and a map of the whole port space.  Everything the API
 * returns is outside input: it reaches the page only as text
 * (textContent, createTextNode), never as markup. */
"use strict";

(function () {
  var $ = function (id) { return document.getElementById(id); };
  var q = $("q"), results = $("results"), status = $("status");
  var LEGEND = {
    a: "assigned by IANA", r: "reserved by IANA", s: "services(5) only",
    o: "unofficial use only", u: "unassigned"
  };
  var ORIGINS = {
    iana: "IANA registry", services: "services(5) file",
    supplement: "portkit's supplement of IANA ranges", unofficial: "known unofficial use"
  };

  /* Control characters and bidirectional overrides shown as escapes, as
   * the CLI shows them: text from the registry cannot hide or reorder
   * what is around it. */
  var CONTROLS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
  function visible(s) {
    return s.replace(CONTROLS, function (c) {
      var h = c.charCodeAt(0).toString(16);
      return c.charCodeAt(0) < 0x100 ? "\\x" + ("0" + h).slice(-2) : "\\u" + ("000" + h).slice(-4);
    });
  }

  /* An element with text children only: strings become text nodes. */
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      e.appendChild(typeof c === "string" ? document.createTextNode(visible(c)) : c);
    });
    return e;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  /* ---- fetching: the newest request wins ----------------------------- */
  var seq = 0;
  function api(path) {
    return fetch(path, { headers: { Accept: "application/json" } }).then(function (r) {
      return r.json().then(function (doc) { return { status: r.status, doc: doc }; });
    });
  }

  /* ---- rendering records ------------------------------------------------ */
  function value(v) {
    if (v === null || v === undefined) return "—";
    if (Array.isArray(v)) {
      if (v.length === 0) return "—";
      return v.map(function (x) { return typeof x === "object" ? JSON.stringify(x) : String(x); }).join(", ");
    }
    if (typeof v === "object") return JSON.stringify(v);
    if (v === "") return "—";
    return String(v);
  }

  function ports(rec) {
    return rec.port_lo === rec.port_hi ? String(rec.port_lo) : rec.port_lo + "-" + rec.port_hi;
  }

  function card(rec, open) {
    var link = el("a", { href: "#/" + encodeURIComponent(ports(rec)) }, [ports(rec) + (rec.protocol ? "/" + rec.protocol : "")]);
    var name = el("strong", {}, [rec.name || "(no name)"]);
    var origin = el("span", { "class": "badge origin", title: "where this record comes from" },
                    [ORIGINS[rec.origin] || String(rec.origin)]);
    var kind = el("span", { "class": "badge" }, [String(rec.kind)]);
    var fields = el("dl", {}, []);
    Object.keys(rec).forEach(function (k) {
      fields.appendChild(el("dt", {}, [k]));
      fields.appendChild(el("dd", {}, [value(rec[k])]));
    });
    var c = el("article", { "class": "card", tabindex: "0" }, [
      el("h3", {}, [link, name, kind, origin]),
      el("div", { "class": "desc" }, [rec.description || ""]),
      el("details", open ? { open: "" } : {}, [el("summary", {}, ["every field"]), fields])
    ]);
    c.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && ev.target === c) { link.click(); }
    });
    return c;
  }

  /* A short answer shows every field at once; a long one on request. */
  function showRecords(title, recs, note) {
    var box = el("div", {}, [el("h2", {}, [title])]);
    if (note) box.appendChild(el("p", { "class": "note" }, [note]));
    recs.forEach(function (r) { box.appendChild(card(r, recs.length <= 2)); });
    results.appendChild(box);
  }

  function showError(doc, what) {
    var msg = doc && doc.error ? doc.error.message : "no answer";
    status.textContent = visible(what + ": " + msg);
  }

  /* ---- questions ---------------------------------------------------------- */
  function lookupPort(spec, my) {
    return api("/v1/ports/" + encodeURIComponent(spec).replace(/%2F/g, "/")).then(function (r) {
      if (my !== seq) return;
      if (r.status !== 200) { showError(r.doc, spec); return; }
      var qy = r.doc.queries[0];
      var cls = (qy.classes || []).join(", ");
      status.textContent = spec + " — class " + cls + (qy.found ? "" : " — no record: unassigned") +
        (qy.total > qy.records.length ? " — first " + qy.records.length + " of " + qy.total : "");
      showRecords("Port " + spec, qy.records);
      if (qy.port_lo === qy.port_hi) mapFocus(qy.port_lo);
    });
  }

  function search(words, my) {
    var name = words.trim();
    var both = [];
    if (/^[A-Za-z0-9][A-Za-z0-9._+-]*(\/[a-z]+)?$/.test(name)) {
      both.push(api("/v1/names/" + encodeURIComponent(name).replace(/%2F/g, "/")));
    } else {
      both.push(Promise.resolve(null));
    }
    both.push(api("/v1/search?q=" + encodeURIComponent(name) + "&limit=50"));
    return Promise.all(both).then(function (rs) {
      if (my !== seq) return;
      var exact = rs[0], found = rs[1];
      var shown = 0;
      if (exact && exact.status === 200 && exact.doc.queries[0].found) {
        showRecords("Service " + name, exact.doc.queries[0].records);
        shown += exact.doc.queries[0].records.length;
      }
      if (found.status !== 200) { showError(found.doc, name); return; }
      var d = found.doc;
      if (d.records.length > 0)
        showRecords("Records matching “" + name + "”", d.records,
                    d.total > d.records.length ? "first " + d.records.length + " of " + d.total : null);
      shown += d.records.length;
      status.textContent = visible(shown ? (d.total || d.count) + " record(s) match" : "nothing matches “" + name + "”");
    });
  }

  var PORTSPEC = /^\d{1,5}(-\d{1,5})?(\/[a-z]+)?$/;

  function ask(text, fromHash) {
    var t = text.trim();
    var my = ++seq;
    clear(results);
    status.textContent = "";
    if (!fromHash) {
      var h = t === "" ? "#/" : PORTSPEC.test(t) ? "#/" + t : "#/search/" + encodeURIComponent(t);
      if (location.hash !== h) history.replaceState(null, "", h);
    }
    if (t === "") { document.body.classList.remove("asked"); return; }
    document.body.classList.add("asked");
    var p = PORTSPEC.test(t) ? lookupPort(t, my) : search(t, my);
    p.catch(function (e) { if (my === seq) status.textContent = "request failed: " + e; });
  }

  /* Permalinks: #/443, #/6000-6010/tcp, #/search/multicast, #/name/http. */
  function route() {
    var h = decodeURIComponent(location.hash.replace(/^#\/?/, ""));
    var text = h.indexOf("search/") === 0 ? h.slice(7) : h.indexOf("name/") === 0 ? h.slice(5) : h;
    if (q.value !== text) q.value = text;
    ask(text, true);
  }

  var timer = null;
  q.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { ask(q.value, false); }, 120);
  });
  $("form").addEventListener("submit", function (ev) { ev.preventDefault(); ask(q.value, false); });
  window.addEventListener("hashchange", route);

  /* Keyboard: / searches, arrows walk the results, Escape clears. */
  document.addEventListener("keydown", function (ev) {
    var cards = Array.prototype.slice.call(document.querySelectorAll(".card"));
    var i = cards.indexOf(document.activeElement);
    if (ev.key === "/" && document.activeElement !== q) {
      ev.preventDefault(); q.focus(); q.select();
    } else if (ev.key === "Escape") {
      q.value = ""; ask("", false); q.focus();
    } else if (ev.key === "ArrowDown" && (document.activeElement === q || i >= 0) && cards.length) {
      ev.preventDefault(); cards[Math.min(i + 1, cards.length - 1)].focus();
    } else if (ev.key === "ArrowUp" && i >= 0) {
      ev.preventDefault(); if (i === 0) q.focus(); else cards[i - 1].focus();
    }
  });

  /* ---- the map ------------------------------------------------------------- */
  var canvas = $("map"), ctx = canvas.getContext("2d");
  var codes = null, eph = [];
  var view = { start: 0, side: 256 }; /* side x side cells from start */
  var cursor = 443;
  var css = getComputedStyle(document.documentElement);
  function color(code) { return css.getPropertyValue("--c-" + code).trim() || "#888"; }

  function classShade(port) { return port < 1024 ? 0.0 : port < 49152 ? 0.12 : 0.3; }

  function draw() {
    if (!codes) return;
    var n = view.side, cell = canvas.width / n;
    var cols = {};
    "arsou".split("").forEach(function (c) { cols[c] = color(c); });
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    for (var i = 0; i < n * n; i++) {
      var port = view.start + i;
      if (port > 65535) break;
      ctx.fillStyle = cols[codes.charAt(port)] || "#888";
      ctx.fillRect((i % n) * cell, Math.floor(i / n) * cell, Math.ceil(cell), Math.ceil(cell));
      /* The class darkens: System, User, Dynamic/Private. */
      var s = classShade(port);
      if (s > 0) {
        ctx.fillStyle = "rgba(0,0,0," + s / 2 + ")";
        ctx.fillRect((i % n) * cell, Math.floor(i / n) * cell, Math.ceil(cell), Math.ceil(cell));
      }
    }
    /* OS ephemeral ranges: outlined rows. */
    ctx.strokeStyle = "#d23c8c";
    ctx.lineWidth = Math.max(1, cell / 4);
    eph.forEach(function (p, k) {
      var lo = Math.max(p.port_lo, view.start), hi = Math.min(p.port_hi, view.start + n * n - 1);
      if (lo > hi) return;
      var r0 = Math.floor((lo - view.start) / n), r1 = Math.floor((hi - view.start) / n);
      var inset = k * ctx.lineWidth;
      ctx.strokeRect(inset, r0 * cell + inset, canvas.width - 2 * inset, (r1 - r0 + 1) * cell - 2 * inset);
    });
    if (cursor >= view.start && cursor < view.start + n * n) {
      var c = cursor - view.start;
      ctx.strokeStyle = "#ff2d2d";
      ctx.lineWidth = Math.max(2, cell / 6);
      ctx.strokeRect((c % n) * cell, Math.floor(c / n) * cell, cell, cell);
    }
    $("mapwhere").textContent = "(" + view.start + "–" + Math.min(65535, view.start + n * n - 1) + ")";
  }

  function portAt(ev) {
    var r = canvas.getBoundingClientRect();
    var n = view.side;
    var x = Math.floor((ev.clientX - r.left) / r.width * n);
    var y = Math.floor((ev.clientY - r.top) / r.height * n);
    x = Math.max(0, Math.min(n - 1, x)); y = Math.max(0, Math.min(n - 1, y));
    return Math.min(65535, view.start + y * n + x);
  }

  function zoom(dir, around) {
    var side = dir > 0 ? Math.max(16, view.side / 2) : Math.min(256, view.side * 2);
    var span = side * side;
    var start = Math.floor(around / span) * span;
    view = { start: start, side: side };
    draw();
  }

  function mapFocus(port) {
    cursor = port;
    if (port < view.start || port >= view.start + view.side * view.side) zoom(0, port);
    draw();
  }

  canvas.addEventListener("click", function (ev) {
    var port = portAt(ev);
    if (ev.shiftKey) { zoom(1, port); return; }
    cursor = port;
    location.hash = "#/" + port;
  });
  canvas.addEventListener("mousemove", function (ev) {
    var port = portAt(ev);
    $("hover").textContent = codes ? port + ": " + LEGEND[codes.charAt(port)] : "";
  });
  canvas.addEventListener("keydown", function (ev) {
    var n = view.side, moved = true;
    if (ev.key === "ArrowLeft") cursor -= 1;
    else if (ev.key === "ArrowRight") cursor += 1;
    else if (ev.key === "ArrowUp") cursor -= n;
    else if (ev.key === "ArrowDown") cursor += n;
    else if (ev.key === "+" || ev.key === "=") { zoom(1, cursor); moved = false; }
    else if (ev.key === "-") { zoom(-1, cursor); moved = false; }
    else if (ev.key === "Enter") { location.hash = "#/" + cursor; moved = false; }
    else return;
    ev.preventDefault();
    cursor = Math.max(0, Math.min(65535, cursor));
    if (moved) {
      mapFocus(cursor);
      $("hover").textContent = codes ? cursor + ": " + LEGEND[codes.charAt(cursor)] : "";
    }
  });
  $("zoomin").addEventListener("click", function () { zoom(1, cursor); });
  $("zoomout").addEventListener("click", function () { zoom(-1, cursor); });

  function legend(doc) {
    var ul = $("legend");
    clear(ul);
    doc.legend.forEach(function (l) {
      var i = el("i", {}, []);
      i.style.background = color(l.code);
      ul.appendChild(el("li", {}, [i, l.meaning + " (" + l.count + ")"]));
    });
    var e = el("i", { "class": "eph" }, []);
    ul.appendChild(el("li", {}, [e, "OS ephemeral ranges: " + eph.map(function (p) {
      return p.id + " " + p.port_lo + "-" + p.port_hi;
    }).join(", ")]));
    ul.appendChild(el("li", {}, ["darker: User, darkest: Dynamic/Private ports"]));
  }

  Promise.all([api("/v1/map"), api("/v1/ranges")]).then(function (rs) {
    codes = rs[0].doc.ports;
    eph = rs[1].doc.profiles.filter(function (p) { return p.common; });
    legend(rs[0].doc);
    canvas.setAttribute("data-ready", "1");
    draw();
  });

  route();
})();
