"""Gate: what a reader copies from a page runs in a plain Python, as it runs in the notebook.

A page's Python blocks run once as a reader runs them, in the reader's Python: its notebook's
code cells are exactly what the copy buttons copy, and the English notebooks run top to bottom in
a Jupyter kernel of that Python, each cell printing its ``#>`` lines
(``tests/site/test_notebooks.py``; a Chinese notebook holds its twin's cells). The kernel is the
reader's virtual environment (PyTorch, then the site's wheel, installed only as the home page
says) with ipykernel's packages after the reader's. What a reader who pastes the blocks into a
plain ``python`` needs beyond that is checked here, for every page of both languages:

* in Chromium, each copy button copies the block as it is read from the HTML (``copied_blocks``);
* each block is Python, marked ``no-run`` or a signature;
* each Python block is plain Python: it compiles without IPython (no ``%`` or ``!`` line, no
  top-level ``await``), which a kernel would accept;
* every module a block imports is found in the reader's Python without the kernel's packages
  (with the extras where the page shows their install command), and so is every module the
  installed package imports: a module that only the kernel brings would otherwise pass unseen.

With ``SITEKIT_READER_INSTALL=clone`` in the environment the reader runs ``pip install <a clone>``
(and ``pip install "<a clone>[extras]"``) instead of the site's wheel: the same gates, and the
notebooks' kernels, for the package as a clone of the repository installs it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitekit.copy_button import copied_blocks
from sitekit.testing.build import page_urls
from sitekit.testing.reader import (
    SUMMARY_PROPERTY,
    imported_modules,
    missing_modules,
    needs_extras,
    page_html,
    paste_problems,
    site_packages,
)
from sitekit.testing.visits import visit_params

FIXTURES = Path(__file__).with_name("fixtures") / "copy"
PAGES = page_urls("zh") + page_urls("en")


@pytest.mark.parametrize("url", PAGES, ids=[f"/{url}" for url in PAGES])
def test_every_block_can_be_pasted_into_the_readers_python(
    url, built_site, readers, record_property
):
    # A page that needs the extras shows their install command, and its reader has them; one
    # that imports them without showing it fails here, in the plain reader's environment.
    python = readers[needs_extras(built_site, url)].python
    result = paste_problems(f"/{url}", page_html(built_site, url), python)
    record_property(SUMMARY_PROPERTY, result.counts())
    assert result.problems == [], "\n".join(result.problems)


def test_the_installed_package_imports_only_what_the_reader_installed(readers):
    """Every module the package's files import is in the reader's Python with the extras."""
    reader = readers[True]
    files = sorted((site_packages(reader.venv) / "snippets").rglob("*.py"))
    assert len(files) > 10
    names = set().union(*(imported_modules(file.read_text(encoding="utf-8")) for file in files))
    assert {"torch", "snippets", "json"} <= names
    assert missing_modules(reader.python, names) == []


def test_a_block_that_only_a_kernel_could_run_fails(readers):
    """Every way a block can need more than a plain Python and the home page's install."""
    html = (FIXTURES / "broken.html").read_text(encoding="utf-8")
    result = paste_problems("broken", html, readers[False].python)
    assert (result.blocks, result.python, result.marked, result.signatures) == (8, 5, 1, 1)
    assert result.problems == [
        "block 2 is not plain Python: invalid syntax (<copied block 2>, line 1)",
        "block 3 is not plain Python: 'await' outside function (<copied block 3>, line 3)",
        "block 6 (bash) is not Python and not marked no-run: 'echo not marked'",
        "block 1 imports IPython, which the reader's Python does not have",
        "block 4 imports matplotlib, which the reader's Python does not have",
        "block 4 imports sitekit, which the reader's Python does not have",
    ]


def test_a_good_page_pastes_with_torch_and_the_wheel_only(readers):
    html = (FIXTURES / "good.html").read_text(encoding="utf-8")
    result = paste_problems("good", html, readers[False].python)
    assert result.problems == []
    assert (result.blocks, result.python, result.marked) == (4, 3, 1)


def test_the_copied_text_is_the_code_without_annotations():
    html = (
        '<div class="language-python highlight"><span class="filename">x.py</span><pre>'
        '<span></span><code>a = 1 <span class="c1"># (1)</span>'
        '<span class="md-annotation"><span class="md-annotation__index">1</span></span>\n'
        "print(a &lt; 2)\n#&gt; True\n\n</code></pre></div>"
        '<div class="language-bash no-run highlight"><pre><code>pip install x\n</code></pre></div>'
    )
    first, second = copied_blocks(html)
    assert first.text == "a = 1 # (1)\nprint(a < 2)\n#> True"
    assert (first.kind, second.kind, second.text) == ("python", "marked", "pip install x")


# What Material 9.8's copy button puts on the clipboard (bundle.js: the `data-clipboard-target` of
# each copy button, then `hs`): the code's innerText while it carries `data-md-copying` (the
# stylesheet then hides annotations), or an enclosing `data-copy`, with trailing space trimmed.
# With `content.lazy` a block gets its button when it comes into view, so a block without one is
# scrolled to, as a reader would, and its button awaited (a block that never gets one fails); a
# block that came into view with an earlier one already has it. A block inside a folded answer
# is unfolded first, as a reader opens it.
COPY_BUTTON_TEXTS = """async () => {
  const frame = () => new Promise(resolve => requestAnimationFrame(resolve));
  const texts = [];
  for (const pre of document.querySelectorAll('.highlight pre')) {
    for (let d = pre.closest('details'); d; d = d.parentElement.closest('details')) d.open = true;
    let button = pre.querySelector('button[data-clipboard-target]');
    if (!button) pre.scrollIntoView();
    for (let i = 0; i < 60 && !button; i++) {
      await frame();
      button = pre.querySelector('button[data-clipboard-target]');
    }
    if (!button) { texts.push('(no copy button)'); continue; }
    const code = document.querySelector(button.getAttribute('data-clipboard-target'));
    code.setAttribute('data-md-copying', '');
    const copy = code.closest('[data-copy]');
    const text = copy ? copy.getAttribute('data-copy') : code.innerText;
    code.removeAttribute('data-md-copying');
    texts.push(text.trimEnd());
  }
  window.scrollTo(0, 0);
  return texts;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("visit", visit_params(PAGES), indirect=True)
def test_the_blocks_read_from_the_html_are_what_the_copy_buttons_copy(visit, built_site):
    """The gates read the HTML; Chromium shows that this is what a click would copy."""
    clicked = visit.page.evaluate(COPY_BUTTON_TEXTS)
    assert clicked == [block.text for block in copied_blocks(page_html(built_site, visit.url))]
