"""Give every page with Python code a Jupyter notebook made from the page itself, to take home.

The MkDocs plugin ``sitekit-notebooks``, last in ``mkdocs.yml``: it reads each finished page
(math typeset, cross-references resolved) and writes ``notebooks/<page>.ipynb`` beside the
language's pages (``/notebooks/losses-likelihood.ipynb``, ``/en/notebooks/…``). The page links
to it (``overrides/main.html`` reads ``page.meta["notebook"]``, which this plugin sets); the
notebook is not a page, so neither the search index nor the sitemap sees it.

What a notebook holds, in page order:

* the page's prose as Markdown cells in its language, converted by markdownify with a few rules
  of our own: formulas as ``$…$`` and ``$$…$$`` from the TeX that KaTeX keeps in the MathML's
  ``annotation`` (or arithmatex's ``\\(…\\)`` when ``sitekit-katex`` is off), admonitions and
  folded answers as block quotes, links and images made absolute to the site (a figure's light
  variant only);
* each Python block as a code cell holding exactly what its copy button copies
  (``sitekit/copy_button.py``), ``#>`` lines included; a block marked ``no-run``, a shell
  command or an API signature stays Markdown, as a fenced block;
* first, a code cell that installs the site's wheel with the page's own ``pip install`` command
  (the one with the extras on the pages that need them), or the home page's plain one.

Notebooks are built with nbformat, valid nbformat 4, with cell ids numbered in page order and
keys sorted, so two builds give the same bytes. ``tests/site/test_notebooks.py`` runs them in a
Jupyter kernel in the reader's environment and checks every ``#>`` line.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from urllib.parse import urljoin

import nbformat
from bs4 import BeautifulSoup, Tag
from markdownify import ATX, MarkdownConverter
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from sitekit.copy_button import Block, copied_blocks
from sitekit.plugins.i18n_site import build_language
from sitekit.plugins.wheel import DOWNLOADS

log = get_plugin_logger(__name__)
FOLDER = "notebooks"  # under each language's root
CLASS = "sk-notebook"  # the link's paragraph (overrides/main.html): not part of the notebook
ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*)</article>', re.DOTALL)
WORDS = {  # what a notebook and its link say, in the page's language
    "zh": {
        "link": "下载 Jupyter 笔记本 (.ipynb)",
        "source": (
            "本笔记本由网页[{title}]({url})生成；代码与网页上的完全相同。"
            "第一个单元安装本站的 `snippets` 包；PyTorch 的安装见[首页]({home}#use-the-code)。"
        ),
    },
    "en": {
        "link": "Download as a Jupyter notebook",
        "source": (
            "This notebook is made from the page [{title}]({url}) and holds the same code. "
            "The first cell installs the site's `snippets` package; for PyTorch, see the "
            "[home page]({home}#use-the-code)."
        ),
    },
}
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
MARK = "\ue000{}\ue001"  # where the converter left code block k (private-use characters)
MARKED_LINE = re.compile("^(?P<prefix>.*?)\ue000(?P<k>\\d+)\ue001\\s*$")
QUOTE_ONLY = re.compile(r"^[>\s]*$")
# Cut before parsing, for speed: a formula's MathML down to its TeX, a code block's tokens
# (its text is read from the page as the copy button copies it, not from the tree).
MATHML = re.compile(
    r'<math\b(?:(?!</math>).)*?<annotation encoding="application/x-tex">(?P<tex>.*?)</annotation>'
    r".*?</math>",
    re.DOTALL,
)
CODE_TOKENS = re.compile(
    r"(<pre\b[^>]*>(?:<span></span>)?<code\b[^>]*>).*?(</code></pre>)", re.DOTALL
)
DROPPED_TAGS = {"script", "style", "link", "noscript"}  # and see ``_dropped``


# --- The wheel and the page's install command ---------------------------------------------


def wheel_url(files: Files, site_url: str) -> str:
    """The absolute URL of the site's wheel (``sitekit-wheel`` put it in ``downloads/``)."""
    wheels = sorted(
        file.src_uri
        for file in files
        if file.src_uri.startswith(f"{DOWNLOADS}/") and file.src_uri.endswith(".whl")
    )
    if len(wheels) != 1:
        raise PluginError(f"sitekit-notebooks needs one wheel in {DOWNLOADS}/, not {wheels}")
    return urljoin(site_url, wheels[0])


