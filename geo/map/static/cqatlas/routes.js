/* Compare routes: the alternatives between two places drawn side by side on the map, a table of km, days, CO2
   and documented traffic (every figure with its source), a bar chart, and traffic by year where sources give it.
   Data: the comparisons prepared at build time (JSON block), or /api/routes when the page is served. Every label
   is written in the page's language from the catalogs and the names the data gives (English, marked, where it
   gives none), so a comparison loaded once is redrawn in another language without asking again.
   Attribute text is data: written with textContent only. */
(function () {
  "use strict";

  var COLORS = ["#b91c1c", "#1d4ed8", "#047857", "#7c3aed", "#c2410c", "#0f766e"];
  var DASHES = {sea: "9 7", road: "2 6", rail_road: "10 4 2 4", river: null, rail: null};
  var BASIS = {documented: "routes.basis.documented", estimated: "routes.basis.estimated",
               unknown: "routes.basis.unknown", "documented and estimated": "routes.basis.mixed"};
  var METRICS = {km: "routes.col_km", days: "routes.chart_days", co2: "routes.chart_co2"};
  var METHODS = {documented: "routes.method_documented", estimated: "routes.method_estimated",
                 unknown: "routes.method_unknown"};
  var numbers, decimals;  // whole and one-decimal numbers in the page's language (Persian digits for fa)

  function useLanguage(lang) {
    numbers = new Intl.NumberFormat(lang, {maximumFractionDigits: 0});
    decimals = new Intl.NumberFormat(lang, {maximumFractionDigits: 1});
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function span(range, format) {
    if (!range || range.min === null || range.min === undefined) { return "–"; }
    var low = format(range.min), high = format(range.max);
    var text = low === high ? low : low + "–" + high;
    return range.complete === false ? "≥ " + text : text;
  }

  /* A place's or corridor's name in the page's language, or its English name marked as such. */
  function named(thing, app) { return CQAtlas.featureName(thing, app.lang, app.t); }

  function corridorName(leg, app) {
    return named({name_en: leg.corridor_name, name_zh: leg.corridor_name_zh, name_fa: leg.corridor_name_fa}, app);
  }

  /* Text the sources write in English (methods), marked as English in the other languages. */
  function english(text, app) { return app.lang === "en" ? text : app.t("routes.english", {text: text}); }

  /* The route's label from its parts, as the API writes it with ?lang= (geo/corridors/route_text.py). */
  function routeLabel(route, app) {
    var parts = route.label_parts, t = app.t;
    var modes = parts.modes.map(function (mode) { return t("routes.mode." + mode); }).join(" + ");
    var label = modes;
    if (parts.stops.length) {
      label = t("routes.label_via", {modes: modes, stops: parts.stops.map(function (stop) {
        return named(stop, app).text; }).join(t("routes.stop_separator"))});
    }
    if (parts.distinguished_by) {
      label = t("routes.label_distinct", {label: label, corridor: named(parts.distinguished_by, app).text});
    }
    return label;
  }

  function figureText(figure, app) {
    var label = app.t("figure." + figure.name + ".label"), unit = app.t("figure." + figure.name + ".unit");
    return {label: label === "figure." + figure.name + ".label" ? figure.label : label,
            text: CQAtlas.figureText(figure.value, unit === "figure." + figure.name + ".unit" ? figure.unit : unit,
                                     null, app)};
  }

  function link(source) {
    var a = el("a", "", source.title);
    a.href = source.url;
    a.rel = "noopener";
    a.target = "_blank";
    return a;
  }

  /* Traffic a route carries: the documented totals of corridors it uses whole (a part of a corridor does not
     carry the corridor's totals). */
  function trafficFigures(route) {
    var shown = [];
    route.legs.forEach(function (leg) {
      if (leg.share_of_corridor < 0.95) { return; }
      leg.traffic.forEach(function (figure) {
        if (!figure.value || figure.value.series) { return; }
        shown.push({leg: leg, figure: figure});
      });
    });
    return shown;
  }

  function seriesOf(route) {
    var series = [];
    route.legs.forEach(function (leg) {
      leg.traffic.forEach(function (figure) {
        if (figure.value && figure.value.series) { series.push({leg: leg, figure: figure}); }
      });
    });
    return series;
  }

  /* options.deferDraw: draw on the map only once the section is used (in a side panel that is open from the start,
     the atlas keeps its own first view until someone turns to the routes). */
  function mount(root, app, data, options) {
    var map = app.map;
    function t(key, values) { return app.t(key, values); }  // app.t changes with the language
    var api = root.getAttribute("data-api");
    var active = !(options && options.deferDraw);
    var fromSelect = root.querySelector("#cq-routes-from");
    var toSelect = root.querySelector("#cq-routes-to");
    var tbody = root.querySelector("#cq-routes-table tbody");
    var status = root.querySelector("#cq-routes-status");
    var detail = root.querySelector("#cq-routes-detail");
    var downloads = root.querySelector("#cq-routes-downloads");
    var trafficBox = root.querySelector("#cq-routes-traffic");
    var metric = "km";
    var drawn = L.featureGroup();
    if (active) { drawn.addTo(map); }
    var state = {result: null, selected: 0, shapes: [], shown: null};
    useLanguage(app.lang);
    var chart = null, trafficChart = null;
    var origins = {};
    Object.keys(data.comparisons).forEach(function (key) { origins[key.split("/")[0]] = true; });

    function placeOptions(select, places, chosen) {
      select.textContent = "";
      places.forEach(function (place) {
        var name = named(place, app);
        var option = el("option", "", name.text);
        option.lang = name.lang;
        option.value = place.id;
        option.selected = place.id === chosen;
        select.appendChild(option);
      });
    }

    function fillPickers(from, to) {
      // Offline (opened from disk), only the comparisons prepared at build time can be shown.
      var fromPlaces = data.places.filter(function (p) { return api || origins[p.id]; });
      placeOptions(fromSelect, fromPlaces, from);
      placeOptions(toSelect, data.places.filter(function (p) { return p.id !== from; }), to);
    }

    function load(from, to) {
      var key = from + "/" + to;
      if (data.comparisons[key]) { return Promise.resolve(data.comparisons[key]); }
      if (!api) { return Promise.reject(new Error(t("routes.offline"))); }
      return fetch(api + "?from=" + encodeURIComponent(from) + "&to=" + encodeURIComponent(to))
        .then(function (response) {
          return response.json().then(function (body) {
            if (!response.ok) { throw new Error(t("routes.failed", {message: body.error ? body.error.message : response.status})); }
            data.comparisons[key] = body;
            return body;
          });
        });
    }

    function draw(result, keepView) {
      drawn.clearLayers();
      state.shapes = result.alternatives.map(function (route, index) {
        var group = L.featureGroup();
        route.legs.forEach(function (leg) {
          var line = L.polyline(leg.geometry.coordinates.map(function (c) { return [c[1], c[0]]; }), {
            color: COLORS[index % COLORS.length], weight: 4, opacity: 0.9, dashArray: DASHES[leg.mode] || null,
            className: "cq-route-line cq-route-" + route.rank + " cq-route-mode-" + leg.mode
          });
          line.bindTooltip(function () {
            return document.createTextNode(t("routes.tooltip", {rank: numbers.format(route.rank),
              corridor: corridorName(leg, app).text, km: numbers.format(leg.length_km)}));
          }, {sticky: true});
          line.on("click", function () { select(index); });
          group.addLayer(line);
        });
        group.addTo(drawn);
        return group;
      });
      if (!keepView) { fit(); }
    }

    function fit() {
      if (active && drawn.getLayers().length) { map.fitBounds(drawn.getBounds(), {padding: [20, 20]}); }
    }

    function activate(keepView) {
      if (active) { return; }
      active = true;
      drawn.addTo(map);
      if (keepView !== true) { fit(); }
      root.setAttribute("data-drawn", "true");
      if (state.shown) { app.emit("routes", state.shown); }
    }
    if (!active) {
      root.addEventListener("pointerdown", function () { activate(); });
      root.addEventListener("focusin", function () { activate(); });
    } else {
      root.setAttribute("data-drawn", "true");
    }

    function sourcesCell(cell, text, sources, title) {
      cell.appendChild(el("span", "", text));
      cell.setAttribute("data-sources", String(sources.length));
      if (title) { cell.title = title; }
    }

    function table(result) {
      var headers = root.querySelectorAll("#cq-routes-table thead th");
      tbody.textContent = "";
      result.alternatives.forEach(function (route, index) {
        var tr = el("tr", "cq-routes-row");
        tr.setAttribute("data-rank", String(route.rank));
        tr.tabIndex = 0;
        var swatch = el("span", "cq-routes-swatch");
        swatch.style.background = COLORS[index % COLORS.length];
        var rank = el("td");
        rank.appendChild(swatch);
        rank.appendChild(el("span", "", numbers.format(route.rank)));
        tr.appendChild(rank);
        tr.appendChild(el("th", "cq-routes-label", routeLabel(route, app))).scope = "row";
        var km = el("td", "cq-num", numbers.format(route.total_km));
        km.title = t("routes.km_title");
        tr.appendChild(km);
        var days = el("td", "cq-num");
        var daySources = [];
        route.legs.forEach(function (leg) { daySources = daySources.concat(leg.transit_days.sources); });
        var dayText = span(route.transit_days, decimals.format);
        var basis = route.transit_days.basis;
        var estimated = basis !== "documented" && basis !== "unknown" && dayText !== "–";
        sourcesCell(days, estimated ? t("routes.estimated", {value: dayText}) : dayText, daySources,
                    t(BASIS[basis] || "routes.basis.unknown"));
        days.setAttribute("data-basis", basis);
        (route.documented_comparisons || []).forEach(function (comparison) {
          var note = el("div", "cq-routes-comparison", t("routes.by_sea", {
            days: CQAtlas.figureText(comparison.value, "", null, app).trim(),
            sources: comparison.sources.map(function (s) { return s.title; }).join("; ")}));
          days.appendChild(note);
        });
        tr.appendChild(days);
        var co2 = el("td", "cq-num");
        var co2Sources = [];
        route.legs.forEach(function (leg) { if (leg.co2_kg_per_tonne) { co2Sources = co2Sources.concat(leg.co2_kg_per_tonne.sources); } });
        var co2Text = span(route.co2_kg_per_tonne, numbers.format);
        sourcesCell(co2, co2Text === "–" ? co2Text : t("routes.estimated", {value: co2Text}), co2Sources,
                    t("routes.col_co2_title"));
        tr.appendChild(co2);
        var traffic = el("td", "cq-routes-traffic-cell");
        var shown = trafficFigures(route);
        var trafficSources = [];
        shown.forEach(function (item) {
          traffic.appendChild(el("div", "", figureText(item.figure, app).text));
          trafficSources = trafficSources.concat(item.figure.sources);
        });
        if (!shown.length) { traffic.textContent = "–"; }
        traffic.setAttribute("data-sources", String(trafficSources.length));
        tr.appendChild(traffic);
        Array.prototype.forEach.call(tr.cells, function (cell, i) {  // each figure names its column (routes.css)
          if (headers[i]) { cell.setAttribute("data-label", headers[i].textContent); }
        });
        tr.addEventListener("click", function () { select(index); });
        tr.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); select(index); }
        });
        tbody.appendChild(tr);
      });
    }

    function chartData() {
      var routes = state.result.alternatives;
      var values = routes.map(function (route) {
        if (metric === "km") { return route.total_km; }
        var range = metric === "days" ? route.transit_days : route.co2_kg_per_tonne;
        return range.min === null ? null : [range.min, range.max];
      });
      return {
        labels: routes.map(function (route) { return t("routes.chart_route", {rank: numbers.format(route.rank)}); }),
        datasets: [{label: t(METRICS[metric]), data: values,
                    backgroundColor: routes.map(function (r, i) { return COLORS[i % COLORS.length]; }),
                    borderSkipped: false}]
      };
    }

    function drawChart() {
      var canvas = root.querySelector("#cq-routes-chart");
      if (typeof Chart === "undefined") { return; }
      if (chart) { chart.destroy(); }
      var rtl = document.documentElement.dir === "rtl";
      // Right to left: bars grow from the right, the route axis stands on the right, numbers in the language.
      chart = new Chart(canvas, {type: "bar", data: chartData(), options: {
        indexAxis: "y", animation: false, responsive: true, maintainAspectRatio: false, locale: app.lang,
        scales: {x: {reverse: rtl, ticks: {callback: function (value) { return numbers.format(value); }}},
                 y: {position: rtl ? "right" : "left"}},
        plugins: {legend: {display: true, rtl: rtl}, tooltip: {rtl: rtl}}, onClick: function (event, elements) {
          if (elements.length) { select(elements[0].index); }
        }
      }});
    }

    function drawTraffic(route) {
      var series = seriesOf(route);
      trafficBox.hidden = !series.length || typeof Chart === "undefined";
      if (trafficChart) { trafficChart.destroy(); trafficChart = null; }
      var list = trafficBox.querySelector("ul");
      list.textContent = "";
      if (trafficBox.hidden) { return; }
      var years = {};
      series.forEach(function (item) { Object.keys(item.figure.value.series).forEach(function (y) { years[y] = true; }); });
      var labels = Object.keys(years).sort();
      var rtl = document.documentElement.dir === "rtl";
      var years = new Intl.NumberFormat(app.lang, {useGrouping: false});
      trafficChart = new Chart(trafficBox.querySelector("canvas"), {type: "line", options: {
        animation: false, locale: app.lang,
        scales: {x: {reverse: rtl, ticks: {callback: function (value, index) { return years.format(Number(labels[index])); }}},
                 y: {position: rtl ? "right" : "left", ticks: {callback: function (value) { return numbers.format(value); }}}},
        plugins: {legend: {rtl: rtl}, tooltip: {rtl: rtl}}
      }, data: {
        labels: labels,
        datasets: series.map(function (item, i) {
          return {label: t("routes.traffic_series", {figure: figureText(item.figure, app).label,
                                                    corridor: corridorName(item.leg, app).text}),
                  borderColor: COLORS[(i + 2) % COLORS.length],
                  data: labels.map(function (y) { var v = item.figure.value.series[y]; return v === undefined ? null : v; })};
        })
      }});
      series.forEach(function (item) {
        item.figure.sources.forEach(function (source) {
          var li = el("li", "", figureText(item.figure, app).label + ": ");
          li.appendChild(link(source));
          list.appendChild(li);
        });
      });
    }

    function sourceList(title, sources) {
      var box = el("div", "cq-routes-sources");
      box.appendChild(el("strong", "", title));
      var list = el("ul");
      var seen = {};
      sources.forEach(function (source) {
        if (seen[source.url + source.title]) { return; }
        seen[source.url + source.title] = true;
        var li = el("li");
        li.appendChild(link(source));
        if (source.detail) { li.appendChild(el("span", "cq-routes-detail-text", " — " + source.detail)); }
        list.appendChild(li);
      });
      box.appendChild(list);
      return box;
    }

    function describe(route) {
      detail.textContent = "";
      detail.appendChild(el("h3", "cq-subheading", t("routes.detail_heading", {rank: numbers.format(route.rank),
                                                                                label: routeLabel(route, app)})));
      var legs = el("ol", "cq-routes-legs");
      var days = [], co2 = [], traffic = [];
      route.legs.forEach(function (leg) {
        var li = el("li", "", t("routes.leg", {
          from: named(leg.from, app).text, to: named(leg.to, app).text, corridor: corridorName(leg, app).text,
          km: numbers.format(leg.length_km), mode: t("routes.mode." + leg.mode),
          quality: app.config.quality[leg.geometry_quality] || leg.geometry_quality || ""}));
        li.appendChild(el("div", "cq-routes-leg-days", t("routes.leg_days", {
          days: span(leg.transit_days, decimals.format), method: legMethod(leg)})));
        legs.appendChild(li);
        days = days.concat(leg.transit_days.sources);
        if (leg.co2_kg_per_tonne) { co2 = co2.concat(leg.co2_kg_per_tonne.sources); }
      });
      trafficFigures(route).forEach(function (item) { traffic = traffic.concat(item.figure.sources); });
      (route.documented_comparisons || []).forEach(function (c) { days = days.concat(c.sources); });
      detail.appendChild(legs);
      if (days.length) { detail.appendChild(sourceList(t("routes.sources_days"), days)); }
      if (co2.length) { detail.appendChild(sourceList(t("routes.sources_co2"), co2)); }
      if (traffic.length) { detail.appendChild(sourceList(t("routes.sources_traffic"), traffic)); }
    }

    /* How a leg's days were found, in the language; the cited speed's own method as its source writes it. */
    function legMethod(leg) {
      var days = leg.transit_days;
      if (days.basis === "documented") { return t(METHODS.documented, {corridor: corridorName(leg, app).text}); }
      if (days.basis === "estimated" && days.speed_km_per_day) {
        return t(METHODS.estimated, {km: numbers.format(leg.length_km), min: numbers.format(days.speed_km_per_day[0]),
                                     max: numbers.format(days.speed_km_per_day[1]), method: english(days.speed_method, app)});
      }
      if (days.basis === "unknown") { return t(METHODS.unknown, {mode: t("routes.mode." + leg.mode)}); }
      return english(days.method, app);
    }

    function select(index) {
      state.selected = index;
      state.shapes.forEach(function (group, i) {
        group.eachLayer(function (line) {
          line.setStyle(i === index ? {weight: 7, opacity: 1} : {weight: 3, opacity: 0.35});
          if (i === index) { line.bringToFront(); }
        });
      });
      Array.prototype.forEach.call(tbody.rows, function (tr, i) {
        tr.classList.toggle("cq-selected", i === index);
        tr.setAttribute("aria-selected", String(i === index));
      });
      var route = state.result.alternatives[index];
      if (route) { describe(route); drawTraffic(route); }
    }

    function statusText(result) {
      var ends = {from: named(result.from, app).text, to: named(result.to, app).text};
      return result.alternatives.length
        ? t("routes.count", L.extend({count: numbers.format(result.alternatives.length), ranking: t("routes.ranking")}, ends))
        : t("routes.none", ends);
    }

    /* Everything written in words, again (after a change of language). */
    function relabel() {
      useLanguage(app.lang);
      fillPickers(fromSelect.value, toSelect.value);
      if (!state.result) { return; }
      status.textContent = statusText(state.result);
      table(state.result);
      drawChart();
      if (downloads.firstChild) { downloads.firstChild.textContent = t("routes.download"); }
      select(state.selected);
    }

    /* Show the comparison from ``from`` to ``to``; ``options.keepView``: draw it without moving the map (a shared
       link sets the view itself). */
    function show(from, to, showOptions) {
      showOptions = showOptions || {};
      status.textContent = t("routes.loading");
      return load(from, to).then(function (result) {
        state.result = result;
        state.shown = result.from.id + "/" + result.to.id;
        fillPickers(result.from.id, result.to.id);
        status.textContent = statusText(result);
        draw(result, showOptions.keepView);
        table(result);
        drawChart();
        downloads.textContent = "";
        if (api) {
          var a = el("a", "", t("routes.download"));
          a.href = api + "/" + encodeURIComponent(result.from.id) + "/" + encodeURIComponent(result.to.id) + ".geojson";
          downloads.appendChild(a);
        }
        select(0);
        root.setAttribute("data-shown", state.shown);
        if (showOptions.activate) { activate(showOptions.keepView); }
        if (active) { app.emit("routes", state.shown); }
      }).catch(function (error) {
        status.textContent = error.message;
      });
    }

    fromSelect.addEventListener("change", function () {
      fillPickers(fromSelect.value, toSelect.value === fromSelect.value ? "" : toSelect.value);
      show(fromSelect.value, toSelect.value);
    });
    toSelect.addEventListener("change", function () { show(fromSelect.value, toSelect.value); });
    Array.prototype.forEach.call(root.querySelectorAll(".cq-routes-metric"), function (button) {
      button.addEventListener("click", function () {
        metric = button.getAttribute("data-metric");
        Array.prototype.forEach.call(root.querySelectorAll(".cq-routes-metric"), function (b) {
          b.setAttribute("aria-pressed", String(b === button));
        });
        drawChart();
      });
    });
    app.on("language", relabel);
    /* The comparison on the map (once someone has turned to it), for shared links; and a way to restore one. */
    app.routes = {
      shown: function () { return active ? state.shown : null; },
      show: function (from, to) { return show(from, to, {activate: true, keepView: true}); }
    };
    fillPickers(data["default"].from, data["default"].to);
    return show(data["default"].from, data["default"].to);
  }

  function start(app, options, data) {
    var root = document.getElementById("cq-routes");
    if (!root || !data || root.getAttribute("data-mounted")) { return; }
    root.setAttribute("data-mounted", "true");
    window.cqRoutesReady = mount(root, app, data, options);
    return window.cqRoutesReady;
  }

  window.CQRoutes = {mount: mount};
  /* Mounted once the section is shown, with Chart.js (and the data, where it is a script of its own) loaded then;
     drawn on the map only once it is used. */
  CQAtlas.section("routes", function (app) {
    var root = document.getElementById("cq-routes"), used = false;
    if (!root) { return; }
    function use() { used = true; }
    root.addEventListener("pointerdown", use);
    root.addEventListener("focusin", use);
    var loading = null;
    function load() {
      if (!loading) {
        loading = window.cqRoutesReady = CQAtlas.loadSectionData(root, "routes", app).then(function (data) {
          return start(app, {deferDraw: !used}, data);
        });
      }
      return loading;
    }
    // A shared link that holds a comparison mounts the section before it is shown (see permalink.js).
    app.loadRoutes = load;
    CQAtlas.whenShown(root, load);
  });
})();
