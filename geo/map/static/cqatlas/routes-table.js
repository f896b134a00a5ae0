/* Compare routes, in words: the table of km, days, CO2 and documented traffic (every figure with its sources), the
   chosen route's legs with how each figure was found, and the status line. */
import L from "leaflet";
import {figureText} from "./popup.js";
import {BASIS, COLORS, METHODS, corridorName, el, english, formats, link, named, routeLabel, span, trafficFigures,
        trafficText} from "./routes-data.js";

export function routesTable(view) {
  var app = view.app, root = view.root, t = view.t;
  var tbody = root.querySelector("#cq-routes-table tbody");
  var detail = root.querySelector("#cq-routes-detail");

  function sourcesCell(cell, text, sources, title) {
    cell.appendChild(el("span", "", text));
    cell.setAttribute("data-sources", String(sources.length));
    if (title) { cell.title = title; }
  }

  function fill(result) {
    var numbers = formats.numbers;
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
      var dayText = span(route.transit_days, formats.decimals.format);
      var basis = route.transit_days.basis;
      var estimated = basis !== "documented" && basis !== "unknown" && dayText !== "–";
      sourcesCell(days, estimated ? t("routes.estimated", {value: dayText}) : dayText, daySources,
                  t(BASIS[basis] || "routes.basis.unknown"));
      days.setAttribute("data-basis", basis);
      (route.documented_comparisons || []).forEach(function (comparison) {
        var note = el("div", "cq-routes-comparison", t("routes.by_sea", {
          days: figureText(comparison.value, "", null, app).trim(),
          // The titles (English) isolated as one run (U+2068…U+2069, <bdi> in text): right to left they keep their
          // order and punctuation, and the brackets round them belong to the sentence.
          sources: "\u2068" + comparison.sources.map(function (s) { return s.title; }).join("; ") + "\u2069"}));
        days.appendChild(note);
        // The documented time is a whole voyage; the estimate beside it is only time under way: say so on the card.
        if (estimated) { days.appendChild(el("div", "cq-routes-comparison cq-routes-why", t("routes.by_sea_why"))); }
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
        traffic.appendChild(el("div", "", trafficText(item.figure, app).text));
        trafficSources = trafficSources.concat(item.figure.sources);
      });
      if (!shown.length) { traffic.textContent = "–"; }
      traffic.setAttribute("data-sources", String(trafficSources.length));
      tr.appendChild(traffic);
      Array.prototype.forEach.call(tr.cells, function (cell, i) {  // each figure names its column (routes.css)
        if (headers[i]) { cell.setAttribute("data-label", headers[i].textContent); }
      });
      tr.addEventListener("click", function () { view.select(index); });
      tr.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); view.select(index); }
      });
      tbody.appendChild(tr);
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
    var numbers = formats.numbers;
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
        days: span(leg.transit_days, formats.decimals.format), method: legMethod(leg)})));
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
    var days = leg.transit_days, numbers = formats.numbers;
    if (days.basis === "documented") { return t(METHODS.documented, {corridor: corridorName(leg, app).text}); }
    if (days.basis === "estimated" && days.speed_km_per_day) {
      return t(METHODS.estimated, {km: numbers.format(leg.length_km), min: numbers.format(days.speed_km_per_day[0]),
                                   max: numbers.format(days.speed_km_per_day[1]), method: english(days.speed_method, app)});
    }
    if (days.basis === "unknown") { return t(METHODS.unknown, {mode: t("routes.mode." + leg.mode)}); }
    return english(days.method, app);
  }

  function highlight(index) {
    Array.prototype.forEach.call(tbody.rows, function (tr, i) {
      tr.classList.toggle("cq-selected", i === index);
      tr.setAttribute("aria-selected", String(i === index));
    });
  }

  function statusText(result) {
    var ends = {from: named(result.from, app).text, to: named(result.to, app).text};
    return result.alternatives.length
      ? t("routes.count", L.extend({count: formats.numbers.format(result.alternatives.length), ranking: t("routes.ranking")}, ends))
      : t("routes.none", ends);
  }

  return {fill: fill, describe: describe, highlight: highlight, statusText: statusText};
}
