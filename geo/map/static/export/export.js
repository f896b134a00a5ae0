/* The map's export, loaded only when a reader asks for one (cqatlas/export.js gathers what the sheet says and loads
   this bundle): the sheet drawn on a canvas — the title, the map as it is in view (html-to-image), its scale bar,
   the legend of the layers drawn, the data version, the credits and the link back — saved as a PNG, or as a PDF
   (jsPDF, npm, loaded beside this bundle as Chart.js is: its build is a script of its own) holding the same picture with its text as a text layer (selectable and searchable, in the language's
   font, which the page hands over). Text is drawn by the browser in the page's own fonts, right to left where the
   page is. Nothing is fetched from elsewhere: tiles that did not load are left out. */
// The ES5 build: esbuild will not lower the ES module build's destructuring to the bundle's target.
import {toCanvas} from "html-to-image/dist/html-to-image.js";

var MARGIN = 24, SCALE = 2, MIN_WIDTH = 640, COLUMN = 250, SYMBOL = {width: 24, height: 14};
var SIZES = {title: 22, heading: 15, layer: 13, kind: 12, facts: 12};
// Parts of the map that are the page's controls, not the map: the sheet draws its own scale and credits.
var LEFT_OUT = ["leaflet-control-container", "leaflet-popup-pane", "leaflet-tooltip-pane"];
var EMPTY_IMAGE = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==";

function keep(node) {
  if (!node.classList) { return true; }
  if (LEFT_OUT.some(function (name) { return node.classList.contains(name); })) { return false; }
  // A tile that did not load (offline, or refused): left out rather than fetched again.
  return !(node.tagName === "IMG" && node.classList.contains("leaflet-tile") && !(node.complete && node.naturalWidth));
}

function loadImage(src) {
  return new Promise(function (resolve, reject) {
    var image = new Image();
    image.onload = function () { resolve(image); };
    image.onerror = function () { reject(new Error("image")); };
    image.src = src;
  });
}

/* A legend symbol (the panel's own SVG) as an image. */
function symbolImage(svg) {
  var text = svg.indexOf("xmlns=") >= 0 ? svg : svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"');
  return loadImage("data:image/svg+xml;charset=utf-8," + encodeURIComponent(text)).catch(function () { return null; });
}

function font(size, bold, family) { return (bold ? "700 " : "400 ") + size + "px " + family; }

