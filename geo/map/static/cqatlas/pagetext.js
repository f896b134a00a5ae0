/* What the page hands the script as text: its JSON data blocks, and its messages with their placeholders. */

export function readJson(id) {
  var element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : null;
}

/* Messages from the page's catalog; "{name}" placeholders are filled as plain text. */
export function translator(messages) {
  return function (key, values) {
    var text = Object.prototype.hasOwnProperty.call(messages, key) ? messages[key] : key;
    Object.keys(values || {}).forEach(function (name) { text = text.split("{" + name + "}").join(String(values[name])); });
    return text;
  };
}
