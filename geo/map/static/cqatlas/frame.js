/* Framing buttons: each frames what it names, clear of the panel. */
import L from "leaflet";

export function startFrame(app) {
  document.querySelectorAll("[data-frame]").forEach(function (button) {
    button.addEventListener("click", function () {
      app.frame(L.latLngBounds(app.config.frames[button.dataset.frame]));
    });
  });
}
