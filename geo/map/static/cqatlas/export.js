/* Print and export: the map as it is now, as a PNG or a PDF, with its title, a legend of the layers drawn, a scale
   bar, the data version, credits and a link back to this view. What the sheet says is gathered here, in the page's
   language; drawing it is the export's own script (static/export, with html-to-image and jsPDF), loaded with the
   language's PDF font only when a button is used. Printing uses the print stylesheet (static/export/export.css,
   linked for print only) and the facts below the buttons, kept current here. */
import {loadData, loadScript} from "./loading.js";
import {formatDate} from "./status.js";

var SCALE_WIDTH = 120;  // the longest the scale bar may be, in pixels (as Leaflet's own scale)

/* A distance rounded down to 1, 2, 3 or 5 times a power of ten, as Leaflet's scale bar rounds. */
function roundDistance(meters) {
  var power = Math.pow(10, String(Math.floor(meters)).length - 1), d = meters / power;
  return power * (d >= 10 ? 10 : d >= 5 ? 5 : d >= 3 ? 3 : d >= 2 ? 2 : 1);
}

export function startExport(app) {
  var section = document.querySelector(".cq-export-section");
  var scripts = app.config.scripts && app.config.scripts.export;
  if (!section || !scripts) { return; }
  var status = document.getElementById("cq-export-status");
  var map = app.map;

  function versionText() {
    var version = app.config.version;
    return app.t("export.version", {version: version.version, date: formatDate(version.released, app)});
  }

  /* The credits the map shows now (Leaflet's attribution line: the atlas's own and those of the layers drawn). */
  function creditsText() {
    var control = map.attributionControl;
    return control ? control.getContainer().textContent.replace(/\s+/g, " ").trim() : "";
  }

  /* The layers drawn, as the panel's legend shows them (their titles and kinds in the page's language). */
  function legend() {
    return app.layers.filter(function (layer) { return map.hasLayer(layer.group); }).map(function (layer) {
      var row = document.querySelector('.cq-layer[data-layer="' + layer.spec.id + '"]');
      return {
        id: layer.spec.id,
        title: row ? row.querySelector(".cq-layer-title").textContent : layer.spec.title,
        kinds: row ? Array.prototype.map.call(row.querySelectorAll(".cq-kinds li"), function (item) {
          return {label: item.querySelector("span").textContent,
                  symbols: Array.prototype.map.call(item.querySelectorAll("svg"), function (svg) { return svg.outerHTML; })};
        }) : []
      };
    });
  }

  function scale() {
    var size = map.getSize(), y = size.y / 2;
    var meters = map.distance(map.containerPointToLatLng([0, y]), map.containerPointToLatLng([SCALE_WIDTH, y]));
    var rounded = roundDistance(meters);
    return {pixels: Math.round(SCALE_WIDTH * rounded / meters),
            label: rounded >= 1000 ? app.t("export.km", {value: app.formatNumber(rounded / 1000)})
                                   : app.t("export.m", {value: app.formatNumber(rounded)})};
  }

  /* Everything the sheet says, as plain text: the export script writes it, never as markup. */
  function sheet() {
    return {lang: app.lang, dir: document.documentElement.dir || "ltr", title: app.t("app.title"),
            legendHeading: app.t("export.legend"), legend: legend(), scale: scale(), version: versionText(),
            credits: app.t("export.credits", {credits: creditsText()}), linkLabel: app.t("export.link"),
            link: window.location.href, map: map.getContainer(),
            fontFamily: window.getComputedStyle(document.body).fontFamily};
  }

  function fileName(kind) {
    return "chongqing-trade-atlas-" + app.config.version.version + "-" + app.lang + "." + kind;
  }

  function save(blob, name) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
  }

  function exportAs(kind) {
    status.textContent = app.t("export.working");
    var lang = app.lang;
    return Promise.all([loadData(scripts.script, "exporter"),
                        kind === "pdf" ? loadData(scripts.fonts[lang], "export-font." + lang) : null,
                        kind === "pdf" ? loadScript(scripts.pdf) : null])
      .then(function (loaded) {
        if (!loaded[0]) { throw new Error("no exporter"); }
        return loaded[0].make(kind, sheet(), loaded[1]);
      })
      .then(function (blob) {
        save(blob, fileName(kind));
        status.textContent = app.t("export.done", {file: fileName(kind)});
      }, function (error) {
        status.textContent = app.t("export.failed", {reason: String(error && error.message || error)});
      });
  }

  /* The facts a printed page shows under the map: written now, and again as the view or language changes. */
  function printFacts() {
    document.getElementById("cq-print-version").textContent = versionText();
    document.getElementById("cq-print-credits").textContent = app.t("export.credits", {credits: creditsText()});
    document.getElementById("cq-print-link-label").textContent = app.t("export.link");
    var link = document.getElementById("cq-print-link");
    link.href = window.location.href;
    link.textContent = window.location.href;
  }

  section.querySelectorAll("button[data-export]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (button.dataset.export === "print") { printFacts(); window.print(); return; }
      button.disabled = true;
      exportAs(button.dataset.export).then(function () { button.disabled = false; });
    });
  });
  app.on("permalink", printFacts);
  app.on("language", printFacts);
  app.on("layers", printFacts);
  /* On paper the map has the page's width (the print stylesheet): Leaflet draws for the size it is given, so it is
     told, going to print and coming back. */
  function resized() { map.invalidateSize({animate: false}); }  // the same centre, on paper and back
  window.addEventListener("beforeprint", function () { printFacts(); resized(); });
  window.addEventListener("afterprint", resized);
  var printing = window.matchMedia("print");
  if (printing.addEventListener) { printing.addEventListener("change", resized); }
  // The print stylesheet (the export bundle's): for print only, so it holds up no drawing of the page.
  var print = document.createElement("link");
  print.rel = "stylesheet";
  print.media = "print";
  print.href = scripts.stylesheet;
  document.head.appendChild(print);
  printFacts();
}
