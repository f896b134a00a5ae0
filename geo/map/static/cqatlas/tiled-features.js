/* The features of the layers drawn from vector tiles (tiled.js), for the search and the feature table: the page holds
   none of them. Served, they are asked of the API (the layer's OGC API – Features items, by text or by the view's
   box); in a static copy they are read from the tiles drawn in view (protomaps-leaflet's views hand out the data
   tiles under a box of the map, from the cache the drawing filled), so there only features in view are found.
   A layer that cannot answer is named in the result, and the others still answer. */
import L from "leaflet";
import {tiledEntry} from "./tiled.js";
import {matchesWords} from "./textsearch.js";

export function tiledLayers(app) {
  return app.layers.filter(function (layer) { return !!layer.spec.tileZooms; });
}

/* Whether the page asks the API (served) or reads the tiles in view (a static copy). */
export function asksApi(app) {
  return !!(app.config.api && app.config.tiledLayers && app.config.tiledLayers.items);
}

function shownOn(app, layer) { return app.map.hasLayer(layer.group); }

/* The view as the API's bbox: west,south,east,north in degrees, within the world's. */
export function viewBox(map) {
  var b = map.getBounds();
  function within(value, limit) { return Math.max(-limit, Math.min(limit, value)).toFixed(6); }
  return [within(b.getWest(), 180), within(b.getSouth(), 90), within(b.getEast(), 180), within(b.getNorth(), 90)].join(",");
}

function itemEntry(layer, item) {
  var bounds = L.geoJSON(item).getBounds();  // only measured: never added to the map
  var point = item.geometry.type === "Point" ? item.geometry.coordinates : null;
  return tiledEntry(layer, item.properties, point ? L.latLng(point[1], point[0]) : bounds.getCenter(), bounds,
                    item.geometry);
}

/* One page of a tiled layer's features from the API: {entries, matched}. */
function askItems(app, layer, params, signal) {
  var query = new URLSearchParams({f: "json"});
  Object.keys(params).forEach(function (name) { if (params[name]) { query.set(name, params[name]); } });
  var url = app.config.tiledLayers.items.split("{id}").join(encodeURIComponent(layer.spec.id)) + "?" + query;
  return fetch(url, {signal: signal, headers: {Accept: "application/geo+json"}}).then(function (response) {
    if (!response.ok) { throw new Error("HTTP " + response.status); }
    return response.json();
  }).then(function (collection) {
    return {entries: collection.features.map(function (item) { return itemEntry(layer, item); }),
            matched: collection.numberMatched};
  });
}

/* Settles once the layer's drawing has the tiles of the view (at once where nothing is loading); null where the
   layer draws nothing (not yet switched on, or opened from disk). */
function drawing(layer) {
  return (layer.drawn || Promise.resolve(null)).then(function (renderer) {
    if (!renderer || !renderer.isLoading()) { return renderer; }
    return new Promise(function (resolve) { renderer.once("load", function () { resolve(renderer); }); });
  });
}

/* The layer's features drawn in view, each once (a feature near a tile's edge is in the tiles either side). */
export function drawnInView(app, layer) {
  var map = app.map;
  return drawing(layer).then(function (renderer) {
    var zoom = Math.round(map.getZoom());  // the zoom the layer's tiles are drawn at (Leaflet's grid rounds)
    if (!renderer || !shownOn(app, layer) || zoom < renderer.options.minZoom || zoom > renderer.options.maxZoom) {
      return [];
    }
    var view = map.getBounds();
    var corner = map.project(view.getNorthWest(), zoom), across = map.project(view.getSouthEast(), zoom);
    var box = {minX: corner.x, minY: corner.y, maxX: across.x, maxY: across.y};
    var reads = [];
    renderer.views.forEach(function (tiles) { reads.push(tiles.getBbox(zoom, box)); });
    return Promise.all(reads).then(function (sources) {
      var seen = {}, entries = [];
      sources.forEach(function (tiles) {
        tiles.forEach(function (tile) {
          (tile.data.get(layer.spec.id) || []).forEach(function (feature) {
            // The feature's box in the map's pixels at this zoom (tile units scaled, from the tile's corner).
            var b = feature.bbox, s = tile.scale, o = tile.origin, id = String(feature.props.id);
            var min = L.point(b.minX * s + o.x, b.minY * s + o.y), max = L.point(b.maxX * s + o.x, b.maxY * s + o.y);
            if (seen[id] || max.x < box.minX || min.x > box.maxX || max.y < box.minY || min.y > box.maxY) { return; }
            seen[id] = true;
            var bounds = L.latLngBounds(map.unproject(min, zoom), map.unproject(max, zoom));
            entries.push(tiledEntry(layer, feature.props, bounds.getCenter(), bounds));
          });
        });
      });
      return entries;
    });
  });
}

