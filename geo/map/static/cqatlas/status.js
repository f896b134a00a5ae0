/* Status and currency: a checkbox per lifecycle status the data states hides the features of that status (and so
   the feature table and the downloads); features that state no status stay. The currency sentence (what the data
   is current to, how many features carry older figures) is computed when the page is built (geo/map/currency.py);
   here it is only worded in the page's language. */

/* A date "2026", "2026-06" or "2026-06-30" in the page's digits. Persian joins its digits with "/" (۲۰۲۶/۰۶/۳۰), as
   Persian dates are written: right to left a "-" between Persian digits splits the date and reverses its parts. */
export function formatDate(text, app) {
  return String(text).split("-").map(function (part, i) {
    return i === 0 ? app.formatYear(Number(part)) : new Intl.NumberFormat(app.lang, {minimumIntegerDigits: 2}).format(Number(part));
  }).join(app.lang === "fa" ? "/" : "-");
}

export function startStatus(app) {
  var section = document.querySelector(".cq-status-section");
  var sentence = document.getElementById("cq-currency");
  var currency = app.config.currency;
  var boxes = section ? Array.prototype.slice.call(section.querySelectorAll("input[data-status]")) : [];
  app.state.statuses = null;  // null: every status shown

  function label() {
    if (sentence && currency) {
      sentence.textContent = app.t("status.current_to", {date: formatDate(currency.current_to, app)}) + " " +
        app.t("status.older", {count: app.formatNumber(currency.older_count), year: app.formatYear(currency.older_before),
                               current: app.formatYear(Number(String(currency.current_to).slice(0, 4)))});
    }
    if (!section) { return; }
    section.querySelectorAll(".cq-status-count").forEach(function (span) {
      span.textContent = "(" + app.formatNumber(Number(span.dataset.count)) + ")";
    });
  }

  /* Show only features whose status is among ``shown`` (features stating none always stay). */
  app.setStatuses = function (shown) {
    var all = boxes.every(function (box) { return shown.indexOf(box.dataset.status) >= 0; });
    boxes.forEach(function (box) { box.checked = shown.indexOf(box.dataset.status) >= 0; });
    app.state.statuses = all ? null : shown.slice();
    app.entries.forEach(function (entry) {
      var status = entry.feature.properties.status;
      app.setHidden(entry, "status", !!status && !all && shown.indexOf(status) < 0);
    });
    app.emit("status", app.state.statuses);
    app.emit("view", app.map.getBounds());  // what is in view has changed
  };

  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      app.setStatuses(boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.dataset.status; }));
    });
  });
  app.on("language", label);
  label();
}
