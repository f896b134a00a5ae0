/* The feature and layer pages' script (bundled by esbuild as cqatlas/pages.<hash>.js). The pages read without it:
   it adds the small map, the series charts and sorting to what the HTML already says. Text is only ever set
   with textContent. */
(function () {
  "use strict";

  var CQAtlas = window.CQAtlas = window.CQAtlas || {};
  var received = {};
  // Data scripts (assets/data/*.js) call this, as on the map page.
  CQAtlas.receive = CQAtlas.receive || function (name, data) { received[name] = data; };

  function json(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function smallMap() {
    var element = document.getElementById("cq-page-map"), feature = json("cq-page-feature");
    if (!element || !feature || !window.L) { return; }
    element.classList.add("cq-page-map-ready");  // shown before Leaflet measures it
    var map = L.map(element, {zoomControl: true, attributionControl: true, scrollWheelZoom: false});
    map.attributionControl.setPrefix(false);
    if (received.outlines) {
      L.geoJSON(received.outlines, {interactive: false,
        style: {color: "#9ca3af", weight: 0.8, fillColor: "#f8f8f6", fillOpacity: 1}}).addTo(map);
      map.attributionControl.addAttribution("Natural Earth");
    }
    var shape = L.geoJSON(feature, {
      style: {color: "#b45309", weight: 3, fillColor: "#fbbf24", fillOpacity: 0.45},
      pointToLayer: function (_, latlng) {
        return L.circleMarker(latlng, {radius: 8, color: "#7f1d1d", fillColor: "#ef4444", fillOpacity: 0.9});
      }
    }).addTo(map);
    map.fitBounds(shape.getBounds(), {maxZoom: 11, padding: [24, 24]});
    L.control.scale().addTo(map);
  }

  function charts() {
    if (!window.Chart) { return; }
    var lang = document.documentElement.lang;
    document.querySelectorAll("canvas[data-chart-for]").forEach(function (canvas) {
      var table = document.getElementById(canvas.getAttribute("data-chart-for"));
      if (!table) { return; }
      var labels = [], values = [];
      table.tBodies[0].querySelectorAll("tr").forEach(function (row) {
        labels.push(row.cells[0].textContent);
        values.push(Number(row.cells[1].getAttribute("data-value")));
      });
      canvas.parentElement.hidden = false;
      canvas.chart = new window.Chart(canvas, {
        type: "bar",
        data: {labels: labels, datasets: [{label: table.getAttribute("data-label"), data: values,
                                           backgroundColor: "#b45309"}]},
        options: {animation: false, locale: lang, maintainAspectRatio: false,
                  plugins: {legend: {display: false}}, scales: {x: {reverse: document.documentElement.dir === "rtl"}}}
      });
      canvas.setAttribute("data-chart-drawn", String(values.length));
    });
  }

  function sortable() {
    var table = document.getElementById("cq-layer-table");
    if (!table) { return; }
    var body = table.tBodies[0], collator = new Intl.Collator(document.documentElement.lang);
    var hint = document.querySelector(".cq-sort-hint");
    if (hint) { hint.hidden = false; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cq-sort";
      while (header.firstChild) { button.appendChild(header.firstChild); }
      header.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = header.getAttribute("aria-sort") !== "ascending";
        var numeric = header.hasAttribute("data-numeric");
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[index].getAttribute("data-sort"), y = b.cells[index].getAttribute("data-sort");
          if (x === null || x === "None") { return 1; }  // features without the figure go last either way
          if (y === null || y === "None") { return -1; }
          var order = numeric ? Number(x) - Number(y) : collator.compare(x, y);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  /* The embed page's link to the full atlas opens it at the view the reader has reached (the map keeps its state in
     the address's fragment). */
  function embedLink() {
    var link = document.querySelector(".cq-embed-link");
    if (!link) { return; }
    var base = link.getAttribute("href").split("#")[0];
    function follow() { link.href = base + window.location.hash; }
    ["pointerdown", "focus", "click"].forEach(function (name) { link.addEventListener(name, follow); });
    follow();
  }

  document.addEventListener("DOMContentLoaded", function () {
    embedLink();
    smallMap();
    charts();
    sortable();
  });
}());
