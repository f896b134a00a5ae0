/* Search by name (English, Chinese or Persian) or id across every layer; choosing a result opens its popup. The
   layers drawn from vector tiles answer a moment later (tiled-features.js): asked of the API where the page is
   served, searched among the features drawn in view in a static copy (the status line says so). */
import {featureName} from "./language.js";
import {matchesWords, queryWords, wordsStartWords} from "./textsearch.js";
import {asksApi, findTiled, latestOnly, tiledLayers} from "./tiled-features.js";

export function startSearch(app) {
  var MAX_RESULTS = 8;
  var input = document.getElementById("cq-search-input");
  var list = document.getElementById("cq-search-results");
  var status = document.getElementById("cq-search-status");

  var tiled = tiledLayers(app), tiledSearch = latestOnly(250);

  /* Every word of the query, in any order (textsearch.js); names whose words the query's words begin come first. */
  function matches(words, entries) {
    var found = [], starts = [];
    for (var i = 0; i < entries.length && starts.length < MAX_RESULTS; i++) {
      var entry = entries[i];
      if (!matchesWords(words, entry.search)) { continue; }
      if (wordsStartWords(words, entry.search)) { starts.push(entry); }
      else if (found.length < MAX_RESULTS) { found.push(entry); }
    }
    return starts.concat(found).slice(0, MAX_RESULTS);
  }

  /* A feature found is shown: a filter that hides it is let go first; a year before it moves on to its year (and
     the time section says why), hidden undated features are shown again. */
  function choose(entry) {
    var hiddenBy = entry.hiddenBy || {};
    if (hiddenBy.filter && app.setFilter) { app.setFilter(""); }
    if (hiddenBy.year && app.setYear) {
      app.setYear(entry.placed ? entry.placed.year : null, featureName(entry.feature.properties, app.lang, app.t).text);
    }
    if (hiddenBy.undated && app.setUndatedShown) { app.setUndatedShown(true); }
    app.open(entry, {fly: true, focus: true});
  }

  function result(entry) {
    var item = document.createElement("li");
    var button = document.createElement("button");
    var name = document.createElement("span");
    var detail = document.createElement("span");
    var kind = entry.spec.kinds[entry.feature.properties.kind];
    button.type = "button";
    button.className = "cq-result";
    button.dataset.feature = entry.id;
    name.className = "cq-result-name";
    var localName = featureName(entry.feature.properties, app.lang, app.t);
    name.textContent = localName.text;
    name.lang = localName.lang;
    detail.className = "cq-result-detail";
    detail.textContent = [entry.feature.properties.name_zh, kind ? kind.label : ""].join(" · ");
    button.append(name, detail);
    button.addEventListener("click", function () { choose(entry); });
    item.appendChild(button);
    return item;
  }

  /* "1 match", "2 matches": the language's plural category picks the message where the catalog has one for it. */
  var COUNT_KEYS = {one: "search.count.one"};  // every other category: "search.count"
  function countKey(count) {
    return COUNT_KEYS[new Intl.PluralRules(app.lang).select(count)] || "search.count";
  }

  /* The results, and what the status line says of them; ``waiting``: tiled layers have yet to answer. */
  function show(query, found, waiting, failed) {
    // A result the keyboard is on keeps the focus when the tiled layers' answer redraws the list.
    var focused = list.contains(document.activeElement) ? document.activeElement.dataset.feature : null;
    list.replaceChildren.apply(list, found.map(result));
    var again = focused && list.querySelector('button[data-feature="' + CSS.escape(focused) + '"]');
    if (again) { again.focus(); }
    var notes = failed.map(function (layer) { return app.t("search.tiled_failed", {layer: layer.spec.title}); });
    if (query && !asksApi(app)) {
      tiled.forEach(function (layer) { notes.push(app.t("search.tiled_in_view", {layer: layer.spec.title})); });
    }
    var count = !query || (waiting && !found.length) ? "" : found.length
      ? app.t(countKey(found.length), {count: app.formatNumber(found.length)}) : app.t("search.none", {query: query});
    status.textContent = [count].concat(notes).filter(Boolean).join(" ");
  }

  function render() {
    var query = input.value.trim(), words = queryWords(query);
    var found = words.length ? matches(words, app.entries) : [];
    show(query, found, words.length && tiled.length, []);
    if (!words.length || !tiled.length) { tiledSearch.cancel(); return; }
    tiledSearch.ask(function (signal) { return findTiled(app, query, words, MAX_RESULTS, signal); }, function (answer) {
      show(query, matches(words, found.concat(answer.entries)), false, answer.failed);
    });
  }

  input.addEventListener("input", render);
  input.addEventListener("keydown", function (event) {
    var first = list.querySelector("button");
    if (event.key === "Enter" && first) { event.preventDefault(); first.click(); }
    if (event.key === "ArrowDown" && first) { event.preventDefault(); first.focus(); }
  });
  list.addEventListener("keydown", function (event) {
    var buttons = Array.prototype.slice.call(list.querySelectorAll("button"));
    var at = buttons.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < buttons.length - 1) { event.preventDefault(); buttons[at + 1].focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? buttons[at - 1] : input).focus(); }
  });
}
