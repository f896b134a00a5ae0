/* The map's credits (Leaflet's attribution line). Wide screens show them in full. On phones they take one line,
   cut short, and the © button beside them opens the full text and closes it again: every credit stays one tap
   away without a box over the map. */
import L from "leaflet";

export function startCredits(app) {
  var control = app.map.attributionControl;
  if (!control) { return; }
  var credits = control.getContainer();
  credits.id = "cq-credits";
  var corner = credits.parentNode;

  var button = L.DomUtil.create("button", "cq-credits-toggle");
  button.type = "button";
  button.setAttribute("aria-controls", credits.id);
  button.setAttribute("data-i18n-attrs", "aria-label=credits.button,title=credits.button");
  button.setAttribute("aria-label", app.t("credits.button"));
  button.title = app.t("credits.button");
  var mark = L.DomUtil.create("span", "", button);
  mark.setAttribute("aria-hidden", "true");
  mark.textContent = "©";
  L.DomEvent.disableClickPropagation(button);

  function setOpen(open) {
    button.setAttribute("aria-expanded", String(open));
    corner.classList.toggle("cq-credits-open", open);
  }
  button.addEventListener("click", function () { setOpen(button.getAttribute("aria-expanded") !== "true"); });
  button.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { setOpen(false); }
  });
  // Beside the credits, in the same corner (a control of its own: Leaflet rewrites the credits' contents).
  var Toggle = L.Control.extend({options: {position: "bottomright"}, onAdd: function () { return button; }});
  new Toggle().addTo(app.map);
  setOpen(false);
}
