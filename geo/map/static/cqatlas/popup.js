/* The one popup template (templates/popup.html), filled from a feature's properties with textContent only.
   Figures come in four shapes (plain number, qualified, range, series); their labels and units come from the
   figure metadata shipped once with the page. */
import {yearRule, yearRuleText} from "./time.js";
import {formatDate} from "./status.js";
import {featureName} from "./language.js";

function cloneTemplate(id) {
  return document.getElementById(id).content.firstElementChild.cloneNode(true);
}

function slot(root, name) { return root.querySelector('[data-slot="' + name + '"]'); }

function fill(root, name, text) {
  var element = slot(root, name);
  if (text === null || text === undefined || text === "") { element.remove(); } else { element.textContent = text; }
}

function addRow(body, label, value) {
  var row = cloneTemplate("cq-fact-template");
  row.cells[0].textContent = label;
  if (typeof value === "string") { row.cells[1].textContent = value; } else { row.cells[1].appendChild(value); }
  body.appendChild(row);
  return row;
}

/* English text inside a popup in another language: isolated (<bdi>), so right to left its closing stop stays at its
   end rather than jumping to the line's start. */
function englishRun(text) {
  var run = document.createElement("bdi");
  run.lang = "en";
  run.textContent = text;
  return run;
}

function isHttp(url) {
  try { return ["http:", "https:"].indexOf(new URL(url).protocol) >= 0; } catch (error) { return false; }
}

function seriesEntries(series) {
  return Object.keys(series).sort().map(function (year) { return [year, series[year]]; });
}

/* Chinese counts large amounts in 万 and 亿, not in millions and billions: a unit the catalog writes "十亿元人民币"
   (billion yuan) is written 5300亿元人民币, not 530 十亿元人民币, and 1,300,000 标箱 is 130万 标箱 (the same rule as
   geo/pages/figure_text.py). */
var CHINESE_SCALES = [["万亿", 1e12], ["十亿", 1e9], ["百万", 1e6]];
var CHINESE_COMPACT_FROM = 1e4;  // 万: below it, a number is written out
var chineseCompact = null;  // made once, on first use: every figure of every popup and table row is written with it

/* How a figure's numbers are written with ``unit`` in the page's language: {number, unit, glue}. */
export function amounts(unit, app) {
  if (app.lang !== "zh") { return {number: app.formatNumber, unit: unit, glue: " "}; }
  var scale = CHINESE_SCALES.filter(function (s) { return String(unit).indexOf(s[0]) === 0; })[0];
  var compact = chineseCompact = chineseCompact || new Intl.NumberFormat("zh", {notation: "compact", maximumFractionDigits: 6});
  if (scale) {
    return {number: function (value) { return compact.format(value * scale[1]); }, unit: unit.slice(scale[0].length), glue: ""};
  }
  return {number: function (value) {
    return Math.abs(value) >= CHINESE_COMPACT_FROM ? compact.format(value) : app.formatNumber(value);
  }, unit: unit, glue: " "};
}

function withUnit(text, unit, app) {
  var written = amounts(unit, app);
  return unit === "rank" ? app.t("figure.rank", {value: text}) : text + written.glue + written.unit;
}

function qualified(text, qualifier, app) {
  if (!qualifier) { return text; }
  var key = "figure." + qualifier;
  return app.t(key) === key ? qualifier.replace(/_/g, " ") + " " + text : app.t(key, {value: text});
}

function dated(text, date, app) {
  return date ? text + " (" + app.t("popup.as_of", {date: formatDate(date, app)}) + ")" : text;
}

/* The feature's own page in the map's language, at the served or static site's address pattern (config.pages:
   "{id}", "{lang}" and "{suffix}" filled in); null where the page has no feature pages. */
export function featurePageHref(app, id) {
  var pages = app.config.pages;
  if (!pages) { return null; }
  return pages.feature.replace("{id}", encodeURIComponent(id)).replace("{lang}", app.lang)
    .replace("{suffix}", app.lang === "en" ? "" : "." + app.lang);
}

/* A figure of shape 1–3 as one line of text; a series as its latest value (used by the feature table too). */
export function figureText(value, unit, asOf, app) {
  var number = amounts(unit, app).number;
  if (typeof value === "number") { return dated(withUnit(number(value), unit, app), asOf, app); }
  if (value && value.series) {
    var last = seriesEntries(value.series).pop();
    return last ? dated(withUnit(number(last[1]), unit, app), last[0], app) : "";
  }
  if (value && value.min !== undefined) {
    var range = app.t("figure.range", {min: number(value.min), max: number(value.max)});
    return dated(qualified(withUnit(range, unit, app), value.qualifier, app), value.as_of || asOf, app);
  }
  if (value && value.value !== undefined) {
    return dated(qualified(withUnit(number(value.value), unit, app), value.qualifier, app), value.as_of || asOf, app);
  }
  return String(value);
}

