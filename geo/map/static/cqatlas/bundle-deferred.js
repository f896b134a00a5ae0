/* The map page's second script: the parts the first drawing does not need, bundled by esbuild (geo/map/bundle.py)
   into cqatlas/atlas-deferred.<hash>.js. The first bundle loads it once the features are drawn and its own parts
   have started (core.js); these start then, in this order, and the page is ready after them. A panel section that
   nothing shows before the reader turns to it belongs here. */
import {startSearch} from "./search.js";
import {startRoutes} from "./routes.js";
import {startGlance} from "./glance.js";
import {startTable} from "./table.js";
import {startDownload} from "./download.js";
import {startEmbed} from "./embed.js";
import {startExport} from "./export.js";

window.CQAtlas.deferred([startSearch, startRoutes, startGlance, startTable, startDownload, startEmbed,
                          startExport]);
