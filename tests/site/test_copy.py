"""Gate: every code block of every built page runs as a reader copies it.

For each page of both languages: the blocks' text as Material's copy button gives it, run in
page order in one fresh interpreter of a virtual environment set up only as the home page says,
from a temporary directory; each block must run and print what its ``#>`` lines show. Blocks
marked ``no-run`` are counted. The counts are printed at the end of the run (the pytest plugin,
``sitekit/testing/pytest_plugin.py``). An English page whose copied blocks are exactly its
Chinese twin's (the twin gate makes them so) is counted, not run a second time: running the
twin ran the same text in the same environment.

Each page runs in a process forked from the reader's interpreter once it has imported PyTorch
(``ReaderPython.run``), which is what a fresh interpreter is after a page's first block; the
test pages below run both ways and must come out the same.

The reader installs the wheel the site serves, with the home page's commands. With
``SITEKIT_READER_INSTALL=clone`` in the environment the reader runs ``pip install <a clone>``
(and ``pip install "<a clone>[extras]"``) instead: the same gate, for the package as a clone of
the repository installs it.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from sitekit.testing.build import page_urls, twin_url
from sitekit.testing.copy_blocks import (
    SUMMARY_PROPERTY,
    PageResult,
    ReaderPython,
    copied_blocks,
    needs_extras,
    page_html,
    run_page,
)
from sitekit.testing.visits import visit_params

FIXTURES = Path(__file__).with_name("fixtures") / "copy"
PAGES = page_urls("zh") + page_urls("en")


@pytest.mark.parametrize("url", PAGES, ids=[f"/{url}" for url in PAGES])
def test_every_block_runs_as_copied(url, built_site, readers, tmp_path, record_property):
    # A page that needs the extras shows their install command, and its reader runs it; one that
    # needs them without showing it fails here, in the plain reader's environment.
    with_extras = needs_extras(built_site, url)
    html = page_html(built_site, url)
    if url.startswith("en/") and same_blocks_as_twin(built_site, url):
        # Its twin runs these very blocks, in the same order and the same reader environment.
        counts = json.loads(counted_page(f"/{url}", html).counts())
        record_property(SUMMARY_PROPERTY, json.dumps({**counts, "run_as": f"/{twin_url(url)}"}))
        return
    result = run_page(f"/{url}", html, readers[with_extras], tmp_path)
    record_property(SUMMARY_PROPERTY, result.counts())
    assert result.problems == [], "\n\n".join(result.problems)
    assert result.ran == result.matched


def same_blocks_as_twin(site: Path, url: str) -> bool:
    """Whether ``url`` copies exactly what its Chinese twin copies (text and kind, in order).

    Then running the twin's blocks (in the same reader environment, since both show the same
    install commands) ran these; the copy test runs an English page only where its blocks differ.
    """
    twin = twin_url(url)
    return copied_blocks(page_html(site, url)) == copied_blocks(page_html(site, twin))


def counted_page(page: str, html: str) -> PageResult:
    """A page's counts without running it (its twin ran the same blocks): ``ran`` is 0."""
    result = PageResult(page)
    for block in copied_blocks(html):
        result.blocks += 1
        result.marked += block.kind == "marked"
        result.signatures += block.kind == "signature"
    return result


def test_an_english_page_runs_only_where_its_blocks_differ_from_its_twin(built_site):
    """The English pages' blocks are their twins' (the twin gate); a changed one is run."""
    english = [url for url in PAGES if url.startswith("en/")]
    assert all(same_blocks_as_twin(built_site, url) for url in english)
    html = page_html(built_site, "en/losses/")
    assert "2.419368" in html  # an output the first block shows
    html = html.replace("2.419368", "2.419369", 1)
    assert copied_blocks(html) != copied_blocks(page_html(built_site, "losses/"))


def both_ways(page: str, python: ReaderPython, tmp_path: Path) -> PageResult:
    """``page`` (a fixture) run in a fresh interpreter and forked from PyTorch's: the same."""
    html = (FIXTURES / page).read_text(encoding="utf-8")
    fresh = run_page(page, html, python.python, tmp_path / "fresh")
    forked = run_page(page, html, python, tmp_path / "forked")
    assert dataclasses.asdict(forked) == dataclasses.asdict(fresh)
    return forked


def test_a_broken_page_fails(readers, tmp_path):
    """Every way a block can break is caught, and the other blocks still run."""
    result = both_ways("broken.html", readers[False], tmp_path)
    problems = "\n".join(result.problems)
    assert (result.blocks, result.ran, result.matched, result.marked, result.signatures) == (
        8,
        3,
        2,
        1,
        1,
    ), result.summary()
    assert "shown under it (#>): ['3']" in problems  # wrong output
    assert "NameError: name 'torch' is not defined" in problems  # a name no block defines
    assert "No module named 'sitekit'" in problems  # the project tree is not importable
    assert "block 6 (bash) is not Python and not marked no-run" in problems
    assert len(result.problems) == 4


def test_a_good_page_passes_with_torch_and_the_wheel_only(readers, tmp_path):
    result = both_ways("good.html", readers[False], tmp_path)
    assert result.problems == []
    assert (result.ran, result.matched, result.marked) == (4, 4, 1)


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
# With `content.lazy` a block gets its button when it scrolls into view, so each block is
# scrolled to first, as a reader would, and its button awaited (a block without one fails); a
# block inside a folded answer is unfolded first, as a reader opens it.
COPY_BUTTON_TEXTS = """async () => {
  const frame = () => new Promise(resolve => requestAnimationFrame(resolve));
  const texts = [];
  for (const pre of document.querySelectorAll('.highlight pre')) {
    for (let d = pre.closest('details'); d; d = d.parentElement.closest('details')) d.open = true;
    pre.scrollIntoView();
    let button = null;
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
    """The copy test reads the HTML; Chromium shows that this is what a click would copy."""
    clicked = visit.page.evaluate(COPY_BUTTON_TEXTS)
    assert clicked == [block.text for block in copied_blocks(page_html(built_site, visit.url))]
