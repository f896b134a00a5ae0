/* Embed this map: an <iframe> snippet of the embed page carrying the address's state (view, layers, year, language,
   filter, open feature), rewritten whenever the permalink changes. */
export function startEmbed(app) {
  var code = document.getElementById("cq-embed-code");
  var pages = app.config.pages;
  if (!code || !pages || !pages.embed) { return; }
  var escape = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"};

  function attribute(text) { return String(text).replace(/[&<>"]/g, function (c) { return escape[c]; }); }

  function write() {
    var src = new URL(pages.embed, window.location.href).href + window.location.hash;
    code.value = "<iframe src=\"" + attribute(src) + "\" width=\"800\" height=\"600\" title=\"" +
      attribute(app.t("app.title")) + "\" loading=\"lazy\"></iframe>";
  }

  app.on("permalink", write);
  app.on("language", write);
  code.addEventListener("focus", function () { code.select(); });
  write();
}
