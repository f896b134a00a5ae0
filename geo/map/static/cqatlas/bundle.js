/* The map page's one script: esbuild (npm, see geo/map/bundle.py) bundles these modules, and Leaflet which they import,
   into cqatlas/atlas.<hash>.js. Once the features are drawn, each part of the page below starts with the app, in
   this order. A new panel section is one template and one module exporting its start function, imported here and
   named in the list. */
import {startAtlas} from "./core.js";
import {startBase} from "./base.js";
import {startPanel} from "./panel.js";
import {startPermalink} from "./permalink.js";
import {startLanguage} from "./language.js";
import {startCredits} from "./credits.js";
import {startFrame} from "./frame.js";
import {startSearch} from "./search.js";
import {startLayers} from "./layers.js";
import {startTime} from "./time.js";
import {startStatus} from "./status.js";
import {startRoutes} from "./routes.js";
import {startGlance} from "./glance.js";
import {startTable} from "./table.js";
import {startDownload} from "./download.js";
import {startEmbed} from "./embed.js";
import {startExport} from "./export.js";

startAtlas([startBase, startPanel, startPermalink, startLanguage, startCredits, startFrame, startSearch, startLayers,
            startTime, startStatus, startRoutes, startGlance, startTable, startDownload, startEmbed,
            startExport]);
