/* How the atlas's features are drawn: each layer's kinds give colour, weight, dashes and marker shape. */
import L from "leaflet";
import {yearRule} from "./time.js";

function dashed(text) { return String(text).replace(/_/g, "-"); }

/* Points as circles, squares or diamonds, drawn by the map's renderer (SVG or canvas alike). */
export var ShapeMarker = L.CircleMarker.extend({
  _updatePath: function () {
    var p = this._point, r = this._radius, s = r * 0.85;
    if (this.options.shape === "square") {
      this._parts = [[p.add([-s, -s]), p.add([s, -s]), p.add([s, s]), p.add([-s, s])]];
    } else if (this.options.shape === "diamond") {
      this._parts = [[p.add([0, -r]), p.add([r, 0]), p.add([0, r]), p.add([-r, 0])]];
    } else {
      L.CircleMarker.prototype._updatePath.call(this);
      return;
    }
    this._renderer._updatePoly(this, true);
  }
});

/* A feature not (or not yet, or no longer) in regular operation is dashed, its marker or area hollow; the dash
   pattern of each status comes with the page (geo/map/currency.py), as the legend draws it. */
export function pathStyle(spec, feature, renderer, statusDashes) {
  var kind = spec.kinds[feature.properties.kind] || {};
  var type = feature.geometry.type;
  var status = feature.properties.status;
  var statusDash = status && statusDashes ? statusDashes[status] || null : null;
  // Features without a documented year are on the map at every year: drawn faint, so 2012 does not show them as
  // plainly as what existed then (context such as district outlines is not dated and stays as it is).
  var undated = !spec.context && yearRule(feature.properties).rule === "none";
  var faint = undated ? 0.4 : 1;
  var style = {
    renderer: renderer, color: kind.color, weight: kind.weight, opacity: 0.95 * faint,
    dashArray: statusDash || kind.dash_array || null,
    // Classes name the layer, feature and status, so each drawn shape can be found in the page.
    className: "cq-feature cq-layer-" + dashed(spec.id) + " cq-f-" + feature.properties.id +
      (status ? " cq-status-" + dashed(status) : "") + (undated ? " cq-undated" : "")
  };
  if (type === "Point") {
    return L.extend(style, {radius: kind.radius, shape: kind.marker_shape, weight: 2, dashArray: statusDash,
                            fillColor: kind.fill_color || kind.color, fillOpacity: statusDash ? 0 : 0.95 * faint});
  }
  if (type === "Polygon" || type === "MultiPolygon") {
    return L.extend(style, {fillColor: kind.fill_color || kind.color,
                            fillOpacity: (statusDash ? kind.fill_opacity / 3 : kind.fill_opacity) * faint});
  }
  return L.extend(style, {fill: false});
}
