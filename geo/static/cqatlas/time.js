/* The year slider: features established after the chosen year leave the map on every layer at once (and so the
   feature table and the downloads); features without a documented year stay, and the section says so. */
CQAtlas.section("time", function (app) {
  "use strict";
  var STEP_MS = 700;
  var slider = document.getElementById("cq-year");
  var output = document.getElementById("cq-year-output");
  var play = document.getElementById("cq-year-play");
  var status = document.getElementById("cq-year-status");
  var years = app.entries.map(function (entry) { return entry.feature.properties.established; })
    .filter(function (year) { return typeof year === "number"; });
  var first = years.length ? Math.min.apply(null, years) : new Date().getFullYear();
  var last = Math.max(new Date().getFullYear(), years.length ? Math.max.apply(null, years) : first);
  var timer = null;
  slider.min = String(first);
  slider.max = String(last);
  app.state.year = null;  // null: no year chosen, everything shown
  app.yearRange = {first: first, last: last};

  function established(entry) {
    var year = entry.feature.properties.established;
    return typeof year === "number" ? year : null;
  }

  function yearText(year) { return new Intl.NumberFormat(app.lang, {useGrouping: false}).format(year); }

  function label() {
    var year = app.state.year === null ? last : app.state.year;
    output.textContent = yearText(year);
    slider.setAttribute("aria-valuetext", yearText(year));
    var undated = app.entries.filter(function (entry) { return established(entry) === null; }).length;
    status.textContent = app.t("time.status", {year: yearText(year)}) + " " +
      app.t("time.undated", {count: app.formatNumber(undated)});
    play.textContent = app.t(timer ? "time.pause" : "time.play");
    play.setAttribute("aria-pressed", String(!!timer));
  }

  /* Show what existed in ``year`` (null or the last year: everything). */
  app.setYear = function (year) {
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
  play.addEventListener("click", function () { if (timer) { stop(); } else { start(); } });
  app.on("language", label);
  label();
});
