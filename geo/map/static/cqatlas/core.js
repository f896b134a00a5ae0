/* Chongqing Trade Atlas map: reads the page's JSON blocks, draws every layer with Leaflet and starts the panel
   sections. Attribute text is data: it is only ever written with textContent, never as markup. */
import L from "leaflet";
import {loadScript} from "./loading.js";
import {renderPopup} from "./popup.js";
import {LanguageScale} from "./scale.js";
import {ShapeMarker, pathStyle} from "./shapes.js";
import {tiledLayer} from "./tiled.js";
import {fold} from "./textsearch.js";
import {readJson, translator} from "./pagetext.js";

var PHONE = "(max-width: 767px)";

function createApp(config, data, base) {
  var handlers = {};
  var numbers = null;  // made on first use: building a number format costs time the first drawing needs
  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var canHover = window.matchMedia("(hover: hover)").matches;
  var app = {
    config: config, base: base, lang: config.lang, t: translator(config.catalogs[config.lang]),
    layers: [], layerById: {}, entries: [], byId: {},
    // Everything a permalink needs besides the view: which layers are on, which feature is open.
    state: {layers: {}, selected: null},
    formatNumber: function (value) {
      numbers = numbers || new Intl.NumberFormat(config.lang, {maximumFractionDigits: 3});  // documented figures keep their digits (31.914 million)
      return numbers.format(value);
    },
    on: function (name, fn) { (handlers[name] = handlers[name] || []).push(fn); },
    emit: function (name, detail) { (handlers[name] || []).forEach(function (fn) { fn(detail); }); }
  };
  var mapElement = document.querySelector(".cq-map");
  // One renderer for every feature, so stacking across layers is under control (canvas for large atlases).
  var renderer = config.map.preferCanvas ? L.canvas({padding: 0.3}) : L.svg({padding: 0.3});
  // The deepest zoom any base tiles have (clusters need the map to name one).
  var maxZoom = Math.max.apply(null, config.tiles.map(function (tiles) { return tiles.maxZoom; }).concat([18]));
  var map = app.map = L.map(mapElement, L.extend({maxZoom: maxZoom}, config.map, {renderer: renderer, zoomControl: false}));
  var zoom = L.control.zoom({position: "topright"}).addTo(map);
  // Leaflet titles its buttons in English: the page's language fills them (language.js) as it does its own.
  [[zoom._zoomInButton, "map.zoom_in"], [zoom._zoomOutButton, "map.zoom_out"]].forEach(function (button) {
    button[0].setAttribute("data-i18n-attrs", "title=" + button[1] + ",aria-label=" + button[1]);
  });
  var scale = new LanguageScale({position: "bottomleft", lang: function () { return app.lang; }}).addTo(map);
  app.on("language", function () { scale.relabel(); });

  var statusDashes = {};
  (config.statuses || []).forEach(function (entry) { if (entry.dash) { statusDashes[entry.status] = entry.dash; } });
  config.layers.forEach(function (spec) {
    var layer = {spec: spec, entries: []};
    if (spec.tileZooms) {  // too large to travel inside the page: drawn from the vector tiles (tiled.js)
      layer.group = tiledLayer(app, layer);
      app.layers.push(layer);
      app.layerById[spec.id] = layer;
      return;
    }
    var shapes = L.geoJSON(data[spec.id], {
      style: function (feature) { return pathStyle(spec, feature, renderer, statusDashes); },
      pointToLayer: function (feature, latlng) { return new ShapeMarker(latlng, pathStyle(spec, feature, renderer, statusDashes)); },
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        var entry = {id: p.id, feature: feature, shape: shape, spec: spec, layer: layer,
                     search: fold([p.name_en, p.name_zh, p.name_fa || "", p.id].join(" "))};
        shape.cqEntry = entry;
        layer.entries.push(entry);
        app.entries.push(entry);
        app.byId[p.id] = entry;
      }
    });
    // Thousands of points are drawn as clusters that split as one zooms in (added in chunks, between frames).
    layer.group = spec.cluster && L.markerClusterGroup
      ? L.markerClusterGroup({chunkedLoading: true, animate: !reducedMotion, showCoverageOnHover: false})
          .addLayers(shapes.getLayers())
      : shapes;
    if (canHover) {  // on touch screens a tooltip would stay where the finger was
      layer.group.bindTooltip(function (shape) { return document.createTextNode(shape.feature.properties.name_en); },
                              {sticky: true, direction: "top"});
    }
    layer.group.on("mouseover", function (e) { e.layer.setStyle({weight: e.layer.options.weight + 2}); });
    layer.group.on("mouseout", function (e) { shapes.resetStyle(e.layer); });
    layer.group.on("click", function (e) {
      // On a touch screen a tap beside an open popup dismisses it: context (the districts under every tap) does not
      // open instead.
      if (spec.context && !canHover && popupWasOpen) { return; }
      app.open(e.layer.cqEntry, {latlng: e.latlng});
    });
    app.layers.push(layer);
    app.layerById[spec.id] = layer;
  });

  app.entryBounds = function (entry) {
    if (!entry.bounds) {
      entry.bounds = entry.shape.getBounds ? entry.shape.getBounds() : L.latLngBounds([entry.shape.getLatLng()]);
    }
    return entry.bounds;
  };

  /* Big areas at the bottom, so every smaller zone drawn on top of them stays visible and clickable. */
  function restack() {
    var areas = app.entries.filter(function (entry) {
      return entry.shape instanceof L.Polygon && map.hasLayer(entry.layer.group);
    });
    areas.sort(function (a, b) { return (a.feature.properties.area_km2 || 0) - (b.feature.properties.area_km2 || 0); });
    areas.forEach(function (entry) { entry.shape.bringToBack(); });
  }

  /* What a layer owes others (a list of credits, escaped by the build), credited while the layer is on. Once for
     the layer, not as an option of the layer: GeoJSON hands its options to every shape, and each would rewrite the
     credits. Each credit is added on its own: Leaflet counts identical texts, so a credit two visible layers owe
     shows once and stays until neither is on. */
  var credit = app.credit = function (credits, shown) {
    if (!map.attributionControl) { return; }
    (credits || []).forEach(function (text) {
      if (shown) { map.attributionControl.addAttribution(text); } else { map.attributionControl.removeAttribution(text); }
    });
  };

  app.setLayerVisible = function (id, visible) {
    var layer = app.layerById[id];
    if (!layer || map.hasLayer(layer.group) === visible) { return; }
    if (visible) { layer.group.addTo(map); restack(); } else { map.removeLayer(layer.group); }
    credit(layer.spec.credits, visible);
    app.state.layers[id] = visible;
    app.emit("layers", {id: id, visible: visible});
  };

  /* A feature may be hidden for several reasons at once (the year, the filter); it is drawn while none holds. */
  app.isHidden = function (entry) { return !!entry.hiddenBy && Object.keys(entry.hiddenBy).length > 0; };
  app.setHidden = function (entry, reason, hidden) {
    var before = app.isHidden(entry);
    entry.hiddenBy = entry.hiddenBy || {};
    if (hidden) { entry.hiddenBy[reason] = true; } else { delete entry.hiddenBy[reason]; }
    if (app.isHidden(entry) === before) { return; }
    if (before) { entry.layer.group.addLayer(entry.shape); return; }
    if (app.state.selected === entry.id) { map.closePopup(); }
    entry.layer.group.removeLayer(entry.shape);
  };

  /* What is in view: drawn (layer on, not hidden) and within the map's extent — the table lists it, the
     downloads hold it. */
  app.visibleEntries = function () {
    var view = map.getBounds();
    return app.entries.filter(function (entry) {
      return map.hasLayer(entry.layer.group) && !app.isHidden(entry) && view.intersects(app.entryBounds(entry));
    });
  };

  /* How far down the map the controls in its top corners reach (zoom buttons, the panel toggle). */
  function controlsBottom(m) {
    var bottom = 0;
    document.querySelectorAll(".leaflet-top .leaflet-control, .cq-panel-toggle").forEach(function (control) {
      var r = control.getBoundingClientRect();
      if (r.height && r.top < m.top + m.height / 2) { bottom = Math.max(bottom, r.bottom - m.top); }
    });
    return bottom;
  }

  /* Padding that keeps framed things (and popups) out from under the panel where it lies over the map (phones), and
     below the controls in the top corners: a popup's close button never lies under the zoom buttons. */
  app.framePadding = function () {
    var m = mapElement.getBoundingClientRect();
    var topLeft = [24, Math.max(56, controlsBottom(m) + 8)], bottomRight = [24, 24];
    var panel = document.getElementById("cq-panel");
    if (panel && !panel.hidden) {
      var r = panel.getBoundingClientRect();
      var overlapX = Math.min(r.right, m.right) - Math.max(r.left, m.left);
      var overlapY = Math.min(r.bottom, m.bottom) - Math.max(r.top, m.top);
      if (overlapX > 0 && overlapY > 0) {
        if (overlapX >= m.width * 0.8) { bottomRight[1] += overlapY; }
        else if (r.left <= m.left) { topLeft[0] += overlapX; }
        else { bottomRight[0] += overlapX; }
      }
    }
    return {paddingTopLeft: topLeft, paddingBottomRight: bottomRight};
  };

  app.frame = function (bounds, options) {
    options = options || {};
    var done = false;
    function finish() { if (!done) { done = true; if (options.then) { options.then(); } } }
    map.once("moveend", finish);
    map.fitBounds(bounds, L.extend(app.framePadding(), {maxZoom: options.maxZoom, animate: !reducedMotion && options.animate !== false}));
    window.setTimeout(finish, 700);  // fitBounds to the view already shown may not move at all
  };

  /* A feature's popup content (templates/popup.html filled in the page's language). */
  app.renderPopup = function (entry) { return renderPopup(entry, app); };

  var popup = L.popup({maxWidth: 360, minWidth: 240, className: "cq-popup-frame"});
  var returnFocus = null;
  // Whether a popup was open when the click now being handled began (Leaflet closes it before the click arrives).
  var popupWasOpen = false;
  map.on("preclick", function () { popupWasOpen = map.hasLayer(popup); });

  function anchor(entry) {
    if (entry.shape.getLatLng) { return entry.shape.getLatLng(); }
    return entry.shape.getCenter();
  }

  /* Open a feature's popup (turning its layer on if needed); ``fly`` frames it first, ``focus`` moves focus into it
     and back to where it was when the popup closes. */
  app.open = function (entryOrId, options) {
    options = options || {};
    var entry = typeof entryOrId === "string" ? app.byId[entryOrId] : entryOrId;
    if (!entry) { return; }
    app.setLayerVisible(entry.spec.id, true);
    function show() {
      var content = app.renderPopup(entry);
      var padding = app.framePadding();
      popup.options.autoPanPaddingTopLeft = padding.paddingTopLeft;
      popup.options.autoPanPaddingBottomRight = padding.paddingBottomRight;
      popup.options.maxWidth = Math.min(360, mapElement.clientWidth - 70);
      returnFocus = options.focus ? document.activeElement : null;
      popup.options.autoPan = options.pan !== false;
      popup.setLatLng(options.latlng || anchor(entry)).setContent(content).openOn(map);
      app.state.selected = entry.id;
      app.emit("select", entry);
      if (options.focus) { content.querySelector(".cq-popup-title").focus({preventScroll: true}); }
    }
    if (options.fly) {
      app.frame(app.entryBounds(entry), {maxZoom: entry.shape.getLatLng ? 13 : 12, then: show});
    } else {
      show();
    }
  };

  map.on("popupopen", function (e) {
    var element = e.popup.getElement();
    var close = element.querySelector(".leaflet-popup-close-button");
    if (close) { close.setAttribute("aria-label", app.t("popup.close")); }
    element.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { map.closePopup(); }
    });
  });
  map.on("popupclose", function () {
    app.state.selected = null;
    app.emit("select", null);
    if (returnFocus && document.body.contains(returnFocus)) { returnFocus.focus(); }
    returnFocus = null;
  });
  map.on("moveend", function () { app.emit("view", map.getBounds()); });

  // The panel starts closed on phones (where it would lie over the map), open beside the map elsewhere.
  document.getElementById("cq-panel").hidden = window.matchMedia(PHONE).matches;
  app.frame(L.latLngBounds(config.frames.chongqing), {animate: false});
  config.layers.forEach(function (spec) { app.setLayerVisible(spec.id, spec.shown); });
  return app;
}

