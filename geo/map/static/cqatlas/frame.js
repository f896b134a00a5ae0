/* Framing buttons: each frames what it names, clear of the panel. */
CQAtlas.section("frame", function (app) {
  "use strict";
  document.querySelectorAll("[data-frame]").forEach(function (button) {
    button.addEventListener("click", function () {
      app.frame(L.latLngBounds(app.config.frames[button.dataset.frame]));
    });
  });
});