/* Lines of at most ``width`` pixels: broken at spaces, or anywhere in a word (or script) longer than a line. */
function wrap(context, text, width) {
  var lines = [], line = "";
  text.split(/(\s+)/).forEach(function (word) {
    var next = line + word;
    if (context.measureText(next).width <= width || !line.trim()) { line = next; } else { lines.push(line.trim()); line = word.trim(); }
    while (context.measureText(line).width > width && line.length > 1) {
      var cut = line.length - 1;
      while (cut > 1 && context.measureText(line.slice(0, cut)).width > width) { cut -= 1; }
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  });
  if (line.trim()) { lines.push(line.trim()); }
  return lines;
}

/* The sheet laid out: every piece of text (its position, size and weight), each symbol, the map's box and the
   scale bar, in CSS pixels; measured with a canvas in the page's fonts. */
function layout(sheet, mapSize, symbols) {
  var width = Math.max(mapSize.x + 2 * MARGIN, MIN_WIDTH), inner = width - 2 * MARGIN;
  var rtl = sheet.dir === "rtl", measure = document.createElement("canvas").getContext("2d");
  measure.direction = rtl ? "rtl" : "ltr";
  var texts = [], marks = [], y = MARGIN;
  // ``x`` from the start of the line (the left, or the right where the page reads right to left).
  function at(x) { return rtl ? width - MARGIN - x : MARGIN + x; }
  function write(text, x, size, bold, maxWidth, link) {
    measure.font = font(size, bold, sheet.fontFamily);
    wrap(measure, text, maxWidth).forEach(function (line) {
      y += size * 1.35;
      texts.push({text: line, x: at(x), y: y - size * 0.3, size: size, bold: bold, link: link,
                  width: measure.measureText(line).width});
    });
  }
  write(sheet.title, 0, SIZES.title, true, inner);
  y += 10;
  var mapBox = {x: (width - mapSize.x) / 2, y: y, width: mapSize.x, height: mapSize.y};
  y += mapSize.y + 14;
  write(sheet.legendHeading, 0, SIZES.heading, true, inner);
  // The legend in columns, each layer kept whole in one.
  var columns = Math.max(1, Math.floor(inner / COLUMN)), columnWidth = inner / columns;
  var top = y + 4, heights = [];
  for (var c = 0; c < columns; c += 1) { heights.push(top); }
  var symbolIndex = 0;
  sheet.legend.forEach(function (layer) {
    var column = heights.indexOf(Math.min.apply(null, heights));
    var x = column * columnWidth;
    y = heights[column];
    write(layer.title, x, SIZES.layer, true, columnWidth - 8);
    layer.kinds.forEach(function (kind) {
      var start = x, lineTop = y;
      kind.symbols.forEach(function () {
        var image = symbols[symbolIndex];
        symbolIndex += 1;
        if (image) {
          marks.push({image: image, x: rtl ? at(start) - SYMBOL.width : at(start), y: lineTop + 4});
        }
        start += SYMBOL.width + 2;
      });
      write(kind.label, start + 4, SIZES.kind, false, columnWidth - (start - x) - 12);
      y = Math.max(y, lineTop + SYMBOL.height + 6);
    });
    heights[column] = y + 8;
  });
  y = Math.max.apply(null, heights) + 6;
  write(sheet.version, 0, SIZES.facts, false, inner);
  write(sheet.credits, 0, SIZES.facts, false, inner);
  write(sheet.linkLabel + " " + sheet.link, 0, SIZES.facts, false, inner, sheet.link);
  return {width: width, height: Math.ceil(y + MARGIN), rtl: rtl, texts: texts, marks: marks, map: mapBox};
}

function drawScale(context, sheet, box, rtl) {
  var bar = sheet.scale, height = 26, boxWidth = bar.pixels + 20;
  var left = rtl ? box.x + box.width - boxWidth - 10 : box.x + 10, top = box.y + box.height - height - 10;
  context.fillStyle = "rgba(255, 255, 255, 0.85)";
  context.fillRect(left, top, boxWidth, height);
  context.strokeStyle = "#1f2937";
  context.lineWidth = 2;
  context.beginPath();
  context.moveTo(left + 10, top + 8);
  context.lineTo(left + 10, top + 18);
  context.lineTo(left + 10 + bar.pixels, top + 18);
  context.lineTo(left + 10 + bar.pixels, top + 8);
  context.stroke();
  context.fillStyle = "#1f2937";
  context.font = font(11, false, sheet.fontFamily);
  context.textAlign = "center";
  context.fillText(bar.label, left + 10 + bar.pixels / 2, top + 15);
}

function draw(sheet, mapCanvas, page) {
  var canvas = document.createElement("canvas");
  canvas.width = page.width * SCALE;
  canvas.height = page.height * SCALE;
  var context = canvas.getContext("2d");
  context.scale(SCALE, SCALE);
  context.fillStyle = "#fff";
  context.fillRect(0, 0, page.width, page.height);
  context.drawImage(mapCanvas, page.map.x, page.map.y, page.map.width, page.map.height);
  context.strokeStyle = "#6b7280";
  context.lineWidth = 1;
  context.strokeRect(page.map.x, page.map.y, page.map.width, page.map.height);
  drawScale(context, sheet, page.map, page.rtl);
  page.marks.forEach(function (mark) { context.drawImage(mark.image, mark.x, mark.y, SYMBOL.width, SYMBOL.height); });
  context.direction = page.rtl ? "rtl" : "ltr";
  context.textAlign = "start";
  context.fillStyle = "#1f2937";
  page.texts.forEach(function (item) {
    context.font = font(item.size, item.bold, sheet.fontFamily);
    context.fillStyle = item.link ? "#1d4ed8" : "#1f2937";
    context.fillText(item.text, item.x, item.y);
  });
  return canvas;
}

function toBlob(canvas) {
  return new Promise(function (resolve, reject) {
    canvas.toBlob(function (blob) { if (blob) { resolve(blob); } else { reject(new Error("png")); } }, "image/png");
  });
}

/* The PDF: the sheet's picture on a page of its size, and its text where it is drawn, in the language's font,
   invisible over the picture (as a scanned page's text layer is), the link back a link. */
function pdf(sheet, canvas, page, embedded) {
  var points = 0.75;  // CSS pixels to PDF points
  var doc = new window.jspdf.jsPDF({orientation: page.width > page.height ? "landscape" : "portrait", unit: "pt",
                       format: [page.width * points, page.height * points], compress: true});
  doc.setProperties({title: sheet.title, subject: sheet.version, creator: sheet.title});
  doc.setLanguage(sheet.lang);
  doc.addImage(canvas, "PNG", 0, 0, page.width * points, page.height * points, undefined, "FAST");
  doc.addFileToVFS(embedded.file, embedded.base64);
  doc.addFont(embedded.file, embedded.family, "normal");
  doc.setFont(embedded.family, "normal");
  page.texts.forEach(function (item) {
    doc.setFontSize(item.size * points);
    doc.text(item.text, item.x * points, item.y * points,
             {renderingMode: "invisible", align: page.rtl ? "right" : "left"});
    if (item.link) {
      var left = page.rtl ? item.x - item.width : item.x;
      doc.link(left * points, (item.y - item.size) * points, item.width * points, item.size * 1.3 * points,
               {url: item.link});
    }
  });
  return doc.output("blob");
}

/* Draw the sheet and hand it over as a PNG or PDF file (a Blob). */
function make(kind, sheet, embedded) {
  var size = {x: sheet.map.clientWidth, y: sheet.map.clientHeight};
  var words = [sheet.title, sheet.version, sheet.credits, sheet.linkLabel].concat(sheet.legend.map(function (layer) {
    return layer.title + " " + layer.kinds.map(function (kind) { return kind.label; }).join(" ");
  })).join(" ");
  var symbols = [];
  sheet.legend.forEach(function (layer) {
    layer.kinds.forEach(function (kind) { symbols = symbols.concat(kind.symbols); });
  });
  // The page's fonts for the sheet's words (a canvas draws with what is loaded, and loads nothing itself).
  var fonts = document.fonts ? Promise.all([document.fonts.load(font(14, false, sheet.fontFamily), words),
                                            document.fonts.load(font(14, true, sheet.fontFamily), words)]) : Promise.resolve();
  return Promise.all([
    toCanvas(sheet.map, {pixelRatio: SCALE, filter: keep, skipFonts: true, cacheBust: false, imagePlaceholder: EMPTY_IMAGE,
                         width: size.x, height: size.y}),
    Promise.all(symbols.map(symbolImage)),
    fonts.catch(function () {})
  ]).then(function (done) {
    var page = layout(sheet, size, done[1]);
    var canvas = draw(sheet, done[0], page);
    return kind === "pdf" ? pdf(sheet, canvas, page, embedded) : toBlob(canvas);
  });
}

window.CQAtlas.receive("exporter", {make: make});