/* Start the atlas once the page is read: draw the map, then start each part of the page (panel section, base map)
   with the app, in the order given (bundle.js). */
export function startAtlas(sections) {
  document.addEventListener("DOMContentLoaded", function () { start(sections); });
}

function start(sections) {
  var config = readJson("cq-atlas-config");
  var deferred = deferredParts(config);
  var clusters = config.layers.some(function (spec) { return spec.cluster; });
  // The clustering script is part of no bundle: only an atlas with thousands of points loads it. It extends the
  // Leaflet this bundle holds through the global L, which Leaflet sets itself.
  (clusters ? loadScript(config.scripts.cluster) : Promise.resolve()).then(function () { run(config, sections, deferred); });
}

/* The parts in the deferred bundle (bundle-deferred.js), which names them when it runs. Asked for before the drawing,
   so it arrives while the features are drawn (and the page's load waits for it); its parts start once it has run
   and the first parts have started. A bundle that cannot load leaves the page working without them. */
function deferredParts(config) {
  return new Promise(function (resolve) {
    window.CQAtlas.deferred = resolve;
    function none() { resolve([]); }  // a bundle that ran has named its parts already: this changes nothing then
    loadScript(config.scripts.deferred).then(none, none);
  });
}

function run(config, sections, deferred) {
  var app = createApp(config, readJson("cq-atlas-data"), readJson("cq-atlas-base"));
  // The features are drawn first; the base map and the panel's sections start once the browser has painted them
  // (the next animation frame comes before that paint, a task queued from it after), then the deferred parts. The
  // page is ready (a shared link applied: permalink.js) once every part has started.
  window.requestAnimationFrame(function () {
    window.setTimeout(function () {
      sections.forEach(function (init) { init(app); });
      deferred.then(function (parts) {
        parts.forEach(function (init) { init(app); });
        app.emit("ready", app);
        window.cqAtlas = app;  // handles for scripted checks of the page
        window.cqAtlasMap = app.map;
      });
    }, 0);
  });
}
