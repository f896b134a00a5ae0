/* Compare routes, on the map: each alternative's legs drawn in its colour, dashed by mode; the chosen one stands out.
   ``deferDraw``: drawn only once the section is used (in a side panel that is open from the start, the atlas keeps
   its own first view until someone turns to the routes). */
import L from "leaflet";
import {COLORS, DASHES, corridorName, formats} from "./routes-data.js";

/* The From and To pickers: reaching or opening one changes nothing until a place is chosen. */
export function isPicker(target) { return !!(target && target.closest && target.closest("select")); }

export function routesOnMap(view, deferDraw) {
  var app = view.app, map = app.map, root = view.root, state = view.state;
  var active = !deferDraw;
  var drawn = L.featureGroup();
  var shapes = [];
  if (active) { drawn.addTo(map); }

  function draw(result, keepView) {
    drawn.clearLayers();
    shapes = result.alternatives.map(function (route, index) {
      var group = L.featureGroup();
      route.legs.forEach(function (leg) {
        var line = L.polyline(leg.geometry.coordinates.map(function (c) { return [c[1], c[0]]; }), {
          color: COLORS[index % COLORS.length], weight: 4, opacity: 0.9, dashArray: DASHES[leg.mode] || null,
          className: "cq-route-line cq-route-" + route.rank + " cq-route-mode-" + leg.mode
        });
        line.bindTooltip(function () {
          return document.createTextNode(view.t("routes.tooltip", {rank: formats.numbers.format(route.rank),
            corridor: corridorName(leg, app).text, km: formats.numbers.format(leg.length_km)}));
        }, {sticky: true});
        line.on("click", function () { view.select(index); });
        group.addLayer(line);
      });
      group.addTo(drawn);
      return group;
    });
    if (!keepView) { fit(); }
  }

  /* The routes framed where the reader sees them (above the bottom sheet on a phone, which lowers itself while routes
     are shown: routes.css); a popup open from before would cover them and is closed. */
  function fit() {
    if (!active || !drawn.getLayers().length) { return; }
    document.body.classList.add("cq-routes-shown");
    map.closePopup();
    app.frame(drawn.getBounds());
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
    // Used: a click (or Enter) on the section, not focus passing through it, nor opening a picker; a choice made in a
    // picker activates it too (routes.js).
    root.addEventListener("click", function (event) { if (!isPicker(event.target)) { activate(); } });
  } else {
    root.setAttribute("data-drawn", "true");
  }

  function highlight(index) {
    shapes.forEach(function (group, i) {
      group.eachLayer(function (line) {
        line.setStyle(i === index ? {weight: 7, opacity: 1} : {weight: 3, opacity: 0.35});
        if (i === index) { line.bringToFront(); }
      });
    });
  }

  return {draw: draw, activate: activate, highlight: highlight, isActive: function () { return active; }};
}
