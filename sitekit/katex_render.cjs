// Typeset TeX with KaTeX for hooks/katex.py, so pages ship rendered math and no KaTeX script.
// Reads one JSON request per line on stdin: a list of {"tex": "...", "display": true|false}.
// Writes one JSON answer per line on stdout: a list of {"html": "..."} or {"error": "..."}.
"use strict";
const katex = require(process.argv[2]);
const readline = require("node:readline");

function typeset({ tex, display }) {
  try {
    return { html: katex.renderToString(tex, { displayMode: display, throwOnError: true }) };
  } catch (error) {
    return { error: error.message };
  }
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  process.stdout.write(JSON.stringify(JSON.parse(line).map(typeset)) + "\n");
});
