/* "At a glance" card: each city-wide figure with its unit, date and source links; series drawn as small charts.
   Attribute text is data: written with textContent only. */
(function () {
  "use strict";
  var numbers = null;  // made when the card is first filled: a number format costs the first drawing ~30 ms
  var QUALIFIERS = {more_than: "more than ", at_least: "at least ", about: "about ", less_than: "less than ", up_to: "up to "};

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function valueText(value) {
    numbers = numbers || new Intl.NumberFormat("en", {maximumFractionDigits: 3});
    if (typeof value === "number") { return numbers.format(value); }
    if (value && typeof value.value === "number") { return (QUALIFIERS[value.qualifier] || "") + numbers.format(value.value); }
    if (value && typeof value.min === "number") {
      return (value.qualifier === "about" ? "about " : "") + numbers.format(value.min) + "–" + numbers.format(value.max);
    }
    return "";
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

  function start(given) {
    var root = document.getElementById("cq-glance");
    if (!root || !given || root.getAttribute("data-mounted")) { return; }
    root.setAttribute("data-mounted", "true");
    var data = given;
    var keyList = root.querySelector("#cq-glance-figures");
    var moreList = root.querySelector("#cq-glance-more");
    var charts = root.querySelector("#cq-glance-charts");
    data.figures.forEach(function (figure) {
      if (figure.value && figure.value.series) {
        var box = el("figure", "cq-glance-chart");
        box.setAttribute("data-figure", figure.name);
        var caption = el("figcaption", "", figure.label + (figure.unit ? " (" + figure.unit + ")" : ""));
        caption.appendChild(sources(figure));
        var canvas = el("canvas");
        canvas.setAttribute("role", "img");
        canvas.setAttribute("aria-label", figure.label);
        box.appendChild(caption);
        box.appendChild(canvas);
        charts.appendChild(box);
        if (typeof Chart !== "undefined") {
          var years = Object.keys(figure.value.series).sort();
          new Chart(canvas, {type: "bar", options: {animation: false, plugins: {legend: {display: false}}},
            data: {labels: years, datasets: [{label: figure.label, backgroundColor: "#b45309",
                                              data: years.map(function (y) { return figure.value.series[y]; })}]}});
        }
        return;
      }
      var list = data.key_figures.indexOf(figure.name) >= 0 ? keyList : moreList;
      var term = el("dt", "", figure.label);
      var detail = el("dd", "", valueText(figure.value) + (figure.unit ? " " + figure.unit : "") +
                      (figure.as_of ? " (" + figure.as_of + ")" : ""));
      detail.setAttribute("data-figure", figure.name);
      detail.setAttribute("data-sources", String(figure.sources.length));
      detail.appendChild(sources(figure));
      list.appendChild(term);
      list.appendChild(detail);
    });
  }

  /* Filled in once the card is shown, with Chart.js (and the data, where it is a script of its own) loaded then. */
  CQAtlas.section("glance", function (app) {
    var root = document.getElementById("cq-glance");
    if (!root) { return; }
    CQAtlas.whenShown(root, function () { CQAtlas.loadSectionData(root, "glance", app).then(start); });
  });
})();
