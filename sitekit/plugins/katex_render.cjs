// Typeset TeX with KaTeX for sitekit/plugins/katex.py, so pages ship MathML and no KaTeX script, CSS or font.
// Reads one JSON request per line on stdin: a list of {"tex": "...", "display": true|false}.
// Writes one JSON answer per line on stdout: a list of {"html": "..."} or {"error": "..."}.
"use strict";
const katex = require(process.argv[2]);
const readline = require("node:readline");

function typeset({ tex, display }) {
  try {
    return { html: katex.renderToString(tex, { displayMode: display, throwOnError: true, output: "mathml" }) };
  } catch (error) {
    return { error: error.message };
  }
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  process.stdout.write(JSON.stringify(JSON.parse(line).map(typeset)) + "\n");
});
