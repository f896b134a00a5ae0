/* A layer too large to travel inside the page is drawn from the atlas's vector tiles (PMTiles, read by byte ranges):
   protomaps-leaflet (npm, part of no bundle) is loaded the first time such a layer is switched on, and draws the
   layer's tiles on canvas in its kinds' colours. A click asks the drawn tiles which of the layer's features lie under
   the pointer; the popup shows the attributes the tiles carry (ids, names, kind, year, geometry quality), and the
   feature's own page has the rest. The search and the feature table find the layer's features through
   tiled-features.js. Attribute text is data: the popup writes it with textContent only. */
import L from "leaflet";
import {loadScript} from "./loading.js";
import {fold} from "./textsearch.js";

var POINT = 1, LINE = 2, POLYGON = 3;  // the vector tile specification's geometry types

function kindOf(spec, feature) { return spec.kinds[feature.props.kind] || {}; }

/* What to paint: areas, then lines, then points of the layer, each in its kind's style (shapes.js draws the same
   kinds from GeoJSON). */
function paintRules(spec) {
  var P = window.protomapsL;
  function only(type) { return function (z, feature) { return feature.geomType === type; }; }
  function color(z, feature) { return kindOf(spec, feature).color || "#333"; }
  function fill(z, feature) { var kind = kindOf(spec, feature); return kind.fill_color || kind.color || "#333"; }
  return [
    {dataLayer: spec.id, filter: only(POLYGON), symbolizer: new P.PolygonSymbolizer({
      fill: fill, opacity: function (z, feature) { return kindOf(spec, feature).fill_opacity || 0.35; },
      stroke: color, width: 1})},
    {dataLayer: spec.id, filter: only(LINE), symbolizer: new P.LineSymbolizer({
      color: color, width: function (z, feature) { return kindOf(spec, feature).weight || 2; }})},
    {dataLayer: spec.id, filter: only(POINT), symbolizer: new P.CircleSymbolizer({
      radius: function (z, feature) { return Math.min(kindOf(spec, feature).radius || 4, 2 + z / 3); },
      fill: fill, stroke: "#fff", width: 0.5})}
  ];
}

/* The entry a popup, a search result or a table row is made from, for a feature of a tiled layer: its properties
   (the tile's attributes, or the whole feature where the API gave it), the point its popup opens at and the bounds
   a fly to it frames. The marker only places the popup: it is never added to the map. */
export function tiledEntry(layer, props, latlng, bounds, geometry) {
  var feature = {type: "Feature", properties: props,
                 geometry: geometry || {type: "Point", coordinates: [latlng.lng, latlng.lat]}};
  return {id: String(props.id), feature: feature, spec: layer.spec, layer: layer, tiled: true,
          shape: L.circleMarker(latlng), bounds: bounds || L.latLngBounds([latlng, latlng]),
          search: fold([props.name_en, props.name_zh || "", props.name_fa || "", props.id].join(" "))};
}

/* A layer group that stands for the layer on the map; the tiles' renderer is made inside it when first shown. */
export function tiledLayer(app, layer) {
  var spec = layer.spec, tiles = app.config.tiledLayers;
  var group = L.layerGroup();
  var drawn = null;
  group.on("add", function () {
    // Opened from disk, a browser reads no part of a file (nor fetches it at all): the layer stays empty there.
    if (drawn || window.location.protocol === "file:") { return; }
    drawn = loadScript(app.config.scripts.tiles).then(function () {
      var renderer = window.protomapsL.leafletLayer({
        url: tiles.archive, maxDataZoom: spec.tileZooms[1], paintRules: paintRules(spec), labelRules: [],
        pane: "overlayPane", attribution: "", noWrap: true, minZoom: spec.tileZooms[0] - 1
      });
      group.addLayer(renderer);
      layer.renderer = renderer;
      return renderer;
    });
    layer.drawn = drawn;  // the search and the table read the tiles drawn in view once it is (tiled-features.js)
  });
  app.map.on("click", function (e) {
    if (!layer.renderer || !app.map.hasLayer(group)) { return; }
    var picked = [];
    layer.renderer.queryTileFeaturesDebug(e.latlng.lng, e.latlng.lat, 8).forEach(function (features) {
      features.forEach(function (one) { if (one.layerName === spec.id) { picked.push(one); } });
    });
    if (picked.length) { app.open(tiledEntry(layer, picked[0].feature.props, e.latlng), {latlng: e.latlng}); }
  });
  return group;
}
