/* The feature table: what is in view on the layers shown — sortable, and the keyboard and screen-reader path to
   every feature (each name opens its popup). Its filter narrows the map too (and so the downloads): a feature's
   names in the three scripts, its id or its kind as the page names it holding every word of the text, folded alike
   (textsearch.js). Layers drawn from vector tiles are listed too, a moment later (tiled-features.js): asked of the
   API where the page is served, read from the tiles drawn in view in a static copy. */
import {featureName} from "./language.js";
import {featurePageHref, figureNumber, figureText} from "./popup.js";
import {yearRule, yearRuleText} from "./time.js";
import {fold, matchesWords, queryWords} from "./textsearch.js";
import {asksApi, latestOnly, listTiled, tiledLayers, viewBox} from "./tiled-features.js";

export function startTable(app) {
  var MAX_ROWS = 200;
  var table = document.getElementById("cq-table");
  var body = table.tBodies[0];
  var filter = document.getElementById("cq-table-filter");
  var status = document.getElementById("cq-table-status");
  var sort = {column: "name", direction: 1};
  var rows = {};
  var figures = app.config.figures;
  // The tiled layers' part of the list: the newest answer, and the question it answers (view, filter, layers shown).
  var tiled = {question: null, entries: [], matched: 0, total: 0, failed: []}, asked = null;
  var tiledListing = latestOnly(200);

  function kindLabel(entry) {
    var kind = entry.spec.kinds[entry.feature.properties.kind];
    return kind ? kind.label : entry.feature.properties.kind;
  }

  /* The first documented figure the feature carries (registry order), else its computed area or length. */
  function keyFigure(entry) {
    var p = entry.feature.properties;
    var names = Object.keys(figures.documented).filter(function (name) { return p[name] !== null && p[name] !== undefined; });
    if (names.length) {
      var meta = figures.documented[names[0]];
      // With the year the figure speaks for, as in the popup (areas are not dated).
      var asOf = figures.undated.indexOf(names[0]) >= 0 ? null : p.figures_as_of;
      return {text: meta[0] + ": " + figureText(p[names[0]], meta[1], asOf, app), number: figureNumber(p[names[0]])};
    }
    var computed = Object.keys(figures.computed).filter(function (name) { return typeof p[name] === "number"; })[0];
    if (!computed) { return {text: "", number: null}; }
    return {text: app.formatNumber(p[computed]) + " " + figures.computed[computed][1], number: p[computed]};
  }

  function sortKey(entry) {
    var p = entry.feature.properties;
    if (sort.column === "kind") { return kindLabel(entry).toLowerCase(); }
    if (sort.column === "year") { return yearRule(p).year; }
    if (sort.column === "figure") { return keyFigure(entry).number; }
    if (entry.sortLang !== app.lang) {  // computed once per language: sorting 100k rows compares often
      entry.sortName = featureName(p, app.lang, app.t).text.toLowerCase();
      entry.sortLang = app.lang;
    }
    return entry.sortName;
  }

  function compare(a, b) {
    var x = sortKey(a), y = sortKey(b);
    if (x === y) { return a.feature.properties.name_en.localeCompare(b.feature.properties.name_en); }
    if (x === null || x === undefined) { return 1; }  // features without the value go last either way
    if (y === null || y === undefined) { return -1; }
    return (x < y ? -1 : 1) * sort.direction;
  }

  function row(entry) {
    if (!rows[entry.id]) {
      var tr = document.createElement("tr");
      var name = document.createElement("th");
      var open = document.createElement("button");
      var p = entry.feature.properties;
      name.scope = "row";
      open.type = "button";
      open.className = "cq-open";
      var shown = featureName(p, app.lang, app.t);
      open.textContent = shown.text;
      open.lang = shown.lang;
      open.classList.toggle("cq-fallback", shown.fallback);
      open.addEventListener("click", function () { app.open(entry, {fly: true, focus: true}); });
      name.appendChild(open);
      var href = featurePageHref(app, p.id);
      if (href) {  // the feature's own page: its facts, sources and citation, readable without the map
        var page = document.createElement("a");
        page.className = "cq-table-page";
        page.href = href;
        page.textContent = app.t("table.page");
        page.setAttribute("aria-label", app.t("table.page_of", {name: shown.text}));
        name.append(" ", page);
      }
      tr.appendChild(name);
      var placed = yearRule(p);
      // No documented year: said in the year column, and the row drawn faint as the feature is on the map.
      var year = placed.year === null ? app.t("table.undated") : app.formatYear(placed.year);
      tr.classList.toggle("cq-undated", placed.rule === "none");
      [kindLabel(entry), placed.rule === "series" ? app.t("time.rule_series_short", {year: year}) : year,
       keyFigure(entry).text].forEach(function (text) { tr.insertCell().textContent = text; });
      // Which rule placed the feature on the year slider, for those who ask (and for screen readers).
      tr.cells[2].title = yearRuleText(placed, app);
      tr.cells[2].dataset.yearRule = placed.rule;
      tr.dataset.feature = entry.id;
      rows[entry.id] = tr;
    }
    return rows[entry.id];
  }

  /* Every word of the filter, in any order, in the names, the id or the kind's label (textsearch.js; q= alike). */
  function matches(entry, words) {
    return !words.length || matchesWords(words, entry.search + " " + fold(kindLabel(entry)));
  }

  /* The filter applied to every feature (kind labels follow the language, so a new language filters again). */
  function applyFilter() {
    var query = filter.value.trim(), words = queryWords(query);
    app.state.filter = query || null;
    app.entries.forEach(function (entry) { app.setHidden(entry, "filter", !matches(entry, words)); });
    app.emit("filter", app.state.filter);
  }

  /* The tiled layers' features for this view and filter: asked when the question changes; meanwhile the last answer's
     features still in view stand in, and the table says it is being completed (aria-busy). */
  function tiledPart(view) {
    var layers = tiledLayers(app).filter(function (layer) { return app.map.hasLayer(layer.group); });
    var text = filter.value.trim(), words = queryWords(text);
    var question = [viewBox(app.map), app.map.getZoom(), text, app.lang].concat(layers.map(function (layer) {
      return layer.spec.id; })).join("|");
    if (!layers.length) {
      tiledListing.cancel();
      asked = null;
      table.removeAttribute("aria-busy");
      return {entries: [], matched: 0, total: 0, failed: []};
    }
    if (question !== asked) {
      asked = question;
      tiledListing.ask(function (signal) {
        return listTiled(app, text, words, function (entry) { return matches(entry, words); }, MAX_ROWS, signal);
      }, function (answer) { answer.question = question; tiled = answer; render(); });
    }
    table.toggleAttribute("aria-busy", tiled.question !== question);
    if (tiled.question === question) { return tiled; }
    var still = tiled.entries.filter(function (entry) {
      return app.map.hasLayer(entry.layer.group) && view.intersects(app.entryBounds(entry)) && matches(entry, words);
    });
    return {entries: still, matched: still.length, total: still.length, failed: []};
  }

  function render() {
    // In view with the filter left aside (the count's total), and of those what the filter leaves (listed).
    var view = app.map.getBounds(), visible = 0, shown = [];
    app.entries.forEach(function (entry) {
      var reasons = entry.hiddenBy ? Object.keys(entry.hiddenBy) : [];
      if (!app.map.hasLayer(entry.layer.group) || reasons.some(function (r) { return r !== "filter"; }) ||
          !view.intersects(app.entryBounds(entry))) { return; }
      visible += 1;
      if (!reasons.length) { shown.push(entry); }
    });
    var fromTiles = tiledPart(view), matched = shown.length + fromTiles.matched;
    visible += fromTiles.total;
    shown = shown.concat(fromTiles.entries).sort(compare);
    var rowsNow = shown.slice(0, MAX_ROWS).map(row);
    var unchanged = rowsNow.length === body.rows.length && rowsNow.every(function (tr, i) { return body.rows[i] === tr; });
    if (!unchanged) {
      var focused = body.contains(document.activeElement) ? document.activeElement : null;
      body.replaceChildren.apply(body, rowsNow);
      if (focused && body.contains(focused)) { focused.focus({preventScroll: true}); }  // keyboard users keep their place
    }
    var text = matched ? app.t("table.count", {shown: app.formatNumber(matched), total: app.formatNumber(visible)})
      : visible ? app.t("table.no_match", {query: filter.value.trim()}) : app.t("table.empty");
    if (matched > MAX_ROWS) { text += " " + app.t("table.more", {shown: MAX_ROWS}); }
    fromTiles.failed.forEach(function (layer) { text += " " + app.t("table.tiled_failed", {layer: layer.spec.title}); });
    if (!asksApi(app)) {
      tiledLayers(app).forEach(function (layer) {
        if (app.map.hasLayer(layer.group)) { text += " " + app.t("table.tiled_in_view", {layer: layer.spec.title}); }
      });
    }
    status.textContent = text;
    table.querySelectorAll("th[data-column]").forEach(function (th) {
      if (th.dataset.column === sort.column) { th.setAttribute("aria-sort", sort.direction > 0 ? "ascending" : "descending"); }
      else { th.removeAttribute("aria-sort"); }
    });
  }

  // Redrawn shortly after the map settles or the filter changes, never in the frames the map is drawing.
  var pending = null;
  function schedule() {
    window.clearTimeout(pending);
    pending = window.setTimeout(render, 120);
  }
  var filtering = null;
  function scheduleFilter() {
    window.clearTimeout(filtering);
    filtering = window.setTimeout(function () { applyFilter(); render(); }, 120);
  }

  table.querySelectorAll("button[data-sort]").forEach(function (button) {
    button.addEventListener("click", function () {
      sort = {column: button.dataset.sort, direction: sort.column === button.dataset.sort ? -sort.direction : 1};
      render();
    });
  });
  filter.addEventListener("input", scheduleFilter);
  /* Set the filter at once (a shared link being opened). */
  app.setFilter = function (text) {
    filter.value = text;
    applyFilter();
    schedule();
  };
  app.on("view", schedule);
  app.on("language", function () { rows = {}; scheduleFilter(); });
  app.on("layers", schedule);
  app.on("select", function (entry) {
    Object.keys(rows).forEach(function (id) { rows[id].classList.toggle("cq-selected", !!entry && entry.id === id); });
  });
  render();
}
