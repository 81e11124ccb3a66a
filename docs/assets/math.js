// Typeset the spans and blocks that pymdownx.arithmatex (generic mode) leaves as \( \) and \[ \].
// KaTeX is served by the site itself (see hooks/katex.py).
document$.subscribe(() => {
  for (const element of document.querySelectorAll(".arithmatex")) {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: true,
    });
  }
});
