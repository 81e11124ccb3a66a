"""Read a page's Markdown source the way the site renders it, and compare translation twins.

Every page exists twice, ``docs/zh/X.md`` and ``docs/en/X.md``. The prose differs; the
structure must not: the same heading anchors in the same order, the same include lines, the
same code blocks, figures, display formulas, admonitions and tables. :func:`outline` reads
that structure from the source (code fences are skipped, so a ``#`` comment or a ``|`` inside
code is not mistaken for a heading or a table); :func:`compare` lists every difference between
two outlines, and :func:`check_docs` does it for a whole ``docs/`` directory, naming the page
and what differs.

The fence reader follows pymdownx.superfences, not CommonMark: a fence indented under a list
item, an admonition or a content tab is still a fence. ``fences.py`` uses it to count the
Python blocks a reader sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

LANGUAGES = ("zh", "en")

FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
HEADING = re.compile(r"^(?P<level>#{1,6})[ \t]+(?P<text>.*?)[ \t]*$")
HEADING_ATTRS = re.compile(r"\{[^}]*#(?P<anchor>[\w.:-]+)[^}]*\}\s*$")
INCLUDE = re.compile(r"--8<--")
IMAGE_MD = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)")
IMAGE_HTML = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
HTML_ATTR = re.compile(r'(?P<name>[\w-]+)\s*=\s*"(?P<value>[^"]*)"')
ADMONITION = re.compile(r"^[ \t]*(?P<marker>!!!|\?\?\?\+?)[ \t]+(?P<kind>[\w-]+)")
TABLE_DELIMITER = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*$")
DISPLAY_MATH = re.compile(r"\$\$")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass
class CodeBlock:
    """One fenced code block: its language, options, first line number and body."""

    lang: str
    options: tuple[str, ...]
    line: int
    body: str

    @property
    def includes(self) -> list[str]:
        return [line.strip() for line in self.body.splitlines() if INCLUDE.search(line)]


@dataclass
class Figure:
    src: str
    alt: str
    line: int


@dataclass
class Outline:
    """The structure of one page that its twin must share."""

    anchors: list[str] = field(default_factory=list)
    unanchored: list[str] = field(default_factory=list)  # headings with no { #anchor }
    includes: list[str] = field(default_factory=list)
    code: list[CodeBlock] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    formulas: int = 0
    admonitions: list[str] = field(default_factory=list)
    tables: int = 0


def fence_info(info: str) -> tuple[str, tuple[str, ...]]:
    """Language and options of a fence's info string (``python`` or ``{.python notest}``)."""
    info = info.strip()
    if info.startswith("{"):
        parts = info.strip("{}").split()
        lang = next((part[1:] for part in parts if part.startswith(".")), "")
        options = tuple(part for part in parts if part != "." + lang)
        return lang, options
    parts = info.split()
    return (parts[0] if parts else ""), tuple(parts[1:])


def strip_front_matter(text: str) -> tuple[str, int]:
    """The page without its YAML front matter, and how many lines were removed."""
    match = re.match(r"---[ \t]*\n.*?\n---[ \t]*\n", text, re.DOTALL)
    if not match:
        return text, 0
    return text[match.end() :], match.group(0).count("\n")


def outline(text: str) -> Outline:
    """Read the structure of a page from its Markdown source."""
    body, offset = strip_front_matter(text)
    result = Outline()
    lines = body.splitlines()
    in_math = False
    i = 0
    while i < len(lines):
        line = lines[i]
        number = i + 1 + offset
        opening = FENCE_OPEN.match(line)
        if opening and not in_math:
            fence = opening["fence"]
            closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
            end = i + 1
            while end < len(lines) and not closing.match(lines[end]):
                end += 1
            indent = len(opening["indent"])
            code = "\n".join(part[indent:] for part in lines[i + 1 : end])
            lang, options = fence_info(opening["info"])
            block = CodeBlock(lang, options, number, code)
            result.code.append(block)
            result.includes += block.includes
            i = end + 1
            continue
        i += 1
        if INCLUDE.search(line):
            result.includes.append(line.strip())
        heading = HEADING.match(line)
        if heading and not in_math:
            attrs = HEADING_ATTRS.search(heading["text"])
            if attrs:
                result.anchors.append(attrs["anchor"])
            else:
                result.unanchored.append(f"line {number}: {line.strip()}")
        for image in IMAGE_MD.finditer(line):
            result.figures.append(Figure(image["src"], image["alt"].strip(), number))
        for tag in IMAGE_HTML.finditer(line):
            attrs = {m["name"].lower(): m["value"] for m in HTML_ATTR.finditer(tag.group(0))}
            result.figures.append(Figure(attrs.get("src", ""), attrs.get("alt", ""), number))
        admonition = ADMONITION.match(line)
        if admonition:
            result.admonitions.append(admonition["kind"])
        if TABLE_DELIMITER.match(line):
            result.tables += 1
        for _ in DISPLAY_MATH.finditer(line):
            # A block opens at one `$$` and closes at the next; a one-line `$$x$$` does both.
            in_math = not in_math
            if in_math:
                result.formulas += 1
    return result


