/* Compare routes: the alternatives between two places drawn side by side on the map (routes-map.js), a table of
   km, days, CO2 and documented traffic, every figure with its source (routes-table.js), a bar chart, and traffic by
   year where sources give it (routes-chart.js). Data: the comparisons prepared at build time (the section's data
   script), or /api/routes when the page is served (routes-data.js). Every label is written in the page's language,
   so a comparison loaded once is redrawn in another language without asking again. */
import {loadSectionData, whenShown} from "./loading.js";
import {el, loadComparison, named, useLanguage} from "./routes-data.js";
import {routesChart} from "./routes-chart.js";
import {isPicker, routesOnMap} from "./routes-map.js";
import {routesTable} from "./routes-table.js";

/* options.deferDraw: draw on the map only once the section is used. */
function mount(root, app, data, options) {
  var api = root.getAttribute("data-api");
  var fromSelect = root.querySelector("#cq-routes-from");
  var toSelect = root.querySelector("#cq-routes-to");
  var status = root.querySelector("#cq-routes-status");
  var downloads = root.querySelector("#cq-routes-downloads");
  var state = {result: null, selected: 0, shown: null, metric: "km"};
  // What the parts share: app.t changes with the language; a route is chosen from the map, the table or the chart.
  var view = {app: app, root: root, state: state, select: select,
              t: function (key, values) { return app.t(key, values); }};
  var t = view.t;
  var onMap = routesOnMap(view, options && options.deferDraw);
  useLanguage(app.lang);
  var tables = routesTable(view);
  var charts = routesChart(view);
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

  function select(index) {
    state.selected = index;
    onMap.highlight(index);
    tables.highlight(index);
    var route = state.result.alternatives[index];
    if (route) { tables.describe(route); charts.drawTraffic(route); }
    if (onMap.isActive() && state.shown) { app.emit("routes", state.shown); }  // the chosen one goes in the link
  }

  /* "from/to", and "/rank" when another than the first alternative is chosen (kept in shared links). */
  function shownWithChoice() {
    var route = state.result && state.result.alternatives[state.selected];
    return state.shown + (route && state.selected > 0 ? "/" + route.rank : "");
  }

  /* Everything written in words, again (after a change of language). */
  function relabel() {
    useLanguage(app.lang);
    fillPickers(fromSelect.value, toSelect.value);
    if (!state.result) { return; }
    status.textContent = tables.statusText(state.result);
    tables.fill(state.result);
    charts.draw();
    if (downloads.firstChild) { downloads.firstChild.textContent = t("routes.download"); }
    select(state.selected);
  }

  /* Show the comparison from ``from`` to ``to``; ``options.keepView``: draw it without moving the map (a shared
     link sets the view itself). */
  function show(from, to, showOptions) {
    showOptions = showOptions || {};
    status.textContent = t("routes.loading");
    return loadComparison(data, api, from, to, t).then(function (result) {
      state.result = result;
      state.shown = result.from.id + "/" + result.to.id;
      fillPickers(result.from.id, result.to.id);
      status.textContent = tables.statusText(result);
      onMap.draw(result, showOptions.keepView);
      tables.fill(result);
      charts.draw();
      downloads.textContent = "";
      if (api) {
        var a = el("a", "", t("routes.download"));
        a.href = api + "/" + encodeURIComponent(result.from.id) + "/" + encodeURIComponent(result.to.id) + ".geojson";
        downloads.appendChild(a);
      }
      var chosen = result.alternatives.map(function (route) { return route.rank; }).indexOf(showOptions.rank);
      select(Math.max(0, chosen));
      root.setAttribute("data-shown", state.shown);
      if (showOptions.activate) { onMap.activate(showOptions.keepView); }
      if (onMap.isActive()) { app.emit("routes", state.shown); }
    }).catch(function (error) {
      status.textContent = error.message;
    });
  }

  // A place chosen: the comparison is shown, and drawn on the map.
  fromSelect.addEventListener("change", function () {
    fillPickers(fromSelect.value, toSelect.value === fromSelect.value ? "" : toSelect.value);
    show(fromSelect.value, toSelect.value, {activate: true});
  });
  toSelect.addEventListener("change", function () { show(fromSelect.value, toSelect.value, {activate: true}); });
  Array.prototype.forEach.call(root.querySelectorAll(".cq-routes-metric"), function (button) {
    button.addEventListener("click", function () {
      state.metric = button.getAttribute("data-metric");
      Array.prototype.forEach.call(root.querySelectorAll(".cq-routes-metric"), function (b) {
        b.setAttribute("aria-pressed", String(b === button));
      });
      charts.draw();
    });
  });
  app.on("language", relabel);
  /* The comparison on the map (once someone has turned to it), for shared links; and a way to restore one. */
  app.routes = {
    shown: function () { return onMap.isActive() ? shownWithChoice() : null; },
    show: function (from, to, rank) { return show(from, to, {activate: true, keepView: true, rank: rank}); }
  };
  fillPickers(data["default"].from, data["default"].to);
  return show(data["default"].from, data["default"].to);
}

function start(app, options, data) {
  var root = document.getElementById("cq-routes");
  if (!root || !data || root.getAttribute("data-mounted")) { return; }
  root.setAttribute("data-mounted", "true");
  return mount(root, app, data, options);
}

/* Mounted once the section is shown, with Chart.js (and the data, where it is a script of its own) loaded then;
   drawn on the map only once it is used. */
export function startRoutes(app) {
  var root = document.getElementById("cq-routes"), used = false;
  if (!root) { return; }
  function use(event) { if (event.type === "change" || !isPicker(event.target)) { used = true; } }
  root.addEventListener("click", use);
  root.addEventListener("change", use);
  var loading = null;
  function load() {
    if (!loading) {
      loading = loadSectionData(root, "routes", app).then(function (data) {
        return start(app, {deferDraw: !used}, data);
      });
    }
    return loading;
  }
  // A shared link that holds a comparison mounts the section before it is shown (see permalink.js).
  app.loadRoutes = load;
  whenShown(root, load);
}