/* Each layer's answer, or its failure: {layer, entries, matched, total} or {layer, failed: true}. */
function eachLayer(layers, ask) {
  return Promise.all(layers.map(function (layer) {
    return ask(layer).then(function (answer) { answer.layer = layer; return answer; },
                           function (error) {
                             if (error && error.name === "AbortError") { throw error; }  // a newer question asks
                             return {layer: layer, failed: true, entries: [], matched: 0, total: 0};
                           });
  })).then(function (answers) {
    return {entries: [].concat.apply([], answers.map(function (a) { return a.entries; })),
            matched: answers.reduce(function (sum, a) { return sum + a.matched; }, 0),
            total: answers.reduce(function (sum, a) { return sum + a.total; }, 0),
            failed: answers.filter(function (a) { return a.failed; }).map(function (a) { return a.layer; })};
  });
}

function matching(entries, words) {
  return entries.filter(function (entry) { return matchesWords(words, entry.search); });
}

/* Features of tiled layers whose names or id hold every word: served, of every tiled layer (at most ``limit``
   each); in a static copy, of those drawn in view. */
export function findTiled(app, text, words, limit, signal) {
  if (asksApi(app)) {
    return eachLayer(tiledLayers(app), function (layer) {
      return askItems(app, layer, {q: text, lang: app.lang, limit: limit}, signal).then(function (answer) {
        return {entries: answer.entries, matched: answer.matched, total: answer.matched};
      });
    });
  }
  return eachLayer(tiledLayers(app).filter(function (layer) { return shownOn(app, layer); }), function (layer) {
    return drawnInView(app, layer).then(function (entries) {
      var found = matching(entries, words);
      return {entries: found, matched: found.length, total: found.length};
    });
  });
}

/* The features in view of the tiled layers shown, narrowed by the table's filter: ``entries`` to list (at most
   ``limit`` a layer when asked of the API), ``matched`` how many the filter leaves, ``total`` how many are in view. */
export function listTiled(app, text, words, matches, limit, signal) {
  var shown = tiledLayers(app).filter(function (layer) { return shownOn(app, layer); });
  if (asksApi(app)) {
    var bbox = viewBox(app.map);
    return eachLayer(shown, function (layer) {
      var listed = askItems(app, layer, {bbox: bbox, q: text, lang: app.lang, limit: limit}, signal);
      // With a filter, how many are in view at all is a question of its own (one feature long).
      var all = words.length ? askItems(app, layer, {bbox: bbox, limit: 1}, signal) : listed;
      return Promise.all([listed, all]).then(function (answers) {
        return {entries: answers[0].entries, matched: answers[0].matched, total: answers[1].matched};
      });
    });
  }
  return eachLayer(shown, function (layer) {
    return drawnInView(app, layer).then(function (entries) {
      var found = entries.filter(matches);
      return {entries: found, matched: found.length, total: entries.length};
    });
  });
}

/* Questions asked a moment after the last change, whose answers count only while no newer question was asked: a
   late answer to an earlier one is dropped (and its request aborted). */
export function latestOnly(delay) {
  var timer = null, controller = null, turn = 0;
  function cancel() {
    turn += 1;
    window.clearTimeout(timer);
    if (controller) { controller.abort(); controller = null; }
  }
  function ask(question, answer) {
    cancel();
    var mine = turn;
    timer = window.setTimeout(function () {
      controller = new AbortController();
      question(controller.signal).then(function (result) { if (mine === turn) { answer(result); } },
                                       function () { /* aborted for a newer question, which answers instead */ });
    }, delay);
  }
  return {ask: ask, cancel: cancel};
}
