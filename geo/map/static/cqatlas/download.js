/* Download what you see: the layers on, the visible extent as bbox, the year as established_to (features without
   a year kept, as on the map), the statuses shown as status and the filter as q (with the language its kind labels are matched in), in GeoJSON,
   GeoPackage, GeoParquet, FlatGeobuf, CSV or KML — links to the same /api URLs a script can use.
   A static copy of the atlas has no API: it offers the whole layers, in every format its release folder holds, each
   link with the file's size, and says so. */

export function startDownload(app) {
  var list = document.getElementById("cq-download-links");
  var summary = document.getElementById("cq-download-summary");
  var note = document.getElementById("cq-download-static");
  var formats = document.getElementById("cq-download-format");
  var api = app.config.api;  // "/api" when served, null in a static copy
  var COMBINED = {geojson: true, gpkg: true};  // formats with one file for several layers

  function fixed(value) { return String(Math.round(value * 1e5) / 1e5); }

  /* The visible extent, clipped to valid WGS 84 longitudes and latitudes. */
  function bbox() {
    var b = app.map.getBounds();
    return [Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()), Math.min(180, b.getEast()),
            Math.min(90, b.getNorth())].map(fixed).join(",");
  }

  function query() {
    var parts = ["bbox=" + bbox()];
    var year = app.state.year !== null && app.state.year !== undefined;
    if (year || app.state.undated === false) {
      // Without a year chosen, the slider's last year: every dated feature, the undated ones only where shown.
      parts.push("established_to=" + (year ? app.state.year : app.yearRange.last));
      if (app.state.undated !== false) { parts.push("include_undated=true"); }
    }
    // Features stating no status stay on the map whatever is unchecked, and so in the download.
    if (app.state.statuses) { parts.push("status=" + app.state.statuses.concat(["unstated"]).join(",")); }
    if (app.state.filter) { parts.push("q=" + encodeURIComponent(app.state.filter), "lang=" + app.lang); }
    return parts.join("&");
  }

  function item(href, text) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = href;
    a.setAttribute("download", "");
    a.textContent = text;
    li.appendChild(a);
    return li;
  }

  /* A file's size in the page's language (kB below a megabyte, MB above). */
  function size(bytes) {
    var mega = bytes >= 1e6;
    return new Intl.NumberFormat(app.lang, {style: "unit", unit: mega ? "megabyte" : "kilobyte", unitDisplay: "short",
                                            maximumFractionDigits: 1}).format(bytes / (mega ? 1e6 : 1e3));
  }

  /* A layer's files in a static copy: its title, then one link per format with the file's size. */
  function files(layer) {
    var li = document.createElement("li");
    li.className = "cq-download-files";
    li.append(layer.spec.title + ": ");
    layer.spec.files.forEach(function (file, index) {
      var a = document.createElement("a");
      a.href = file.href;
      a.setAttribute("download", "");
      a.dataset.bytes = String(file.bytes);
      a.textContent = file.format + " (" + size(file.bytes) + ")";
      if (index) { li.append(" · "); }
      li.appendChild(a);
    });
    return li;
  }

  function render() {
    var on = app.layers.filter(function (layer) { return app.map.hasLayer(layer.group); });
    var format = formats.value;
    var items = [];
    note.hidden = !!api;
    formats.disabled = !api;
    if (!api) {
      on.forEach(function (layer) {
        items.push(layer.spec.files.length ? files(layer) : item(layer.spec.download, layer.spec.title + " (GeoJSON)"));
      });
      summary.textContent = "";
    } else {
      var q = query();
      var ids = on.map(function (layer) { return layer.spec.id; });
      if (COMBINED[format] && ids.length > 1) {
        items.push(item(api + "/atlas." + format + "?layers=" + ids.join(",") + "&" + q,
                        app.t("download.all", {count: app.formatNumber(ids.length), format: format.toUpperCase()})));
      }
      on.forEach(function (layer) {
        items.push(item(api + "/layers/" + layer.spec.id + "." + format + "?" + q, layer.spec.title));
      });
      var year = app.state.year === null || app.state.year === undefined ? null : (app.formatYear || String)(app.state.year);
      summary.textContent = app.t(year === null ? "download.selection"
                                  : app.state.undated === false ? "download.selection_year_dated" : "download.selection_year",
                                  {layers: app.formatNumber(ids.length), year: year}) +
        (app.state.filter ? " " + app.t("download.filter", {query: app.state.filter}) : "") +
        (app.state.undated === false ? " " + app.t("download.undated_hidden") : "");
    }
    list.replaceChildren.apply(list, items);
    if (!on.length) { summary.textContent = app.t("download.none"); }
  }

  var pending = false;
  function schedule() {
    if (!pending) { pending = true; window.requestAnimationFrame(function () { pending = false; render(); }); }
  }

  // The whole atlas's files (a static copy knows their sizes).
  document.querySelectorAll(".cq-download-whole a[data-bytes]").forEach(function (link) {
    link.dataset.format = link.textContent;
  });
  function sizeWhole() {
    document.querySelectorAll(".cq-download-whole a[data-bytes]").forEach(function (link) {
      link.textContent = link.dataset.format + " (" + size(Number(link.dataset.bytes)) + ")";
    });
  }
  sizeWhole();
  app.on("language", sizeWhole);

  formats.addEventListener("change", render);
  ["view", "layers", "year", "language", "filter", "status"].forEach(function (name) { app.on(name, schedule); });
  render();
}