def _first_difference(zh: list, en: list) -> str:
    for index, (a, b) in enumerate(zip(zh, en, strict=False)):
        if a != b:
            return f"#{index + 1}: zh {a!r} / en {b!r}"
    longer, name = (zh, "zh") if len(zh) > len(en) else (en, "en")
    return f"#{min(len(zh), len(en)) + 1} only in {name}: {longer[min(len(zh), len(en))]!r}"


def compare(zh: Outline, en: Outline) -> list[str]:
    """What differs between two twins' outlines (empty when they match)."""
    problems = []
    if zh.anchors != en.anchors:
        problems.append(f"heading anchors differ ({_first_difference(zh.anchors, en.anchors)})")
    for language, page in (("zh", zh), ("en", en)):
        if page.unanchored:
            problems.append(f"{language}: headings without a {{ #anchor }}: {page.unanchored}")
    if zh.includes != en.includes:
        problems.append(f"include lines differ ({_first_difference(zh.includes, en.includes)})")
    zh_langs = [block.lang for block in zh.code]
    en_langs = [block.lang for block in en.code]
    if len(zh.code) != len(en.code):
        problems.append(f"code blocks: zh has {len(zh.code)}, en has {len(en.code)}")
    elif zh_langs != en_langs:
        problems.append(f"code block languages differ ({_first_difference(zh_langs, en_langs)})")
    else:
        for a, b in zip(zh.code, en.code, strict=True):
            if a.lang in {"py", "python", "python3"} and a.body != b.body:
                problems.append(
                    f"Python code differs: zh block at line {a.line}, en block at line {b.line}"
                )
            elif a.lang in {"py", "python", "python3"} and a.options != b.options:
                # pytest runs the pages' Python blocks from docs/zh only (pytest_plugin.py): the
                # English block must be the same block, options (notest, no-run) included
                problems.append(
                    f"Python block options differ: zh {' '.join(a.options)!r} at line {a.line}, "
                    f"en {' '.join(b.options)!r} at line {b.line}"
                )
    zh_figures = [figure.src for figure in zh.figures]
    en_figures = [figure.src for figure in en.figures]
    if len(zh_figures) != len(en_figures):
        problems.append(f"figures: zh has {len(zh_figures)}, en has {len(en_figures)}")
    elif zh_figures != en_figures:
        problems.append(f"figure files differ ({_first_difference(zh_figures, en_figures)})")
    if zh.formulas != en.formulas:
        problems.append(f"display formulas ($$): zh has {zh.formulas}, en has {en.formulas}")
    if len(zh.admonitions) != len(en.admonitions):
        problems.append(f"admonitions: zh has {len(zh.admonitions)}, en has {len(en.admonitions)}")
    elif zh.admonitions != en.admonitions:
        problems.append(
            f"admonition kinds differ ({_first_difference(zh.admonitions, en.admonitions)})"
        )
    if zh.tables != en.tables:
        problems.append(f"tables: zh has {zh.tables}, en has {en.tables}")
    return problems


def alt_text_problems(page: Outline, language: str) -> list[str]:
    """Figures with no alt text, or alt text not in the page's language."""
    problems = []
    for figure in page.figures:
        where = f"{language} line {figure.line} ({figure.src})"
        if not figure.alt:
            problems.append(f"{where}: figure without alt text")
        elif language == "zh" and not CJK.search(figure.alt):
            problems.append(f"{where}: alt text is not Chinese: {figure.alt!r}")
        elif language == "en" and CJK.search(figure.alt):
            problems.append(f"{where}: alt text is not English: {figure.alt!r}")
    return problems


def check_docs(docs: Path) -> dict[str, list[str]]:
    """Every difference between the twins under ``docs/zh`` and ``docs/en``, by page."""
    pages = {
        language: {
            p.relative_to(docs / language).as_posix() for p in (docs / language).rglob("*.md")
        }
        for language in LANGUAGES
    }
    report: dict[str, list[str]] = {}
    for name in sorted(pages["zh"] | pages["en"]):
        missing = [language for language in LANGUAGES if name not in pages[language]]
        if missing:
            report[name] = [f"no twin: docs/{missing[0]}/{name} does not exist"]
            continue
        zh = outline((docs / "zh" / name).read_text(encoding="utf-8"))
        en = outline((docs / "en" / name).read_text(encoding="utf-8"))
        problems = compare(zh, en) + alt_text_problems(zh, "zh") + alt_text_problems(en, "en")
        if problems:
            report[name] = problems
    return report


def format_report(report: dict[str, list[str]]) -> str:
    return "\n".join(
        f"docs/{{zh,en}}/{name}: {problem}"
        for name, problems in report.items()
        for problem in problems
    )
