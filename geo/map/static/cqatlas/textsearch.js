/* Search text folding, by the rules in geo/data/search_folding.json (the API's q= reads the same file, in
   geo/data/text_search.py): compatibility forms unified, lower case, Arabic/Persian letter variants, zero-width and
   direction marks replaced, every run of spaces, dashes and punctuation one space. A query matches a text when every
   one of its words occurs in it, in any order. */
import rules from "../../../data/search_folding.json";

var SEPARATORS = new RegExp("[" + rules.separators.replace(/[\\\]^-]/g, "\\$&") + "]+", "g");

export function fold(text) {
  var lowered = String(text || "").normalize("NFKC").toLowerCase(), out = "";
  for (var i = 0; i < lowered.length; i++) {
    var char = lowered.charAt(i);
    out += Object.prototype.hasOwnProperty.call(rules.replace, char) ? rules.replace[char] : char;
  }
  return out.replace(SEPARATORS, " ").trim();
}

export function queryWords(text) {
  var words = fold(text).split(" ").filter(Boolean);
  return words.filter(function (word, at) { return words.indexOf(word) === at; });
}

export function matchesWords(words, foldedText) {
  return words.every(function (word) { return foldedText.indexOf(word) >= 0; });
}

/* Every word starts a word of the text (a name typed from its start ranks before a match inside a word). */
export function wordsStartWords(words, foldedText) {
  var padded = " " + foldedText;
  return words.every(function (word) { return padded.indexOf(" " + word) >= 0; });
}
