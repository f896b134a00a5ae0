/* Compare routes, the comparison's data: loading it, and the words and numbers every part of the section writes
   from it — in the page's language from the catalogs and the names the data gives (English, marked, where it
   gives none). Attribute text is data: written with textContent only. */
import {featureName} from "./language.js";
import {figureText} from "./popup.js";

export var COLORS = ["#b91c1c", "#1d4ed8", "#047857", "#7c3aed", "#c2410c", "#0f766e"];
export var DASHES = {sea: "9 7", road: "2 6", rail_road: "10 4 2 4", river: null, rail: null};
export var BASIS = {documented: "routes.basis.documented", estimated: "routes.basis.estimated",
                    unknown: "routes.basis.unknown", "documented and estimated": "routes.basis.mixed"};
export var METRICS = {km: "routes.chart_km", days: "routes.chart_days", co2: "routes.chart_co2"};
export var METHODS = {documented: "routes.method_documented", estimated: "routes.method_estimated",
                      unknown: "routes.method_unknown"};

/* Whole and one-decimal numbers in the page's language (Persian digits for fa). */
export var formats = {numbers: null, decimals: null};

export function useLanguage(lang) {
  formats.numbers = new Intl.NumberFormat(lang, {maximumFractionDigits: 0});
  formats.decimals = new Intl.NumberFormat(lang, {maximumFractionDigits: 1});
}

/* The comparison from ``from`` to ``to``: prepared at build time (in the section's data), else asked of the API
   (``api``, when the page is served) and kept. */
export function loadComparison(data, api, from, to, t) {
  var key = from + "/" + to;
  if (data.comparisons[key]) { return Promise.resolve(data.comparisons[key]); }
  if (!api) {
    // Offline, a place the data does not know (a mistyped link) is named, not taken for an unprepared origin.
    var known = (data.places || []).map(function (place) { return place.id; });
    var unknown = [from, to].filter(function (id) { return known.indexOf(id) < 0; })[0];
    return Promise.reject(new Error(unknown === undefined ? t("routes.offline") : t("routes.unknown_place", {place: unknown})));
  }
  return fetch(api + "?from=" + encodeURIComponent(from) + "&to=" + encodeURIComponent(to))
    .then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(t("routes.failed", {message: body.error ? body.error.message : response.status})); }
        data.comparisons[key] = body;
        return body;
      });
    });
}

export function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text !== undefined && text !== null) { node.textContent = String(text); }
  return node;
}

export function span(range, format) {
  if (!range || range.min === null || range.min === undefined) { return "–"; }
  var low = format(range.min), high = format(range.max);
  var text = low === high ? low : low + "–" + high;
  return range.complete === false ? "≥ " + text : text;
}

/* A place's or corridor's name in the page's language, or its English name marked as such. */
export function named(thing, app) { return featureName(thing, app.lang, app.t); }

export function corridorName(leg, app) {
  return named({name_en: leg.corridor_name, name_zh: leg.corridor_name_zh, name_fa: leg.corridor_name_fa}, app);
}

/* Text the sources write in English (methods), marked as English in the other languages. */
export function english(text, app) { return app.lang === "en" ? text : app.t("routes.english", {text: text}); }

/* The route's label from its parts, as the API writes it with ?lang= (geo/corridors/route_text.py). */
export function routeLabel(route, app) {
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

/* A traffic figure's label and value in the page's language (as the data gives them where the catalog has none),
   with the date it speaks for. */
export function trafficText(figure, app) {
  var label = app.t("figure." + figure.name + ".label"), unit = app.t("figure." + figure.name + ".unit");
  return {label: label === "figure." + figure.name + ".label" ? figure.label : label,
          text: figureText(figure.value, unit === "figure." + figure.name + ".unit" ? figure.unit : unit, figure.as_of, app)};
}

export function link(source) {
  var a = el("a", "", source.title);
  a.href = source.url;
  a.rel = "noopener";
  a.target = "_blank";
  return a;
}

/* Traffic a route carries: the documented totals of corridors it uses whole (a part of a corridor does not
   carry the corridor's totals). */
export function trafficFigures(route) {
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

export function seriesOf(route) {
  var series = [];
  route.legs.forEach(function (leg) {
    leg.traffic.forEach(function (figure) {
      if (figure.value && figure.value.series) { series.push({leg: leg, figure: figure}); }
    });
  });
  return series;
}
