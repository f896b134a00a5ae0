/* Compare routes: the alternatives between two places drawn side by side on the map, a table of km, days, CO2
   and documented traffic (every figure with its source), a bar chart, and traffic by year where sources give it.
   Data: the comparisons prepared at build time (JSON block), or /api/routes when the page is served.
   Attribute text is data: written with textContent only. */
(function () {
  "use strict";

  var COLORS = ["#b91c1c", "#1d4ed8", "#047857", "#7c3aed", "#c2410c", "#0f766e"];
  var DASHES = {sea: "9 7", road: "2 6", rail_road: "10 4 2 4", river: null, rail: null};
  var numbers = new Intl.NumberFormat("en", {maximumFractionDigits: 0});
  var decimals = new Intl.NumberFormat("en", {maximumFractionDigits: 1});

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

  function figureValue(value) {
    if (value === null || value === undefined) { return ""; }
    if (typeof value === "number") { return numbers.format(value); }
    if (typeof value.value === "number") {
      var words = {more_than: "more than ", at_least: "at least ", about: "about ", less_than: "less than ",
                   up_to: "up to "};
      return (words[value.qualifier] || "") + numbers.format(value.value);
    }
    if (typeof value.min === "number") { return numbers.format(value.min) + "–" + numbers.format(value.max); }
    return "";
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
  function mount(root, map, data, options) {
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
    var state = {result: null, selected: 0, shapes: []};
    var chart = null, trafficChart = null;
    var origins = {};
    Object.keys(data.comparisons).forEach(function (key) { origins[key.split("/")[0]] = true; });

    function placeOptions(select, places, chosen) {
      select.textContent = "";
      places.forEach(function (place) {
        var option = el("option", "", place.name_en);
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
      if (!api) { return Promise.reject(new Error("only routes from the prepared origins are in this copy")); }
      return fetch(api + "?from=" + encodeURIComponent(from) + "&to=" + encodeURIComponent(to))
        .then(function (response) {
          return response.json().then(function (body) {
            if (!response.ok) { throw new Error(body.error ? body.error.message : "request failed"); }
            data.comparisons[key] = body;
            return body;
          });
        });
    }

    function draw(result) {
      drawn.clearLayers();
      state.shapes = result.alternatives.map(function (route, index) {
        var group = L.featureGroup();
        route.legs.forEach(function (leg) {
          var line = L.polyline(leg.geometry.coordinates.map(function (c) { return [c[1], c[0]]; }), {
            color: COLORS[index % COLORS.length], weight: 4, opacity: 0.9, dashArray: DASHES[leg.mode] || null,
            className: "cq-route-line cq-route-" + route.rank + " cq-route-mode-" + leg.mode
          });
          line.bindTooltip(function () {
            return document.createTextNode("#" + route.rank + " " + leg.corridor_name + " (" +
                                           numbers.format(leg.length_km) + " km)");
          }, {sticky: true});
          line.on("click", function () { select(index); });
          group.addLayer(line);
        });
        group.addTo(drawn);
        return group;
      });
      fit();
    }

    function fit() {
      if (active && drawn.getLayers().length) { map.fitBounds(drawn.getBounds(), {padding: [20, 20]}); }
    }

    function activate() {
      if (active) { return; }
      active = true;
      drawn.addTo(map);
      fit();
      root.setAttribute("data-drawn", "true");
    }
    if (!active) {
      root.addEventListener("pointerdown", activate);
      root.addEventListener("focusin", activate);
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
        rank.appendChild(el("span", "", route.rank));
        tr.appendChild(rank);
        tr.appendChild(el("th", "cq-routes-label", route.label)).scope = "row";
        var km = el("td", "cq-num", numbers.format(route.total_km));
        km.title = "geodesic length of the corridor lines used";
        tr.appendChild(km);
        var days = el("td", "cq-num");
        var daySources = [];
        route.legs.forEach(function (leg) { daySources = daySources.concat(leg.transit_days.sources); });
        var dayText = span(route.transit_days, decimals.format);
        var basis = route.transit_days.basis === "documented" ? "" : route.transit_days.basis === "unknown" ? "" : " est.";
        sourcesCell(days, dayText + basis, daySources, route.transit_days.basis);
        (route.documented_comparisons || []).forEach(function (comparison) {
          var note = el("div", "cq-routes-comparison",
                        "by sea: " + figureValue(comparison.value) + " days (" + comparison.sources.map(function (s) {
                          return s.title; }).join("; ") + ")");
          days.appendChild(note);
        });
        tr.appendChild(days);
        var co2 = el("td", "cq-num");
        var co2Sources = [];
        route.legs.forEach(function (leg) { if (leg.co2_kg_per_tonne) { co2Sources = co2Sources.concat(leg.co2_kg_per_tonne.sources); } });
        sourcesCell(co2, span(route.co2_kg_per_tonne, numbers.format) + " est.", co2Sources, "estimate");
        tr.appendChild(co2);
        var traffic = el("td", "cq-routes-traffic-cell");
        var shown = trafficFigures(route);
        var trafficSources = [];
        shown.forEach(function (item) {
          traffic.appendChild(el("div", "", figureValue(item.figure.value) + " " + item.figure.unit));
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
        labels: routes.map(function (route) { return "#" + route.rank; }),
        datasets: [{label: {km: "km", days: "days (range)", co2: "kg CO2 per tonne (estimate)"}[metric], data: values,
                    backgroundColor: routes.map(function (r, i) { return COLORS[i % COLORS.length]; }),
                    borderSkipped: false}]
      };
    }

    function drawChart() {
      var canvas = root.querySelector("#cq-routes-chart");
      if (typeof Chart === "undefined") { return; }
      if (chart) { chart.destroy(); }
      chart = new Chart(canvas, {type: "bar", data: chartData(), options: {
        indexAxis: "y", animation: false, responsive: true, maintainAspectRatio: false,
        plugins: {legend: {display: true}}, onClick: function (event, elements) {
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
      trafficChart = new Chart(trafficBox.querySelector("canvas"), {type: "line", options: {animation: false}, data: {
        labels: labels,
        datasets: series.map(function (item, i) {
          return {label: item.figure.label + " – " + item.leg.corridor_name, borderColor: COLORS[(i + 2) % COLORS.length],
                  data: labels.map(function (y) { var v = item.figure.value.series[y]; return v === undefined ? null : v; })};
        })
      }});
      series.forEach(function (item) {
        item.figure.sources.forEach(function (source) {
          var li = el("li", "", item.figure.label + ": ");
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
      detail.appendChild(el("h3", "cq-subheading", "#" + route.rank + " " + route.label));
      var legs = el("ol", "cq-routes-legs");
      var days = [], co2 = [], traffic = [];
      route.legs.forEach(function (leg) {
        var li = el("li", "", leg.from.name_en + " → " + leg.to.name_en + ": " + leg.corridor_name + ", " +
                    numbers.format(leg.length_km) + " km (" + leg.mode.replace("_", "/") + "; " +
                    (leg.geometry_quality || "") + " geometry); days " + span(leg.transit_days, decimals.format) +
                    " — " + leg.transit_days.method);
        legs.appendChild(li);
        days = days.concat(leg.transit_days.sources);
        if (leg.co2_kg_per_tonne) { co2 = co2.concat(leg.co2_kg_per_tonne.sources); }
      });
      trafficFigures(route).forEach(function (item) { traffic = traffic.concat(item.figure.sources); });
      (route.documented_comparisons || []).forEach(function (c) { days = days.concat(c.sources); });
      detail.appendChild(legs);
      if (days.length) { detail.appendChild(sourceList("Transit days", days)); }
      if (co2.length) { detail.appendChild(sourceList("CO₂ factors", co2)); }
      if (traffic.length) { detail.appendChild(sourceList("Traffic", traffic)); }
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

    function show(from, to) {
      status.textContent = "…";
      return load(from, to).then(function (result) {
        state.result = result;
        status.textContent = result.alternatives.length
          ? result.alternatives.length + " routes from " + result.from.name_en + " to " + result.to.name_en +
            " (" + result.ranking + ")"
          : "No route connects " + result.from.name_en + " and " + result.to.name_en + " in the atlas.";
        draw(result);
        table(result);
        drawChart();
        downloads.textContent = "";
        if (api) {
          var a = el("a", "", "Download these routes as GeoJSON");
          a.href = api + "/" + encodeURIComponent(result.from.id) + "/" + encodeURIComponent(result.to.id) + ".geojson";
          downloads.appendChild(a);
        }
        select(0);
        root.setAttribute("data-shown", from + "/" + to);
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
    fillPickers(data["default"].from, data["default"].to);
    return show(data["default"].from, data["default"].to);
  }

  function start(map, options, data) {
    var root = document.getElementById("cq-routes");
    var block = document.getElementById("cq-routes-data");
    if (!root || !(block || data) || root.getAttribute("data-mounted")) { return; }
    root.setAttribute("data-mounted", "true");
    window.cqRoutesReady = mount(root, map, data || JSON.parse(block.textContent), options);
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
    CQAtlas.whenShown(root, function () {
      window.cqRoutesReady = CQAtlas.loadSectionData(root, "routes", app).then(function (data) {
        return start(app.map, {deferDraw: !used}, data);
      });
    });
  });
})();
