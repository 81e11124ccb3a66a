// Typeset TeX with KaTeX for hooks/katex.py, so pages ship rendered math and no KaTeX script.
// Reads one JSON request per line on stdin: {"tex": "...", "display": true|false}.
// Writes one JSON answer per line on stdout: {"html": "..."} or {"error": "..."}.
"use strict";
const katex = require(process.argv[2]);
const readline = require("node:readline");

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const { tex, display } = JSON.parse(line);
  let answer;
  try {
    answer = { html: katex.renderToString(tex, { displayMode: display, throwOnError: true }) };
  } catch (error) {
    answer = { error: error.message };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
