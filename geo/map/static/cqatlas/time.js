/* The year slider: features established after the chosen year leave the map on every layer at once (and so the
   feature table and the downloads); features without a documented year stay, drawn faint (shapes.js), unless the
   reader hides them, and the section says so. */
/* The year a feature is placed at on the slider, and the rule giving it (geo/data/year_rule.py says the same for the
   downloads): its opening year ("established"); else the first year of its own documented by-year figures — in
   service by then ("series"; figures about a whole network it belongs to, network_*, do not count); else "none",
   shown at every year. */
export function yearRule(p) {
  if (typeof p.established === "number") { return {year: p.established, rule: "established"}; }
  var placed = {year: null, rule: "none"};
  Object.keys(p).forEach(function (name) {
    var value = p[name];
    if (name.indexOf("network_") === 0 || !value || typeof value !== "object" || !value.series) { return; }
    Object.keys(value.series).forEach(function (key) {
      if (/^[0-9]+$/.test(key) && (placed.year === null || Number(key) < placed.year)) {
        placed = {year: Number(key), rule: "series", figure: name};
      }
    });
  });
  return placed;
}

/* The rule in words: "2010 (opening year …)", "in service by 2020: first year of …", "no documented year …". */
export function yearRuleText(placed, app) {
  var keys = {established: "time.rule_established", series: "time.rule_series", none: "time.rule_none"};
  var meta = placed.figure ? app.config.figures.documented[placed.figure] : null;
  return app.t(keys[placed.rule], {year: placed.year === null ? "" : app.formatYear(placed.year),
                                   figure: meta ? meta[0] : placed.figure || ""});
}

export function startTime(app) {
  var STEP_MS = 700;
  var slider = document.getElementById("cq-year");
  var output = document.getElementById("cq-year-output");
  var play = document.getElementById("cq-year-play");
  var status = document.getElementById("cq-year-status");
  var undatedBox = document.getElementById("cq-year-undated");
  var moved = null;  // why the year last changed, when it was not the reader's doing (a search result's year)
  app.entries.forEach(function (entry) { entry.placed = yearRule(entry.feature.properties); });
  var years = app.entries.map(function (entry) { return entry.placed.year; })
    .filter(function (year) { return typeof year === "number"; });
  var first = years.length ? Math.min.apply(null, years) : new Date().getFullYear();
  var last = Math.max(new Date().getFullYear(), years.length ? Math.max.apply(null, years) : first);
  var timer = null;
  slider.min = String(first);
  slider.max = String(last);
  app.state.year = null;  // null: no year chosen, everything shown
  app.state.undated = true;  // features without a documented year shown (faint)
  app.yearRange = {first: first, last: last};

  function established(entry) { return entry.placed.year; }

  function yearText(year) { return new Intl.NumberFormat(app.lang, {useGrouping: false}).format(year); }

  function label() {
    var year = app.state.year === null ? last : app.state.year;
    output.textContent = yearText(year);
    slider.setAttribute("aria-valuetext", yearText(year));
    var undated = app.entries.filter(function (entry) { return established(entry) === null; }).length;
    status.textContent = (moved ? app.t("time.moved", {year: yearText(year), name: moved}) + " " : "") +
      app.t("time.status", {year: yearText(year)}) + " " +
      app.t(app.state.undated ? "time.undated" : "time.undated_hidden", {count: app.formatNumber(undated)});
    play.textContent = app.t(timer ? "time.pause" : "time.play");
    play.setAttribute("aria-pressed", String(!!timer));
  }

  /* Show what existed in ``year`` (null or the last year: everything); ``because``: the name of the feature the year
     was moved to show, said beside the year. */
  app.setYear = function (year, because) {
    moved = because || null;
    year = year === null || year === undefined || !isFinite(year) ? null : Math.round(year);
    if (year !== null && year >= last) { year = null; }
    if (year !== null && year < first) { year = first; }
    app.state.year = year;
    slider.value = String(year === null ? last : year);
    app.entries.forEach(function (entry) {
      app.setHidden(entry, "year", year !== null && established(entry) !== null && established(entry) > year);
    });
    label();
    app.emit("year", year);
    app.emit("view", app.map.getBounds());  // what is in view has changed
  };

  /* Show or hide the features without a documented year (on the map, and so in the table and the downloads). */
  app.setUndatedShown = function (shown) {
    app.state.undated = shown;
    undatedBox.checked = shown;
    app.entries.forEach(function (entry) { app.setHidden(entry, "undated", !shown && established(entry) === null); });
    label();
    app.emit("year", app.state.year);
    app.emit("view", app.map.getBounds());
  };

  function stop() {
    if (timer) { window.clearInterval(timer); timer = null; }
    label();
  }

  function start() {
    if (app.state.year === null) { app.setYear(first); }  // from the end, play runs from the beginning
    timer = window.setInterval(function () {
      var next = (app.state.year === null ? last : app.state.year) + 1;
      app.setYear(next);
      if (next >= last) { stop(); }
    }, STEP_MS);
    label();
  }

  slider.addEventListener("input", function () { app.setYear(Number(slider.value)); });
  slider.addEventListener("keydown", function (event) { if (event.key === "Escape") { stop(); } });
  undatedBox.addEventListener("change", function () { app.setUndatedShown(undatedBox.checked); });
  play.addEventListener("click", function () { if (timer) { stop(); } else { start(); } });
  app.on("language", label);
  label();
}
