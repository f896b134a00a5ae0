/* The base map: online tiles when they load, and underneath them an offline base that ships with the page —
   Natural Earth country outlines and GeoNames city labels, more of them as the map zooms in. */
import L from "leaflet";

export function startBase(app) {
  var map = app.map, base = app.base || {};
  // Below the tile pane: tiles cover the outlines wherever they load, the outlines show wherever they do not.
  map.createPane("cqBase").style.zIndex = 150;
  map.createPane("cqLabels").style.zIndex = 350;  // under the atlas features: data first
  var layers = {
    outlines: L.geoJSON(base.outlines, {pane: "cqBase", interactive: false,
                                        style: {color: "#9ca3af", weight: 0.8, fillColor: "#f8f8f6", fillOpacity: 1}}),
    cities: L.layerGroup([], {pane: "cqLabels"})
  };
  var tiles = {};
  app.config.tiles.forEach(function (spec) {
    tiles[spec.id] = L.tileLayer(spec.url, {attribution: spec.attribution, maxZoom: spec.maxZoom});
  });

  // Population (thousands) a city needs to be labelled at a zoom: a few capitals zoomed out, every town of
  // Chongqing close up.
  function minPopulation(zoom) {
    if (zoom <= 3) { return 8000; }
    return [5000, 3000, 1500, 1000][zoom - 4] || 0;
  }

  var labels = {};
  function label(index) {
    if (!labels[index]) {
      var city = base.cities[index];
      var text = document.createElement("span");
      text.textContent = city[0];
      labels[index] = L.marker([city[2], city[1]], {pane: "cqLabels", interactive: false, keyboard: false,
        icon: L.divIcon({className: "cq-city", html: text, iconSize: null})});
    }
    return labels[index];
  }

  /* Most populous first; a label that would overlap one already placed is left out at this zoom. */
  function placeLabels() {
    if (!map.hasLayer(layers.cities)) { return; }
    var view = map.getBounds().pad(0.1), min = minPopulation(map.getZoom()), placed = [], wanted = {};
    (base.cities || []).forEach(function (city, index) {
      if (city[3] < min || !view.contains([city[2], city[1]])) { return; }
      var p = map.latLngToContainerPoint([city[2], city[1]]);
      var box = L.bounds([p.x - 6, p.y - 10], [p.x + 12 + city[0].length * 7, p.y + 10]);
      if (placed.some(function (other) { return other.intersects(box); })) { return; }
      placed.push(box);
      wanted[index] = true;
    });
    Object.keys(labels).forEach(function (index) { if (!wanted[index]) { layers.cities.removeLayer(labels[index]); } });
    Object.keys(wanted).forEach(function (index) { layers.cities.addLayer(label(index)); });
  }

  app.setTiles = function (id) {
    Object.keys(tiles).forEach(function (key) { if (key !== id) { map.removeLayer(tiles[key]); } });
    if (tiles[id]) { tiles[id].addTo(map); }
    app.state.tiles = id || "";
    app.emit("base", {tiles: id});
  };
  app.setBaseLayer = function (name, visible) {
    var changed = visible !== map.hasLayer(layers[name]);
    if (visible) { layers[name].addTo(map); } else { map.removeLayer(layers[name]); }
    if (changed && name === "outlines") { app.credit(base.credits, visible); }
    app.state[name] = visible;
    placeLabels();
    app.emit("base", {name: name, visible: visible});
  };

  var pending = null;
  map.on("moveend", function () { window.clearTimeout(pending); pending = window.setTimeout(placeLabels, 60); });
  app.setTiles(app.config.tiles.length ? app.config.tiles[0].id : "");
  app.setBaseLayer("outlines", true);
  app.setBaseLayer("cities", true);
}
