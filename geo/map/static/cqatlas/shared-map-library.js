/* The atlas's own shim: Leaflet as the deferred bundle (bundle-deferred.js) gets it, the copy the first bundle holds, which sets the global
   L itself. esbuild aliases "leaflet" to this file there (geo/map/bundle.py), so no second copy is shipped. */
export default window.L;
