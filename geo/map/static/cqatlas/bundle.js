/* The map page's first script: esbuild (npm, see geo/map/bundle.py) bundles these modules, and Leaflet which they
   import, into cqatlas/atlas.<hash>.js. Once the features are drawn, each part of the page below starts with the
   app, in this order; then the parts in bundle-deferred.js, loaded after the drawing. A new panel section is one
   template and one module exporting its start function, imported here or there and named in the list. */
import {startAtlas} from "./core.js";
import {startBase} from "./base.js";
import {startPanel} from "./panel.js";
import {startPermalink} from "./permalink.js";
import {startLanguage} from "./language.js";
import {startCredits} from "./credits.js";
import {startFrame} from "./frame.js";
import {startLayers} from "./layers.js";
import {startTime} from "./time.js";
import {startStatus} from "./status.js";

startAtlas([startBase, startPanel, startPermalink, startLanguage, startCredits, startFrame, startLayers, startTime,
            startStatus]);
