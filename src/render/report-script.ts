// The report page's own script: draws the charts, and recounts the tiles, charts and tables for the
// domain and periods picked, from the groups the page carries (no request leaves the page). Plain ES5
// in a string, inlined by html.ts; every value from the logs goes into the page as text, never markup.

/** The page's script (without the `<script>` tags). */
export const REPORT_SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  // kind: "shares" (stacked areas of percentages), "messages" or "senders" (lines of counts).
  function draw(id, chart, kind) {
    if (typeof Chart === "undefined") return;
    var stacked = kind === "shares", old = Chart.getChart(document.getElementById(id));
    if (old) old.destroy();
    new Chart(document.getElementById(id), {
      type: "line",
      data: { labels: chart.labels, datasets: chart.datasets.map(function (d, i) {
        // Each area fills down to the series under it (not to zero), so no two areas overlap and blend:
        // the colour on the page is the legend's colour.
        return { label: d.label, data: d[kind], messages: d.messages, shares: d.shares, borderColor: d.color, backgroundColor: d.color + (stacked ? "99" : "33"),
          fill: stacked ? (i === 0 ? "origin" : "-1") : false, stack: stacked ? "shares" : undefined,
          // Straight segments: a curve through the points would pass values the data does not have (27, 28, 27).
          pointRadius: chart.labels.length > 40 ? 0 : 2, tension: 0, borderWidth: stacked ? 1 : 2 };
      }) },
      options: { responsive: true, maintainAspectRatio: false, animation: false, interaction: { mode: "index", intersect: false },
        scales: { y: { stacked: stacked, beginAtZero: true, max: stacked ? 100 : undefined, ticks: { precision: stacked ? undefined : 0, callback: function (v) { return stacked ? v + " %" : Number(v).toLocaleString(); } } }, x: { ticks: { maxTicksLimit: 12 } } },
        plugins: { legend: { position: "bottom" }, tooltip: { callbacks: { label: function (item) {
          var d = item.dataset, i = item.dataIndex;
          if (kind === "senders") return d.label + ": " + grouped(Number(item.raw)) + " senders";
          if (d.shares[i] === null) return d.label + ": no messages";
          return d.label + ": " + grouped(Number(d.messages[i])) + " messages (" + d.shares[i].toFixed(2) + " %)";
        } } } } }
    });
  }
  // Chart.js gives an axis at most half the chart's width and draws a longer label past the canvas's
  // edge, cut where the reader cannot tell: a name that does not fit ends in "…" (the tooltip has it whole).
  function fittedLabel(scale, label) {
    var ctx = scale.chart.ctx, room = scale.chart.width / 2 - 16;
    ctx.save();
    ctx.font = Chart.helpers.toFont(scale.options.ticks.font).string;
    var cut = label.length;
    if (ctx.measureText(label).width > room) while (cut > 1 && ctx.measureText(label.slice(0, cut) + "…").width > room) cut--;
    ctx.restore();
    return cut === label.length ? label : label.slice(0, cut) + "…";
  }
  function bars(id, rows, label, colors) {
    if (typeof Chart === "undefined") return;
    var old = Chart.getChart(document.getElementById(id));
    if (old) old.destroy();
    new Chart(document.getElementById(id), { type: "bar",
      data: { labels: rows.map(function (r) { return r[0]; }), datasets: [{ label: label, data: rows.map(function (r) { return r[1]; }), backgroundColor: rows.map(function (r, i) { return colors ? colors[r[0]] || data.palette[i % data.palette.length] : data.palette[0]; }) }] },
      options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { autoSkip: false, callback: function (value) { return fittedLabel(this, this.getLabelForValue(value)); } } } } } });
  }
  function drawAll(d) {
    draw("volume-chart", d.volume, "messages");
    draw("tls-chart", d.tls, "shares");
    draw("auth-chart", d.auth, "shares");
    draw("progress-chart", d.progress, "senders");
    bars("top-senders-chart", d.topSenders, "messages");
    bars("senders-tls-chart", d.sendersByTls, "senders", data.colors);
  }
  drawAll(data);

  // "Show data for": every figure and table recounted from the carried groups of the domain and periods picked.
  var ROW = 8; // period, sender, client address, TLS, auth, messages, first and last seen (seconds from cube.base)
  var basicIndex = data.authValues.indexOf("basic");
  function zeros(n) { var a = []; for (var i = 0; i < n; i++) a.push(0); return a; }
  // A period without messages has no share: null, a gap in the chart, never 0 %.
  function share(v, whole) { return whole === 0 ? null : Math.round((v * 10000) / whole) / 100; }
  function text(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  function byTotal(a, b) { return b.total - a.total || text(a.name, b.name); }
  function count(o) { return Object.keys(o).length; }
  // Digits grouped as the server writes them (toLocaleString is slow for thousands of cells).
  function grouped(v) { var digits = String(Math.round(Math.abs(v))).replace(/\B(?=(\d{3})+(?!\d))/g, ","); return v < 0 ? "-" + digits : digits; }
  function number(v) { return [grouped(v), v]; }
  function percentCell(part, whole) { var v = share(part, whole); return v === null ? ["", 0] : [v.toFixed(2) + " %", v]; }
  // A time as the tables write it: the minute on the report's clock (offsets carried for its zone).
  function wall(second) {
    var c = data.cube, offset = c.offsets[0][1];
    for (var i = 1; i < c.offsets.length && c.offsets[i][0] <= second; i++) offset = c.offsets[i][1];
    return new Date((c.base + second) * 1000 + offset * 60000).toISOString().slice(0, 16).replace("T", " ");
  }
  function recount(domain, from, to) {
    var cube = data.cube, rows = cube.rows, n = to - from + 1;
    var legacy = {}, basic = {}, messages = 0, domains = {}, tls = data.tlsValues.map(function () { return zeros(n); }), auth = data.authValues.map(function () { return zeros(n); });
    var tlsSenders = data.tlsValues.map(function () { return {}; }), progress = [0, 1, 2].map(function () { var a = []; for (var i = 0; i < n; i++) a.push({}); return a; });
    var bySender = {}, senders = [], pairs = {}, actions = [];
    for (var i = 0; i < rows.length; i += ROW) {
      var period = rows[i], s = rows[i + 1], d = cube.domains[s];
      if (period < from || period > to || (domain !== "" && d !== domain)) continue;
      var p = period - from, ip = rows[i + 2], t = rows[i + 3], a = rows[i + 4], m = rows[i + 5], first = rows[i + 6], last = rows[i + 7];
      var isLegacy = data.legacy[t], isBasic = a === basicIndex;
      messages += m;
      if (isLegacy) legacy[s] = 1;
      if (isBasic) basic[s] = 1;
      (domains[d] = domains[d] || zeros(n))[p] += m;
      tls[t][p] += m; auth[a][p] += m;
      tlsSenders[t][s] = 1;
      progress[0][p][s] = 1; if (isLegacy) progress[1][p][s] = 1; if (isBasic) progress[2][p][s] = 1;
      var sender = bySender[s];
      if (!sender) senders.push(sender = bySender[s] = { id: s, name: cube.senders[s], domain: d, messages: 0, first: first, last: last, tls: [], auth: [] });
      sender.messages += m; sender.first = Math.min(sender.first, first); sender.last = Math.max(sender.last, last);
      sender.tls[t] = (sender.tls[t] || 0) + m; sender.auth[a] = (sender.auth[a] || 0) + m;
      if (!isLegacy && !isBasic) continue;
      var key = s + "," + ip, pair = pairs[key];
      if (!pair) actions.push(pair = pairs[key] = { owner: sender, sender: cube.senders[s], ip: cube.ips[ip], tls: [], auth: [], messages: 0, last: last });
      pair.tls[t] = 1; pair.auth[a] = 1; pair.messages += m; pair.last = Math.max(pair.last, last);
    }
    var labels = data.labels.slice(from, to + 1);
    var volume = Object.keys(domains).map(function (d) { return { name: d, values: domains[d], total: domains[d].reduce(function (a, b) { return a + b; }, 0) }; }).sort(byTotal);
    if (volume.length > data.top) {
      var other = { name: "other", values: zeros(n), total: 0 };
      volume.slice(data.top).forEach(function (s) { s.values.forEach(function (v, i) { other.values[i] += v; }); other.total += s.total; });
      volume = volume.slice(0, data.top).concat([other]);
    }
    function shares(values, counts) {
      var totals = zeros(n);
      counts.forEach(function (c) { c.forEach(function (v, i) { totals[i] += v; }); });
      var sets = [];
      counts.forEach(function (c, k) { if (c.some(function (v) { return v > 0; })) sets.push({ label: values[k], color: data.colors[values[k]] || data.palette[sets.length % data.palette.length], messages: c, shares: c.map(function (v, i) { return share(v, totals[i]); }) }); });
      return { labels: labels, datasets: sets };
    }
    // The details tables, in the server's orders: by messages; those needing action first; legacy TLS first, then by messages.
    senders.sort(function (a, b) { return b.messages - a.messages || text(a.name, b.name) || text(a.domain, b.domain); });
    function categoryRows(category) {
      var all = category === "tls" ? data.tlsValues : data.authValues, shown = data.tableValues[category];
      function flag(s) { return s[category].some(function (v, k) { return v !== undefined && (category === "tls" ? data.legacy[k] : k === basicIndex); }); }
      return senders.map(function (s) { return { s: s, flag: flag(s) }; })
        .sort(function (a, b) { return Number(b.flag) - Number(a.flag) || b.s.messages - a.s.messages || text(a.s.name, b.s.name); })
        .map(function (r) {
          var s = r.s, cells = [s.name, s.domain];
          shown.forEach(function (v) { var m = s[category][all.indexOf(v)]; cells.push(m === undefined ? ["", 0] : percentCell(m, s.messages)); });
          return { flagged: r.flag, cells: cells.concat([number(s.messages), wall(s.last)]) };
        });
    }
    function hasLegacy(r) { return r.tls.some(function (v, k) { return v && data.legacy[k]; }) ? 1 : 0; }
    // The summary's order: senders on legacy TLS first, then on Basic auth, each by all their messages; a sender's addresses together, legacy TLS first, then by messages.
    actions.sort(function (a, b) {
      return (legacy[b.owner.id] || 0) - (legacy[a.owner.id] || 0) || b.owner.messages - a.owner.messages || text(a.sender, b.sender) || hasLegacy(b) - hasLegacy(a) || b.messages - a.messages || text(a.ip, b.ip);
    });
    function present(values, set) { return values.filter(function (v, k) { return set[k]; }); }
    return {
      tiles: { senders: senders.length, messages: messages, legacy: count(legacy), basic: count(basic) },
      // Senders not counted on legacy TLS (Basic auth) whose TLS (auth) is unknown for some messages: the counts are lower bounds while there are any.
      unknown: {
        tls: senders.filter(function (s) { return legacy[s.id] === undefined && s.tls[data.tlsValues.indexOf("unknown")] !== undefined; }).length,
        auth: senders.filter(function (s) { return basic[s.id] === undefined && s.auth[data.authValues.indexOf("unknown")] !== undefined; }).length,
      },
      volume: { labels: labels, datasets: volume.map(function (s, i) { return { label: s.name, color: data.palette[i % data.palette.length], messages: s.values }; }) },
      tls: shares(data.tlsValues, tls), auth: shares(data.authValues, auth),
      progress: { labels: labels, datasets: data.progress.datasets.map(function (d) { return { label: d.label, color: d.color, series: d.series, senders: progress[d.series].map(count) }; }) },
      topSenders: senders.slice(0, data.topSendersShown).map(function (s) { return [s.name, s.messages]; }),
      sendersByTls: data.tlsValues.map(function (v, k) { return [v, count(tlsSenders[k])]; }).filter(function (r) { return r[1] > 0; }),
      tables: {
        volume: senders.map(function (s) { return { cells: [s.name, s.domain, number(s.messages), percentCell(s.messages, messages), wall(s.first), wall(s.last)] }; }),
        tls: categoryRows("tls"), auth: categoryRows("auth"),
        action: actions.map(function (r) {
          var problems = present(data.tlsValues, r.tls).filter(function (v) { return data.legacy[data.tlsValues.indexOf(v)]; }).map(function (v) { return v === "none" ? "no TLS" : v; });
          if (r.auth[basicIndex]) problems.push("Basic auth");
          return { cells: [r.sender, r.ip || "(unknown)", problems.join(", "), present(data.tlsValues, r.tls).join(" "), present(data.authValues, r.auth).join(" "), number(r.messages), wall(r.last)] };
        }),
      },
    };
  }
  // Failed logins per client address over the periods picked (they name no sender, so no domain).
  function recountFailed(from, to) {
    var f = data.failed, byIp = {}, total = 0;
    for (var i = 0; i < f.rows.length; i += 3) {
      if (f.rows[i] < from || f.rows[i] > to) continue;
      byIp[f.rows[i + 1]] = (byIp[f.rows[i + 1]] || 0) + f.rows[i + 2];
      total += f.rows[i + 2];
    }
    var rows = Object.keys(byIp).map(function (k) { return { ip: f.ips[k], n: byIp[k] }; }).sort(function (a, b) { return b.n - a.n || text(a.ip, b.ip); });
    return { total: total, addresses: rows.length, rows: rows.map(function (r) { return { cells: [r.ip, number(r.n)] }; }) };
  }
  function filterRows(block) {
    var input = block.querySelector(".filter");
    if (!input) return;
    var needle = input.value.toLowerCase();
    Array.prototype.forEach.call(block.querySelectorAll("tbody tr"), function (r) { r.hidden = needle !== "" && r.textContent.toLowerCase().indexOf(needle) < 0; });
  }
  // A table's rows anew (at most data.tableRows of them, and how many are left out), built as text nodes.
  function fillTable(id, rows, note) {
    var block = document.getElementById(id), table = block && block.querySelector("table");
    if (!table) return;
    var heads = table.tHead.rows[0].cells, body = document.createDocumentFragment();
    var numeric = Array.prototype.map.call(heads, function (th) { return th.dataset.numeric === "1"; }), wrap = Array.prototype.map.call(heads, function (th) { return th.dataset.wrap === "1"; });
    rows.slice(0, data.tableRows).forEach(function (row) {
      var tr = document.createElement("tr");
      if (row.flagged) tr.className = "flagged";
      row.cells.forEach(function (cell, i) {
        var td = document.createElement("td");
        if (typeof cell === "string") { td.textContent = cell; if (numeric[i]) td.className = "num"; else if (wrap[i]) td.className = "wrap"; }
        else { td.className = "num"; td.dataset.sort = String(cell[1]); td.textContent = cell[0]; }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.tBodies[0].textContent = "";
    table.tBodies[0].appendChild(body);
    table.querySelectorAll("th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    if (note !== undefined) { var noteLine = block.querySelector(".table-note"); noteLine.textContent = note; noteLine.hidden = note === ""; }
    var capped = block.querySelector(".capped"), cut = rows.length - data.tableRows;
    capped.hidden = cut <= 0;
    capped.querySelector(".count").textContent = grouped(rows.length);
    capped.querySelector(".cut").textContent = grouped(Math.max(cut, 0));
    filterRows(block);
  }
  function scope(id, line) {
    var e = document.querySelector("#" + id + " .scope");
    if (e) { e.textContent = line; e.hidden = line === ""; }
  }
  // The notes as the server wrote them, for the whole report.
  var notes = {};
  document.querySelectorAll(".table-note").forEach(function (e) { notes[e.parentNode.id] = e.textContent; });
  // The action list's note for a part of the report: never an all-clear the data cannot give.
  // As the server says it: "not counted: 2 senders with TLS unknown".
  function unknownNote(senders, what) { return senders === 0 ? "" : "not counted: " + grouped(senders) + " " + (senders === 1 ? "sender" : "senders") + " with " + what + " unknown"; }
  // Where inputs that cannot tell TLS (auth) are in the run, their senders are the unknown ones: they are named instead.
  function lowerBound(senders, c) { return senders === 0 ? "" : data.partly[c] || unknownNote(senders, c === "tls" ? "TLS" : "auth"); }
  function actionNote(rows, messages, picked, unknown) {
    var cannot = ["tls", "auth"].filter(function (c) { return data.untold[c] !== undefined; }).map(function (c) { return (c === "tls" ? "TLS" : "auth") + ": " + data.untold[c]; });
    // Senders whose TLS or auth is unknown for some messages may need action too: never "nothing to do" past them.
    if (data.untold.tls === undefined && unknown.tls > 0) cannot.push(lowerBound(unknown.tls, "tls"));
    if (data.untold.auth === undefined && unknown.auth > 0) cannot.push(lowerBound(unknown.auth, "auth"));
    if (rows > 0) return cannot.length > 0 ? "This list is not complete: " + cannot.join("; ") + "." : "";
    if (messages === 0) return "No submission of " + picked + ": nothing to judge.";
    if (cannot.length > 0) return "No use found, but this is not an all-clear: " + cannot.join("; ") + ".";
    return "Nothing to do: no legacy TLS and no Basic authentication in " + picked + ".";
  }
  // A tile's figure; a count of senders on legacy TLS or Basic auth also its lower-bound line ("" for none).
  function setTile(k, value, alert, why) {
    var tile = document.querySelector('[data-tile="' + k + '"]');
    if (!tile) return;
    tile.querySelector(".value").textContent = grouped(value);
    if (!alert) return;
    tile.classList.toggle("alert", value > 0 || why !== "");
    var line = tile.querySelector(".why");
    if (!line && why !== "") { line = document.createElement("div"); line.className = "why"; tile.appendChild(line); }
    if (line) { line.textContent = why; line.hidden = why === ""; }
  }
  var pickDomain = document.getElementById("show-domain"), pickFrom = document.getElementById("show-from"), pickTo = document.getElementById("show-to");
  function show() {
    var domain = pickDomain.value, from = Number(pickFrom.value), to = Number(pickTo.value), last = data.labels.length - 1;
    if (to < from) { var t = from; from = to; to = t; }
    var wholeRange = from === 0 && to === last, all = wholeRange && domain === "";
    var picked = (domain || data.everything) + ", " + (wholeRange ? "the whole range" : data.labels[from] + " to " + data.labels[to]);
    var d = recount(domain, from, to);
    setTile("senders", d.tiles.senders, false);
    setTile("messages", d.tiles.messages, false);
    setTile("legacy", d.tiles.legacy, true, lowerBound(d.unknown.tls, "tls"));
    setTile("basic", d.tiles.basic, true, lowerBound(d.unknown.auth, "auth"));
    drawAll(d);
    fillTable("volume-table", d.tables.volume);
    fillTable("tls-table", d.tables.tls);
    fillTable("auth-table", d.tables.auth);
    fillTable("action-table", d.tables.action, all ? notes["action-table"] : actionNote(d.tables.action.length, d.tiles.messages, picked, d.unknown));
    var whole = "Of the whole report (" + data.everything + ", " + data.labels[0] + " to " + data.labels[last] + "), not only " + picked + ".";
    ["compare-figures", "compare-senders", "unusual-table"].forEach(function (id) { scope(id, all ? "" : whole); });
    var said = all ? "Tiles, charts and tables count " + data.everything + " over the whole range." : "Tiles, charts and tables count " + picked + ".";
    if (data.failed) {
      var failed = recountFailed(from, to);
      setTile("failed", failed.total, false);
      var caption = document.querySelector("#failed-table h2");
      caption.textContent = "Failed logins by client address: " + grouped(failed.total) + " from " + grouped(failed.addresses) + " " + (failed.addresses === 1 ? "address" : "addresses");
      var failedNote = [failed.rows.length === 0 ? "No failed logins in " + data.labels[from] + " to " + data.labels[to] + "." : "", data.failedFilterNote ? data.failedFilterNote + "." : ""];
      fillTable("failed-table", failed.rows, wholeRange ? notes["failed-table"] : failedNote.filter(Boolean).join(" "));
      var failedScope = domain === "" ? "" : "Failed logins of all domains, " + (wholeRange ? "the whole range" : data.labels[from] + " to " + data.labels[to]) + ": a failed login names no sender, so no domain.";
      scope("failed-table", failedScope);
      if (failedScope) said += " Failed logins count all domains (a failed login names no sender).";
    } else if (document.querySelector("#failed-table table")) {
      // Not carried (above the cap, or kept by day in a report by hour): the tile and table stay the whole report's.
      scope("failed-table", wholeRange && domain === "" ? "" : whole);
      if (!all) said += " Failed logins are of the whole report.";
    }
    var others = [document.getElementById("compare-figures") && "the comparison", document.getElementById("unusual-table") && "unusual activity"].filter(Boolean);
    if (others.length > 0 && !all) said += " " + others.join(" and ").replace(/^./, function (c) { return c.toUpperCase(); }) + (others.length > 1 ? " are" : " is") + " of the whole report.";
    document.getElementById("show-note").textContent = said;
  }
  if (data.cube) [pickDomain, pickFrom, pickTo].forEach(function (e) { e.addEventListener("change", show); });
  // Printing lays the page out anew: each chart is redrawn at its printed size.
  function resizeAll() { if (typeof Chart !== "undefined") Object.values(Chart.instances).forEach(function (c) { c.resize(); }); }
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);

  document.querySelectorAll("table.sortable").forEach(function (table) {
    var headers = table.querySelectorAll("th");
    headers.forEach(function (th) {
      function sort() {
        var column = Number(th.dataset.column), numeric = th.dataset.numeric === "1";
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column], y = b.cells[column];
          var d = numeric ? Number(x.dataset.sort || 0) - Number(y.dataset.sort || 0) : (x.textContent < y.textContent ? -1 : x.textContent > y.textContent ? 1 : 0);
          return ascending ? d : -d;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  });
  document.querySelectorAll(".table-block").forEach(function (block) {
    var input = block.querySelector(".filter");
    if (input) input.addEventListener("input", function () { filterRows(block); });
  });
})();
`;
