/* Compare routes, the charts (Chart.js, loaded with the section; without it the table stands alone): the
   alternatives side by side on the metric chosen, and the chosen route's traffic by year where sources give it.
   Right to left, bars grow from the right and the route axis stands on the right; numbers in the language. */
import {chartInPageFonts} from "./loading.js";
import {COLORS, METRICS, corridorName, formats, link, el, seriesOf, trafficText} from "./routes-data.js";

export function routesChart(view) {
  var app = view.app, root = view.root, state = view.state;
  var trafficBox = root.querySelector("#cq-routes-traffic");
  var chart = null, trafficChart = null;

  function chartData() {
    var routes = state.result.alternatives;
    var values = routes.map(function (route) {
      if (state.metric === "km") { return route.total_km; }
      var range = state.metric === "days" ? route.transit_days : route.co2_kg_per_tonne;
      if (range.min === null) { return null; }
      // A single value is a bar from zero: a floating bar from a value to itself would have no width at all.
      return range.min === range.max ? range.max : [range.min, range.max];
    });
    return {
      labels: routes.map(function (route) { return view.t("routes.chart_route", {rank: formats.numbers.format(route.rank)}); }),
      datasets: [{label: view.t(METRICS[state.metric]), data: values,
                  backgroundColor: routes.map(function (r, i) { return COLORS[i % COLORS.length]; }),
                  borderSkipped: false}]
    };
  }

  function drawChart() {
    var canvas = root.querySelector("#cq-routes-chart");
    if (typeof window.Chart === "undefined") { return; }
    if (chart) { chart.destroy(); }
    var rtl = document.documentElement.dir === "rtl";
    var data = chartData();
    chartInPageFonts(canvas, data.labels.concat([view.t(METRICS[state.metric])]), function () { return chart; });
    // Every route named on its axis (none skipped), the measure and its unit as the value axis's title; the bars are
    // coloured per route as in the table and on the map, so a one-swatch legend would only mislead.
    chart = new window.Chart(canvas, {type: "bar", data: data, options: {
      indexAxis: "y", animation: false, responsive: true, maintainAspectRatio: false, locale: app.lang,
      scales: {x: {reverse: rtl, beginAtZero: true, title: {display: true, text: view.t(METRICS[state.metric])},
                   ticks: {callback: function (value) { return formats.numbers.format(value); }}},
               y: {position: rtl ? "right" : "left", ticks: {autoSkip: false}}},
      plugins: {legend: {display: false}, tooltip: {rtl: rtl}}, onClick: function (event, elements) {
        if (elements.length) { view.select(elements[0].index); }
      }
    }});
  }

  function drawTraffic(route) {
    var series = seriesOf(route);
    trafficBox.hidden = !series.length || typeof window.Chart === "undefined";
    if (trafficChart) { trafficChart.destroy(); trafficChart = null; }
    var list = trafficBox.querySelector("ul");
    list.textContent = "";
    if (trafficBox.hidden) { return; }
    var years = {};
    series.forEach(function (item) { Object.keys(item.figure.value.series).forEach(function (y) { years[y] = true; }); });
    var labels = Object.keys(years).sort();
    var rtl = document.documentElement.dir === "rtl";
    var yearFormat = new Intl.NumberFormat(app.lang, {useGrouping: false});
    chartInPageFonts(trafficBox.querySelector("canvas"), labels.map(function (y) { return yearFormat.format(Number(y)); })
      .concat(series.map(function (item) { return corridorName(item.leg, app).text; })), function () { return trafficChart; });
    trafficChart = new window.Chart(trafficBox.querySelector("canvas"), {type: "line", options: {
      animation: false, locale: app.lang,
      scales: {x: {reverse: rtl, ticks: {callback: function (value, index) { return yearFormat.format(Number(labels[index])); }}},
               y: {position: rtl ? "right" : "left", ticks: {callback: function (value) { return formats.numbers.format(value); }}}},
      plugins: {legend: {rtl: rtl}, tooltip: {rtl: rtl}}
    }, data: {
      labels: labels,
      datasets: series.map(function (item, i) {
        return {label: view.t("routes.traffic_series", {figure: trafficText(item.figure, app).label,
                                                       corridor: corridorName(item.leg, app).text}),
                borderColor: COLORS[(i + 2) % COLORS.length],
                data: labels.map(function (y) { var v = item.figure.value.series[y]; return v === undefined ? null : v; })};
      })
    }});
    series.forEach(function (item) {
      item.figure.sources.forEach(function (source) {
        var li = el("li", "", trafficText(item.figure, app).label + ": ");
        li.appendChild(link(source));
        list.appendChild(li);
      });
    });
  }

  return {draw: drawChart, drawTraffic: drawTraffic};
}
