/* The scale bar in the page's language: Leaflet writes "10 km" in English (and right to left it reads "km 10");
   the number and its unit are written as the language writes them ("۱۰ کیلومتر", "10公里"). */
import L from "leaflet";

var UNITS = {m: "meter", km: "kilometer", ft: "foot", mi: "mile"};

export var LanguageScale = L.Control.Scale.extend({
  // ``options.lang``: a function answering the page's language now (it changes without a reload).
  _updateScale: function (scale, text, ratio) {
    var parts = String(text).split(" "), unit = UNITS[parts[1]];
    scale.style.width = Math.round(this.options.maxWidth * ratio) + "px";
    scale.textContent = unit ? new Intl.NumberFormat(this.options.lang(), {style: "unit", unit: unit}).format(Number(parts[0]))
                             : text;
  },
  relabel: function () { if (this._map) { this._update(); } }
});
