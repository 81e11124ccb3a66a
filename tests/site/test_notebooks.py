"""Gate: every page with Python code links to a Jupyter notebook of itself, and the notebook runs.

``sitekit-notebooks`` (``sitekit/plugins/notebooks.py``) writes the notebooks at build time. Here,
from the built site:

* a page links to its notebook exactly when it has a Python block to run, in its language;
* each notebook is valid nbformat 4 as nbformat itself writes it, holds the page's Python
  blocks as code cells (exactly what the copy button copies, in page order), its other blocks,
  formulas and figures in Markdown, and starts by installing the package with the page's own
  install command (the home page's plain one where the page shows none);
* every English notebook runs top to bottom in a Jupyter kernel of the reader's Python
  (PyTorch and the wheel the site publishes, as the home page says, plus ipykernel after them:
  ``sitekit/testing/kernel.py``), and each cell prints what its ``#>`` lines show; this is
  where the pages' code runs as a reader runs it (``tests/site/test_copy.py`` checks what a
  plain ``python`` needs besides);
* every Chinese notebook holds the same code cells as its English twin, so running the English
  ones ran them.

The counts are printed at the end of the run (``sitekit/testing/pytest_plugin.py``).
"""

from __future__ import annotations

import html as html_module
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import urljoin

import nbformat
import pytest

from sitekit.copy_button import copied_blocks
from sitekit.plugins.notebooks import make_notebook, page_cells
from sitekit.testing.build import page_urls, twin_url
from sitekit.testing.kernel import (
    SUMMARY_PROPERTY,
    install_cell,
    kernel_python,
    run_notebook,
)
from sitekit.testing.reader import (
    CANONICAL,
    documented_installs,
    install_commands,
    needs_extras,
    page_html,
)

FIXTURES = Path(__file__).with_name("fixtures") / "notebooks"
PAGES = page_urls("zh") + page_urls("en")
LABELS = {"zh": "下载 Jupyter 笔记本 (.ipynb)", "en": "Download as a Jupyter notebook"}
LINK = re.compile(r'<p class="sk-notebook">\s*<a href="([^"]+)"[^>]*>(?:<svg.*?</svg>)?([^<]*)</a>')
SITE_LINK = re.compile(r"\]\((https?://[^)\s]+)\)")
TEX = re.compile(r'<annotation encoding="application/x-tex">(.*?)</annotation>', re.DOTALL)
DISPLAY = re.compile(r'<div class="arithmatex"[^>]*>.*?</div>', re.DOTALL)


def language(url: str) -> str:
    return "en" if url.startswith("en/") else "zh"


def notebook_path(site: Path, url: str) -> Path | None:
    """The notebook the page links to, or ``None`` when it links to none."""
    links = LINK.findall(page_html(site, url))
    if not links:
        return None
    assert len(links) == 1, f"/{url} links to {len(links)} notebooks"
    href, label = links[0]
    assert label.strip() == LABELS[language(url)], f"/{url}: the link says {label!r}"
    return site / posixpath.normpath(url + href)


def read_notebook(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=nbformat.NO_CONVERT)


def code_cells(notebook: nbformat.NotebookNode) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def markdown_text(notebook: nbformat.NotebookNode) -> str:
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def test_a_page_links_to_its_notebook_exactly_when_it_has_python_code(built_site):
    linked = set()
    for url in PAGES:
        runs = [
            block for block in copied_blocks(page_html(built_site, url)) if block.kind == "python"
        ]
        path = notebook_path(built_site, url)
        assert (path is not None) == bool(runs), f"/{url}: {len(runs)} Python blocks, link {path}"
        if path is not None:
            assert path.is_file(), f"/{url} links to {path}, which the build did not write"
            linked.add(path)
    assert set(built_site.rglob("*.ipynb")) == linked, "a notebook that no page links to"
    assert len(linked) >= 20


@pytest.mark.parametrize("url", PAGES, ids=[f"/{url}" for url in PAGES])
def test_a_notebook_is_the_page_as_cells(url, built_site):
    """Valid nbformat 4 in nbformat's own bytes; code cells are the copied Python blocks."""
    path = notebook_path(built_site, url)
    if path is None:
        pytest.skip("no Python code on this page, so no notebook")
    text = path.read_text(encoding="utf-8")
    notebook = read_notebook(path)
    nbformat.validate(notebook)
    assert (notebook.nbformat, notebook.nbformat_minor) >= (4, 5)
    assert nbformat.writes(notebook) + "\n" == text, "not as nbformat writes it (sorted keys)"
    html = page_html(built_site, url)
    blocks = copied_blocks(html)
    install, *code = code_cells(notebook)
    assert code == [block.text for block in blocks if block.kind == "python"]
    markdown = markdown_text(notebook)
    unquoted = "\n".join(re.sub(r"^[>\s]*", "", line) for line in markdown.splitlines())
    for block in blocks:
        if block.kind != "python":  # shown as a fenced block in Markdown, quote and indent aside
            assert "\n".join(line.lstrip() for line in block.text.splitlines()) in unquoted

    plain, extras = documented_installs(built_site)
    shown = install_commands(built_site, url)
    assert install == "%" + (shown[0] if shown else plain)
    assert install == "%" + (extras if needs_extras(built_site, url) else plain)

    article = html[html.index("<article") : html.index("</article>")]
    displays = {tex for div in DISPLAY.findall(article) for tex in TEX.findall(div)}
    for tex in TEX.findall(article):
        formula = html_module.unescape(tex).strip()
        formula = f"$$\n{formula}\n$$" if tex in displays else f"${formula}$"
        assert formula in unquoted, f"the formula {formula!r} is missing"
    for image in re.findall(r'<img [^>]*src="([^"]+)#only-light"', article):
        assert f"]({urljoin(url_of(built_site, url), image)})" in markdown  # the light figure
    assert not re.search(r"\]\([^)\s]*#only-(dark|light)\)", markdown), "one figure, by its URL"


