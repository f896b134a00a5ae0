/* The layer list: checkboxes for the atlas layers, tiles and the offline base; kept in step with the map. */

export function startLayers(app) {
  var section = document.querySelector(".cq-layers");
  section.querySelectorAll("input[data-layer]").forEach(function (box) {
    box.addEventListener("change", function () { app.setLayerVisible(box.dataset.layer, box.checked); });
  });
  section.querySelectorAll("input[name=cq-tiles]").forEach(function (radio) {
    radio.addEventListener("change", function () { if (radio.checked) { app.setTiles(radio.value); } });
  });
  section.querySelectorAll("input[data-base]").forEach(function (box) {
    box.addEventListener("change", function () { app.setBaseLayer(box.dataset.base, box.checked); });
  });
  // A search or table choice may switch a hidden layer on.
  app.on("layers", function (change) {
    var box = section.querySelector('input[data-layer="' + change.id + '"]');
    if (box) { box.checked = change.visible; }
  });
}
