/* "At a glance" card: each city-wide figure with its unit, date and source links, in the page's language; series
   drawn as small charts. Attribute text is data: written with textContent only. */
import {chartInPageFonts, loadSectionData, whenShown} from "./loading.js";
import {featureName} from "./language.js";
import {figureText} from "./popup.js";

function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text !== undefined && text !== null) { node.textContent = String(text); }
  return node;
}

/* A figure's label and unit in the page's language (the catalogs' figure names), else as the data gives them. */
function labelled(figure, app) {
  var named = app.config.figures.documented[figure.name];
  return named ? {label: named[0], unit: named[1]} : {label: figure.label, unit: figure.unit};
}

function sources(figure) {
  var span = el("span", "cq-glance-sources");
  figure.sources.forEach(function (source, index) {
    var a = el("a", "", "[" + (source.report_ref || index + 1) + "]");
    a.href = source.url;
    a.title = source.title;
    a.rel = "noopener";
    a.target = "_blank";
    span.appendChild(document.createTextNode(" "));
    span.appendChild(a);
  });
  return span;
}

function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

/* Fills the card (again, when the language changes): numbers, units and qualifiers the page's way. */
function fill(root, data, app) {
  var keyList = root.querySelector("#cq-glance-figures");
  var moreList = root.querySelector("#cq-glance-more");
  var charts = root.querySelector("#cq-glance-charts");
  if (typeof window.Chart !== "undefined") {  // charts of the previous language go with their canvases
    charts.querySelectorAll("canvas").forEach(function (canvas) { var chart = window.Chart.getChart(canvas); if (chart) { chart.destroy(); } });
  }
  [keyList, moreList, charts].forEach(clear);
  var name = featureName(data, app.lang, app.t);
  root.querySelector("#cq-glance-heading").textContent = app.t("glance.heading", {name: name.text});
  data.figures.forEach(function (figure) {
    var words = labelled(figure, app);
    if (figure.value && figure.value.series) {
      var box = el("figure", "cq-glance-chart");
      box.setAttribute("data-figure", figure.name);
      var caption = el("figcaption", "", words.label + (words.unit ? " (" + words.unit + ")" : ""));
      caption.appendChild(sources(figure));
      var canvas = el("canvas");
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", words.label);
      box.appendChild(caption);
      box.appendChild(canvas);
      charts.appendChild(box);
      if (typeof window.Chart !== "undefined") {
        var years = Object.keys(figure.value.series).sort();
        var yearChart = null;
        chartInPageFonts(canvas, years.map(function (year) { return app.formatYear ? app.formatYear(year) : year; }),
                         function () { return yearChart; });
        yearChart = new window.Chart(canvas, {type: "bar", options: {animation: false, plugins: {legend: {display: false}}},
          data: {labels: years.map(function (year) { return app.formatYear ? app.formatYear(year) : year; }),
                 datasets: [{label: words.label, backgroundColor: "#b45309",
                             data: years.map(function (y) { return figure.value.series[y]; })}]}});
      }
      return;
    }
    var list = data.key_figures.indexOf(figure.name) >= 0 ? keyList : moreList;
    var term = el("dt", "", words.label);
    var detail = el("dd", "", figureText(figure.value, words.unit, figure.as_of, app));
    detail.setAttribute("data-figure", figure.name);
    detail.setAttribute("data-sources", String(figure.sources.length));
    detail.appendChild(sources(figure));
    list.appendChild(term);
    list.appendChild(detail);
  });
}

function start(root, data, app) {
  if (!data || root.getAttribute("data-mounted")) { return; }
  root.setAttribute("data-mounted", "true");
  fill(root, data, app);
  app.on("language", function () { fill(root, data, app); });
}

/* Filled in once the card is shown, with Chart.js (and the data, where it is a script of its own) loaded then. */
export function startGlance(app) {
  var root = document.getElementById("cq-glance");
  if (!root) { return; }
  whenShown(root, function () {
    loadSectionData(root, "glance", app).then(function (data) { start(root, data, app); });
  });
}
