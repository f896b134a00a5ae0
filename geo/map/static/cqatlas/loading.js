/* What a part of the page needs only once it is used, loaded then: scripts that are part of no bundle (Chart.js, the
   clustering plugin), data in scripts of its own, and the start of a section when it is first shown. */

/* Both bundles hold a copy of this module (bundle-deferred.js cannot reach into the first one): what must be one
   for the page — scripts asked for, data received — lives on the page's one global, made by whichever runs first. */
var shared = window.CQAtlas = window.CQAtlas || {scripts: {}, received: {}};
shared.receive = shared.receive || function (name, data) { shared.received[name] = data; };

/* A script loaded on demand, once. The promise settles when it has run (or failed to load). */
var scripts = shared.scripts;
export function loadScript(src) {
  if (!scripts[src]) {
    scripts[src] = new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(script);
    });
  }
  return scripts[src];
}

/* Data a section needs only once it is used comes in a script of its own, /data/<name>.<hash>.js (a script loads
   from disk too, where fetch cannot): it hands its data to CQAtlas.receive (templates/data.js). CQAtlas is the
   page's only global of its own: a script loaded after the bundle can reach nothing else inside it. */
var received = shared.received;

export function loadData(src, name) {
  return loadScript(src).then(function () { return received[name]; });
}

/* What a charting section needs once shown: Chart.js, and its data from the script the section names
   (``data-src``). A chart that cannot load leaves the figures and tables in place. */
export function loadSectionData(root, name, app) {
  return Promise.all([loadScript(app.config.scripts.chart).catch(function () {}),
                      loadData(root.getAttribute("data-src"), name)]).then(function (loaded) { return loaded[1]; });
}

/* Start a part of the panel the first time it is shown (scrolled into view, with the panel open) or used: what
   nobody looks at costs the first drawing nothing. */
export function whenShown(element, start) {
  var started = false, observer = null;
  function go() {
    if (started) { return; }
    started = true;
    if (observer) { observer.disconnect(); }
    start();
  }
  element.addEventListener("pointerdown", go);
  element.addEventListener("focusin", go);
  if (!("IntersectionObserver" in window)) { go(); return; }
  observer = new IntersectionObserver(function (seen) {
    if (seen.some(function (entry) { return entry.isIntersecting; })) { go(); }
  });
  observer.observe(element);
}

/* Chart.js writes on a canvas, which knows only the fonts it is named: the page's own stack for its language
   (language.css: the atlas's cut Chinese and Persian faces first, so no empty boxes where the system has no such
   font), loaded for the chart's words, then the chart drawn again with them. */
export function chartInPageFonts(canvas, words, chart) {
  var family = window.getComputedStyle(canvas).fontFamily;
  window.Chart.defaults.font.family = family;
  if (document.fonts && document.fonts.load) {
    document.fonts.load("12px " + family, words.join(" ")).then(function () {
      if (chart() && chart().canvas) { chart().update("none"); }
    }, function () {});
  }
}