/* The number a figure sorts by: the value, the top of a range, the latest year of a series. */
export function figureNumber(value) {
  if (typeof value === "number") { return value; }
  if (value && value.series) { var last = seriesEntries(value.series).pop(); return last ? last[1] : null; }
  if (value && value.max !== undefined) { return value.max; }
  return value && typeof value.value === "number" ? value.value : null;
}

function seriesTable(series, unit, app) {
  var table = cloneTemplate("cq-series-template");
  var written = amounts(unit, app);
  table.tHead.rows[0].cells[0].textContent = app.t("popup.year");
  table.tHead.rows[0].cells[1].textContent = written.unit;
  seriesEntries(series).forEach(function (pair) {
    var row = table.tBodies[0].insertRow();
    row.insertCell().textContent = pair[0];
    row.insertCell().textContent = written.number(pair[1]);
  });
  return table;
}

export function renderPopup(entry, app) {
  var p = entry.feature.properties, figures = app.config.figures, t = app.t;
  var root = cloneTemplate("cq-popup-template");
  // Titled in the page's language where the data names it so (else in English); the other names follow.
  var title = featureName(p, app.lang, t), titleSlot = slot(root, "title");
  titleSlot.textContent = title.fallback ? p.name_en : title.text;
  titleSlot.lang = title.lang;
  ["en", "zh", "fa"].forEach(function (lang) { fill(root, "name_" + lang, lang === title.lang ? null : p["name_" + lang]); });
  fill(root, "description_en", p.description_en);
  var facts = slot(root, "facts");
  var kind = entry.spec.kinds[p.kind];
  addRow(facts, t("popup.kind"), kind ? kind.label : p.kind);
  // The year the slider places the feature at, and which rule gave it.
  var placed = yearRule(p);
  addRow(facts, t(placed.rule === "established" ? "popup.established" : "popup.year_rule"),
         yearRuleText(placed, app)).dataset.yearRule = placed.rule;
  if (p.status) {  // where the feature stands, as its source states it on that date
    var status = t("status." + p.status);
    addRow(facts, t("popup.status"), p.status_as_of ? status + " (" + t("popup.as_of", {date: formatDate(p.status_as_of, app)}) + ")"
                                                    : status).dataset.status = p.status;
  }
  Object.keys(figures.documented).forEach(function (name) {
    var value = p[name], label = figures.documented[name][0], unit = figures.documented[name][1];
    if (value === null || value === undefined) { return; }
    var asOf = figures.undated.indexOf(name) >= 0 ? null : p.figures_as_of;
    var shown = value.series ? seriesTable(value.series, unit, app) : figureText(value, unit, asOf, app);
    addRow(facts, label, shown).dataset.figure = name;
  });
  Object.keys(figures.computed).forEach(function (name) {
    var value = p[name];
    if (typeof value !== "number") { return; }
    addRow(facts, figures.computed[name][0], withUnit(app.formatNumber(value), figures.computed[name][1], app)).dataset.figure = name;
  });
  var quality = document.createElement("span");
  quality.className = "cq-quality cq-quality-" + String(p.geometry_quality).replace(/[^a-z]/g, "");
  quality.textContent = app.config.quality[p.geometry_quality] || p.geometry_quality;
  var geometry = document.createElement("span");
  // A feature drawn from the vector tiles carries no geometry note (tiled.js).
  geometry.append(quality, p.geometry_note ? " — " : "", p.geometry_note ? englishRun(p.geometry_note) : "");
  addRow(facts, t("popup.geometry"), geometry);
  fill(root, "sources_title", t("popup.sources"));
  var sources = slot(root, "sources");
  (p.sources || []).forEach(function (source) {
    var item = document.createElement("li");
    var title = document.createElement(isHttp(source.url) ? "a" : "span");
    title.textContent = source.title;
    title.dir = "auto";  // isolated: a title's closing stop stays at its end in a right-to-left popup
    if (title.tagName === "A") { title.href = source.url; title.target = "_blank"; title.rel = "noopener noreferrer"; }
    item.appendChild(title);
    if (source.report_ref) { item.append(" (" + t("popup.report_ref", {ref: source.report_ref}) + ")"); }
    sources.appendChild(item);
  });
  // The feature's own page, in the map's language (its address pattern is the served or static site's).
  var pages = app.config.pages;
  var page = slot(root, "page");
  if (pages) {
    page.href = featurePageHref(app, p.id);
    page.textContent = t("popup.page");
  } else {
    page.parentElement.remove();
  }
  var download = slot(root, "download");
  download.href = entry.spec.download;
  download.textContent = t("popup.download", {title: entry.spec.title});
  return root;
}