def url_of(site: Path, url: str) -> str:
    """The page's canonical URL (the notebooks' links are absolute)."""
    return CANONICAL.search(page_html(site, url))[1]


def test_the_notebooks_links_reach_files_and_anchors_of_the_site(built_site):
    root = url_of(built_site, "")
    checked = 0
    for path in sorted(built_site.rglob("*.ipynb")):
        for link in SITE_LINK.findall(markdown_text(read_notebook(path))):
            if not link.startswith(root):
                continue
            target, _, fragment = link.removeprefix(root).partition("#")
            file = built_site / target
            if file.is_dir() or target == "":
                file = file / "index.html"
            assert file.is_file(), f"{path.name}: {link} reaches no file"
            if fragment:
                assert f'id="{fragment}"' in file.read_text(encoding="utf-8"), (
                    f"{path.name}: {link}"
                )
            checked += 1
    assert checked > 100


def test_the_notebooks_are_not_in_the_search_index(built_site):
    for index in (built_site / "search", built_site / "en" / "search"):
        entries = json.loads((index / "search_index.json").read_text(encoding="utf-8"))["docs"]
        assert not [entry for entry in entries if ".ipynb" in entry["location"]]
        assert not [
            entry for entry in entries if any(label in entry["text"] for label in LABELS.values())
        ]


def test_chinese_and_english_notebooks_hold_the_same_code_cells(built_site, record_property):
    """The twin gate makes the pages' code identical; so are their notebooks' code cells."""
    twins = cells = 0
    for url in page_urls("zh"):
        chinese, english = notebook_path(built_site, url), notebook_path(built_site, twin_url(url))
        assert (chinese is None) == (english is None), f"/{url}: a notebook in one language only"
        if chinese is None:
            continue
        code = code_cells(read_notebook(chinese))
        assert code == code_cells(read_notebook(english)), f"/{url} and its twin"
        twins += 1
        cells += len(code) - 1
    record_property(SUMMARY_PROPERTY, json.dumps({"twins": twins, "cells": cells}))


@pytest.fixture(scope="session")
def kernels(readers, tmp_path_factory) -> dict[bool, Path]:
    """The reader's Python, plain and with the extras, with ipykernel after its packages."""
    directory = tmp_path_factory.mktemp("kernels")
    return {
        extras: kernel_python(python.python, directory / f"extras-{extras}")
        for extras, python in readers.items()
    }


ENGLISH = page_urls("en")


@pytest.mark.parametrize("url", ENGLISH, ids=[f"/{url}" for url in ENGLISH])
def test_every_english_notebook_runs_in_a_jupyter_kernel(
    url, built_site, kernels, tmp_path, record_property
):
    path = notebook_path(built_site, url)
    if path is None:
        pytest.skip("no Python code on this page, so no notebook")
    notebook = read_notebook(path)
    result = run_notebook(f"/{url}", notebook, kernels[needs_extras(built_site, url)], tmp_path)
    record_property(SUMMARY_PROPERTY, result.counts())
    assert result.problems == [], "\n\n".join(result.problems)
    assert result.ran == result.matched == result.cells


def fixture_notebook(name: str) -> nbformat.NotebookNode:
    """A fixture page made into a notebook as the plugin makes one."""
    html = (FIXTURES / name).read_text(encoding="utf-8")
    article = html[html.index(">", html.index("<article")) + 1 : html.index("</article>")]
    cells = page_cells(article, "http://example.invalid/page/", copied_blocks(article))
    return make_notebook(cells, "pip install the-wheel", "Made from a fixture.")


def test_a_broken_notebook_fails(kernels, tmp_path):
    """A wrong output, a cell that raises and the project tree are each caught; the rest runs."""
    notebook = fixture_notebook("broken.html")
    result = run_notebook("broken", notebook, kernels[False], tmp_path)
    problems = "\n".join(result.problems)
    assert (result.cells, result.ran, result.matched) == (5, 3, 1), problems
    assert "shown (#>):      ['3']\n  printed (stdout): ['2']" in problems
    assert "cell 2 raised NameError: name 'undefined_name' is not defined" in problems
    assert "cell 3 raised ModuleNotFoundError: No module named 'sitekit'" in problems
    assert "printed (stdout): ['one', 'two']" in problems
    assert len(result.problems) == 4
    assert "```python\nraise SystemExit" in markdown_text(notebook)  # no-run: Markdown


def test_a_good_notebook_passes_in_the_plain_reader_kernel(kernels, tmp_path):
    notebook = fixture_notebook("good.html")
    assert install_cell(notebook) == "%pip install the-wheel"
    markdown = markdown_text(notebook)
    assert "$$\n\\sum_{i=1}^{n} 1 = n\n$$" in markdown and "$n$" in markdown
    assert "| `a \\| b` | $|x|$ |" in markdown  # a table's | escaped, but not in a formula
    assert "> **Answer**\n>\n> Twice as many ones" in markdown  # a folded answer: a quote
    assert "```bash\npip install something\n```" in markdown
    result = run_notebook("good", notebook, kernels[False], tmp_path)
    assert result.problems == []
    assert (result.cells, result.ran, result.matched) == (3, 3, 3)
