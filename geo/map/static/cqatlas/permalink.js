/* The address holds the map's state — view, layers on, year, language, filter, open feature and, once one is
   on the map, the route comparison's two ends — so a link
   reopens the map as it was shared. It follows every change without a reload (served or opened from disk).
   Everything read back from an address is checked against what the atlas knows; none of it becomes markup. */

export function startPermalink(app) {
  var filter = document.getElementById("cq-table-filter");
  var restoring = true;
  var pending = false;

  function encode(value) { return encodeURIComponent(value).replace(/%2C/g, ",").replace(/%2F/g, "/"); }

  function stateHash() {
    var map = app.map, center = map.getCenter();
    var parts = [
      "map=" + [map.getZoom(), center.lat.toFixed(5), center.lng.toFixed(5)].join("/"),
      "layers=" + app.layers.filter(function (layer) { return map.hasLayer(layer.group); })
        .map(function (layer) { return encode(layer.spec.id); }).join(",")
    ];
    if (app.state.year !== null && app.state.year !== undefined) { parts.push("year=" + app.state.year); }
    if (app.state.undated === false) { parts.push("undated=hidden"); }
    parts.push("lang=" + encode(app.lang));
    if (filter && filter.value.trim()) { parts.push("q=" + encode(filter.value.trim())); }
    if (app.state.selected) { parts.push("feature=" + encode(app.state.selected)); }
    var route = app.routes ? app.routes.shown() : null;
    if (route) { parts.push("route=" + encode(route)); }
    return "#" + parts.join("&");
  }

  function write() {
    if (restoring) { return; }
    var hash = stateHash();
    if (window.location.hash !== hash) { window.history.replaceState(null, "", hash); }
    app.emit("permalink", window.location.href);
  }

  function schedule() {
    if (!pending) { pending = true; window.setTimeout(function () { pending = false; write(); }, 0); }
  }

  function read(hash) {
    var params = {};
    hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at > 0) {
        try { params[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1)); } catch (error) { /* malformed: ignored */ }
      }
    });
    return params;
  }

  /* Without a language in the address, the first of the reader's browser languages the atlas speaks. */
  function preferredLanguage() {
    var wanted = (navigator.languages || [navigator.language || ""]).map(function (tag) {
      return String(tag).toLowerCase().split("-")[0];
    });
    return wanted.filter(function (lang) { return app.config.languages.indexOf(lang) >= 0; })[0] || null;
  }

  function apply(hash, first) {
    var params = read(hash);
    restoring = true;
    var lang = params.lang || (first ? preferredLanguage() : null);
    if (lang && app.setLanguage) { app.setLanguage(lang); }
    if (params.layers !== undefined) {
      var on = params.layers.split(",");
      app.layers.forEach(function (layer) { app.setLayerVisible(layer.spec.id, on.indexOf(layer.spec.id) >= 0); });
    }
    if (app.setYear) { app.setYear(params.year ? Number(params.year) : null); }
    if (app.setUndatedShown) { app.setUndatedShown(params.undated !== "hidden"); }
    if (filter && params.q !== undefined && app.setFilter) { app.setFilter(params.q); }
    var entry = params.feature && Object.prototype.hasOwnProperty.call(app.byId, params.feature) ? app.byId[params.feature] : null;
    // Opened where it is, without panning; the view is set after it.
    if (entry && !app.isHidden(entry)) { app.open(entry, {pan: false}); } else { app.map.closePopup(); }
    var view = (params.map || "").split("/").map(Number);
    if (view.length === 3 && view.every(isFinite) && Math.abs(view[1]) <= 90 && Math.abs(view[2]) <= 180) {
      var zoom = Math.max(app.map.getMinZoom(), Math.min(app.map.getMaxZoom(), Math.round(view[0])));
      app.map.setView([view[1], view[2]], zoom, {animate: false});
    }
    // The comparison is loaded (from the page, or asked of the API) and drawn where the view already is.
    // The routes section mounts when first shown; a link holding a comparison mounts it now.
    // "from/to", or "from/to/rank" with the alternative that was chosen.
    var ends = (params.route || "").split("/");
    if ((ends.length === 2 || ends.length === 3) && ends[0] && ends[1]) {
      Promise.resolve(app.routes || (app.loadRoutes && app.loadRoutes())).then(function () {
        if (app.routes && params.route !== app.routes.shown()) { app.routes.show(ends[0], ends[1], Number(ends[2]) || null); }
      });
    }
    restoring = false;
    write();
  }

  ["view", "layers", "select", "year", "language", "routes", "filter"].forEach(function (name) { app.on(name, schedule); });
  // An address edited by hand (or a link followed within the page) is applied as it is.
  window.addEventListener("hashchange", function () { apply(window.location.hash); });
  app.on("ready", function () { apply(window.location.hash, true); });
  app.permalink = stateHash;
}
