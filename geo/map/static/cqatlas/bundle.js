/* The map page's one script: esbuild (npm, see geo/map/bundle.py) bundles Leaflet and the atlas's scripts below, in this
   order, into cqatlas/atlas.<hash>.js. Sections start in the order they are imported here. A new panel section is
   one template, one script, and one line here. */
import "leaflet/dist/leaflet.js";
import "./core.js";
import "./popup.js";
import "./base.js";
import "./panel.js";
import "./permalink.js";
import "./language.js";
import "./credits.js";
import "./frame.js";
import "./search.js";
import "./layers.js";
import "./time.js";
import "./routes.js";
import "./glance.js";
import "./table.js";
import "./download.js";
