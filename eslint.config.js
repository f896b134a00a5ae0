// ESLint for the map page's scripts (geo/map/static/cqatlas): ES modules that run in the browser, bundled by esbuild
// (geo/map/bundle.py) for browsers as old as its target, so the syntax stays at ES2017.
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["geo/map/static/**/*.js"],
    languageOptions: {ecmaVersion: 2017, sourceType: "module", globals: {...globals.browser}},
    // ES2017 has no catch without a binding: an error caught on purpose and ignored stays named.
    rules: {"no-unused-vars": ["error", {caughtErrors: "none"}]}
  }
];