def install_lines(blocks: list[Block], wheel_name: str) -> list[str]:
    """The page's ``pip install`` lines that name the wheel file ``wheel_name``, in page order."""
    return [
        line.strip()
        for block in blocks
        for line in block.text.splitlines()
        if line.strip().startswith("pip install") and wheel_name in line
    ]


def install_command(blocks: list[Block], wheel: str) -> str:
    """The page's first ``pip install`` line that names the wheel, else the plain install."""
    shown = install_lines(blocks, wheel.rsplit("/", 1)[-1])
    return shown[0] if shown else f"pip install {wheel}"


# --- HTML to Markdown ---------------------------------------------------------------------


def _tex(element: Tag) -> str:
    """The TeX of an arithmatex formula: KaTeX's (see ``MATHML``), or arithmatex's ``\\(…\\)``."""
    tex = element.find("tex")
    if tex is not None:
        return tex.get_text().strip()
    text = element.get_text().strip()
    return text[2:-2].strip() if text[:2] in ("\\(", "\\[") else text


class PageConverter(MarkdownConverter):
    """markdownify with the page's formulas as TeX and a literal ``$`` or ``<`` escaped."""

    class Options(MarkdownConverter.DefaultOptions):
        heading_style = ATX
        bullets = "-"
        table_infer_header = True

    def escape(self, text: str, parent_tags: set[str]) -> str:
        text = super().escape(text, parent_tags)
        return text.replace("$", "\\$").replace("<", "&lt;")

    def convert_span(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "arithmatex" in el.get("class", []):
            return f"${_tex(el)}$"
        return text

    def convert_div(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "arithmatex" in el.get("class", []):
            return f"\n\n$$\n{_tex(el)}\n$$\n\n"
        return super().convert_div(el, text, parent_tags)

    def convert_td(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """A table cell, its ``|`` escaped (GFM), but not inside a formula: Jupyter takes the
        formulas out before it reads the Markdown."""
        parts = re.split(r"(\$[^$]*\$)", text)
        text = "".join(part if part.startswith("$") else part.replace("|", "\\|") for part in parts)
        return super().convert_td(el, text, parent_tags)

    convert_th = convert_td


def _dropped(element: Tag) -> bool:
    """Not part of the text: a permalink, a script, a hidden widget, the notebook's own link,
    or a figure's dark variant (the light one stays)."""
    classes = element.get("class") or []
    return (
        element.name in DROPPED_TAGS
        or element.has_attr("hidden")
        or CLASS in classes
        or (element.name == "a" and "headerlink" in classes)
        or (element.name == "img" and element.get("src", "").endswith("#only-dark"))
    )


def _prepare(article: BeautifulSoup, page_url: str) -> list[Tag]:
    """Reshape the page's article for markdownify; its code blocks, in page order.

    Each code block's container becomes a paragraph holding its mark (its title, if any, as
    inline code before it); admonitions and folded answers become block quotes whose title is
    in bold; what is not part of the text goes; links and images point at the site,
    absolutely. (One walk over the tree: CSS selectors are many times slower here.)
    """
    for element in [element for element in article.find_all(True) if _dropped(element)]:
        element.decompose()
    elements = article.find_all(True)
    for element in elements:
        if element.name == "img" and element.has_attr("src"):
            element["src"] = urljoin(page_url, element["src"]).removesuffix("#only-light")
        elif element.name == "a" and element.has_attr("href"):
            element["href"] = urljoin(page_url, element["href"])
    descriptions = [
        element
        for element in elements
        if "doc-md-description" in (element.get("class") or [])
        and "doc-section-item" in (element.parent.get("class") or [])
    ]
    for description in descriptions:
        paragraphs = description.find_all("p", recursive=False)
        if len(paragraphs) == 1 and len(description.find_all(recursive=False)) == 1:
            paragraphs[0].unwrap()  # an API argument's one-paragraph description: on its line
        description.unwrap()
    boxes = [
        element
        for element in elements
        if element.name == "details"
        or (element.name == "div" and "admonition" in (element.get("class") or []))
    ]
    for box in boxes:
        title = box.find(["p", "summary"], class_="admonition-title") or box.find("summary")
        if title is not None:
            strong = article.new_tag("strong")
            strong.string = title.get_text(" ", strip=True)
            paragraph = article.new_tag("p")
            paragraph.append(strong)
            title.replace_with(paragraph)
        box.name = "blockquote"
        box.attrs = {}
    codes = [
        element
        for element in elements
        if element.name == "code" and element.parent is not None and element.parent.name == "pre"
    ]
    for number, code in enumerate(codes):
        container = code.parent
        if container.parent is not None and "highlight" in container.parent.get("class", []):
            container = container.parent
        replacement = article.new_tag("div")
        title = container.find("span", class_="filename")
        if title is not None:
            caption = article.new_tag("p")
            name = article.new_tag("code")
            name.string = title.get_text()
            caption.append(name)
            replacement.append(caption)
        mark = article.new_tag("p")
        mark.string = MARK.format(number)
        replacement.append(mark)
        container.replace_with(replacement)
    return codes


def _fence(text: str, language: str) -> list[str]:
    """``text`` as a fenced Markdown code block, with a fence longer than any inside it."""
    ticks = "`" * max(3, 1 + max((len(run) for run in re.findall("`+", text)), default=0))
    return [f"{ticks}{language}", *text.splitlines(), ticks]


def _markdown_source(lines: list[str]) -> str:
    """Lines of a Markdown cell, without blank (or quote-only) lines at either end.

    A cell that begins inside a list item (a code cell split the item) loses the item's indent
    on its first lines, which would otherwise read as a code block.
    """
    while lines and QUOTE_ONLY.match(lines[0]):
        lines = lines[1:]
    while lines and QUOTE_ONLY.match(lines[-1]):
        lines = lines[:-1]
    head = 0
    while head < len(lines) and (not lines[head] or lines[head][0].isspace()):
        head += 1
    lines = textwrap.dedent("\n".join(lines[:head])).splitlines() + lines[head:]
    return "\n".join(line.rstrip() for line in lines)


def page_cells(article_html: str, page_url: str, blocks: list[Block]) -> list[tuple[str, str]]:
    """The page's article as ``(kind, source)`` cells: ``markdown`` or ``code``, in page order.

    ``blocks`` are the article's code blocks as the copy button copies them.
    """
    lighter = MATHML.sub(r"<tex>\g<tex></tex>", CODE_TOKENS.sub(r"\1\2", article_html))
    soup = BeautifulSoup(lighter, "html.parser")
    codes = _prepare(soup, page_url)
    if len(codes) != len(blocks):
        raise PluginError(f"{page_url}: {len(codes)} code elements but {len(blocks)} blocks")
    markdown = PageConverter().convert_soup(soup)
    cells: list[tuple[str, str]] = []
    lines: list[str] = []
    seen: list[int] = []
    for line in markdown.splitlines():
        marked = MARKED_LINE.match(line)
        if marked is None:
            lines.append(line)
            continue
        number, prefix = int(marked["k"]), marked["prefix"]
        seen.append(number)
        block = blocks[number]
        if block.kind == "python":
            cells.append(("markdown", _markdown_source(lines)))
            cells.append(("code", block.text))
            lines = []
            continue
        language = "python" if block.kind == "signature" else (block.language or "")
        # Inside a quote or a list item: the fence keeps the quote marks and the indent.
        rest = re.sub(r"[^>]", " ", prefix)
        fenced = _fence(block.text, language)
        lines += [
            prefix + fenced[0],
            *(rest + line if line else rest.rstrip() for line in fenced[1:]),
        ]
    cells.append(("markdown", _markdown_source(lines)))
    if seen != list(range(len(blocks))):
        raise PluginError(f"{page_url}: code blocks out of place in the Markdown: {seen}")
    return [(kind, source) for kind, source in cells if source.strip()]


def make_notebook(
    cells: list[tuple[str, str]], install: str, source_note: str
) -> nbformat.NotebookNode:
    """The notebook: the title, a note on where it comes from, the install cell, the page.

    Cell ids are numbered in order, so the same page gives the same notebook.
    """
    cells = list(cells)
    title = [("markdown", f"> {source_note}")]
    if cells and cells[0][0] == "markdown" and cells[0][1].startswith("# "):
        heading, _, rest = cells[0][1].partition("\n")
        title = [("markdown", f"{heading}\n\n> {source_note}")]
        cells[0] = ("markdown", rest.strip())
    made = []
    for kind, source in [*title, ("code", f"%{install}"), *cells]:
        if not source:
            continue
        make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        made.append(make(source, id=f"cell-{len(made) + 1}"))
    notebook = nbformat.v4.new_notebook(cells=made)
    notebook.metadata = {"kernelspec": KERNEL, "language_info": {"name": "python"}}
    nbformat.validate(notebook)
    return notebook


# --- The plugin ---------------------------------------------------------------------------


def page_language(config: MkDocsConfig) -> tuple[str, str]:
    """The language being built and its URL prefix (``""`` for the default one)."""
    if config.plugins.get("i18n") is None:
        return config.theme["language"], ""
    language, is_default = build_language(config)
    return language, "" if is_default else f"{language}/"


def notebook_uri(page: Page, prefix: str) -> str:
    """Where a page's notebook is written: ``<prefix>notebooks/<page-path-with-dashes>.ipynb``."""
    path = page.url.removeprefix(prefix).strip("/")
    return f"{prefix}{FOLDER}/{path.replace('/', '-') or 'home'}.ipynb"


class NotebooksConfig(Config):
    enabled = config_options.Type(bool, default=True)


class NotebooksPlugin(BasePlugin[NotebooksConfig]):
    """Write a notebook for every page with Python code, and link the page to it."""

    def __init__(self) -> None:
        self.wheel = ""
        self.written: list[str] = []

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if self.config.enabled:
            self.wheel = wheel_url(files, config.site_url or "")
        return files

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files):
        """Link the page to its notebook when it has a Python block to run."""
        if not self.config.enabled:
            return html
        if any(block.kind == "python" for block in copied_blocks(html)):
            language, prefix = page_language(config)
            if language not in WORDS:
                raise PluginError(f"sitekit-notebooks has no words for the language {language!r}")
            page.meta["notebook"] = {
                "href": get_relative_url(notebook_uri(page, prefix), page.url or "."),
                "label": WORDS[language]["link"],
            }
        return html

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Write the notebook of a linked page from the finished page."""
        if not self.config.enabled or "notebook" not in page.meta:
            return output
        article = ARTICLE.search(output)
        if article is None:
            raise PluginError(f"{page.file.src_uri}: no article element to make a notebook of")
        language, prefix = page_language(config)
        page_url = page.canonical_url
        text = MATHML.sub(r"<tex>\g<tex></tex>", article[1])  # no code inside: the same blocks
        blocks = copied_blocks(text)
        cells = page_cells(text, page_url, blocks)
        if not any(kind == "code" for kind, _ in cells):
            raise PluginError(f"{page.file.src_uri}: linked to a notebook without code")
        home = urljoin(config.site_url, prefix)
        title = page.title or config.site_name
        note = WORDS[language]["source"].format(title=title, url=page_url, home=home)
        install = install_command(blocks, self.wheel)
        notebook = make_notebook(cells, install, note)
        uri = notebook_uri(page, prefix)
        target = Path(config.site_dir) / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
        self.written.append(uri)
        return output

    def on_post_build(self, config: MkDocsConfig) -> None:
        if self.config.enabled:
            log.debug(f"wrote {len(self.written)} notebooks")
            self.written = []
