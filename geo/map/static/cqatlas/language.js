/* Languages: English, 中文 and فارسی from the message catalogs (the page's own in the page, the others loaded when
   chosen). Switching relabels the page, mirrors the whole layout for Persian (dir="rtl"), formats numbers the
   language's way (Persian digits for fa) and redraws what is open — without a reload. */
import {loadData} from "./loading.js";

var RIGHT_TO_LEFT = {fa: true};

function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

/* A feature's name in ``lang``; where the data has none, the English name, marked as such (``fallback``). */
export function featureName(properties, lang, t) {
  var name = properties["name_" + lang];
  if (typeof name === "string" && name.trim()) { return {text: name, lang: lang, fallback: false}; }
  return {text: lang === "en" ? properties.name_en : t("name.fallback", {name: properties.name_en}),
          lang: "en", fallback: lang !== "en"};
}

export function startLanguage(app) {
  var catalogs = app.config.catalogs;
  var select = document.getElementById("cq-lang");

  function translator(messages) {
    return function (key, values) {
      var text = has(messages, key) ? messages[key] : (has(catalogs.en, key) ? catalogs.en[key] : key);
      Object.keys(values || {}).forEach(function (name) { text = text.split("{" + name + "}").join(String(values[name])); });
      return text;
    };
  }

  /* One small stylesheet of the atlas's own cut of the fonts (see geo/map/fonts.py): the browser fetches only the
     faces holding characters on screen. */
  function loadFonts() {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = app.config.fonts;
    document.head.appendChild(link);
  }

  /* The page carries its own language's messages and English; another language's load when it is chosen. */
  function loadCatalog(lang) {
    if (has(catalogs, lang)) { return Promise.resolve(); }
    return loadData(app.config.scripts.catalogs[lang], "catalog." + lang).then(function (messages) {
      if (!messages) { throw new Error("no messages for " + lang); }
      catalogs[lang] = messages;
    });
  }

  /* Labels that come with the data (layer titles, kinds, figures) follow the language too. */
  function relabelConfig(t) {
    app.config.layers.forEach(function (spec) {
      spec.title = t("layer." + spec.id + ".title");
      Object.keys(spec.kinds).forEach(function (kind) { spec.kinds[kind].label = t("kind." + kind); });
    });
    ["documented", "computed"].forEach(function (group) {
      var figures = app.config.figures[group];
      Object.keys(figures).forEach(function (name) {
        figures[name] = [t("figure." + name + ".label"), t("figure." + name + ".unit")];
      });
    });
    Object.keys(app.config.quality).forEach(function (quality) { app.config.quality[quality] = t("quality." + quality); });
  }

  /* Elements say which message they show: data-i18n for their text, data-i18n-attrs="attr=key,…" for attributes
     ("attr=key@titleKey" fills the message's {title} with another message, such as a layer's title). */
  function relabelPage(t) {
    document.querySelectorAll("[data-i18n]").forEach(function (element) {
      element.textContent = t(element.getAttribute("data-i18n"));
    });
    document.querySelectorAll("[data-i18n-attrs]").forEach(function (element) {
      element.getAttribute("data-i18n-attrs").split(",").forEach(function (pair) {
        var parts = pair.split("="), keys = (parts[1] || "").split("@");
        if (parts.length !== 2) { return; }
        element.setAttribute(parts[0].trim(), t(keys[0].trim(), keys[1] ? {title: t(keys[1].trim())} : {}));
      });
    });
  }

  /* Switch to ``lang`` (English for a language the atlas does not speak), once its messages are there; the
     promise settles when the page has been relabelled. Only the last language asked for is applied. */
  var wanted = null;
  app.setLanguage = function (lang) {
    if (app.config.languages.indexOf(lang) < 0) { lang = "en"; }
    wanted = lang;
    return loadCatalog(lang).then(function () {
      if (wanted === lang) { apply(lang); }
    }, function () { select.value = app.lang; });  // could not load: the page stays in its language
  };

  function apply(lang) {
    var numbers = new Intl.NumberFormat(lang, {maximumFractionDigits: 3});
    app.lang = app.config.lang = lang;
    app.config.messages = catalogs[lang];
    app.t = translator(catalogs[lang]);
    app.formatNumber = function (value) { return numbers.format(value); };
    var years = new Intl.NumberFormat(lang, {useGrouping: false});  // made once: the table formats a year a row
    app.formatYear = function (year) { return years.format(year); };
    var root = document.documentElement;
    root.lang = lang;
    root.dir = RIGHT_TO_LEFT[lang] ? "rtl" : "ltr";
    document.title = app.t("app.title");
    relabelConfig(app.t);
    relabelPage(app.t);
    select.value = lang;
    app.state.lang = lang;
    app.emit("language", lang);
    if (app.state.selected) { app.open(app.state.selected, {pan: false}); }  // the open popup, in the new language
    app.emit("view", app.map.getBounds());  // lists redraw with the new labels
  }

  select.addEventListener("change", function () { app.setLanguage(select.value); });
  // Names in all three scripts appear whatever the page's language (popups, the language list, search hints,
  // the map's credits): the fonts' stylesheet is loaded once the first drawing is done (sections start after it).
  loadFonts();
  apply(app.config.lang || "en");
}
