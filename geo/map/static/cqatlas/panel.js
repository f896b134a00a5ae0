/* The side panel: beside the map on wide screens, a bottom sheet over it on phones (closed there at first). */

export function startPanel(app) {
  var panel = document.getElementById("cq-panel");
  var toggle = document.getElementById("cq-panel-toggle");
  var phone = window.matchMedia("(max-width: 767px)");

  function setOpen(open) {
    panel.hidden = !open;
    document.body.classList.toggle("cq-panel-open", open);
    toggle.setAttribute("aria-expanded", String(open));
    toggle.title = open ? toggle.dataset.labelHide : toggle.dataset.labelShow;
    app.map.invalidateSize({pan: false});
    app.state.panel = open;
    app.emit("panel", open);
  }

  app.setPanelOpen = setOpen;
  // Its tooltip in the page's language from the start, not only once the panel has been opened or closed again.
  app.on("language", function () { toggle.title = panel.hidden ? toggle.dataset.labelShow : toggle.dataset.labelHide; });
  // On a phone the sheet would cover the feature just chosen: it steps aside, the popup takes its place.
  app.on("select", function (entry) { if (entry && phone.matches && !panel.hidden) { setOpen(false); } });

  toggle.addEventListener("click", function () {
    setOpen(panel.hidden);
    if (!panel.hidden) { (panel.querySelector("button, input") || panel).focus(); }
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && phone.matches) { setOpen(false); toggle.focus(); }
  });
  setOpen(!panel.hidden);  // as the map started: closed on phones

  /* Skip links move the focus without following the link: the address holds the map's state (permalink.js). */
  document.querySelectorAll("a[data-skip]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      if (link.dataset.skip === "table" && panel.hidden) { setOpen(true); }
      target.focus();
      target.scrollIntoView({block: "nearest"});
    });
  });
}
