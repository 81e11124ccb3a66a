"""Keep the site's terms once, in ``docs/terms.yml``, and make the glossary and search from them.

Both glossary pages are rendered from that file at build time (the MkDocs plugin
``sitekit-terms`` replaces the line ``<!-- terms: … -->`` of ``docs/<lang>/glossary.md``), the
jieba user dictionary that keeps Chinese terms whole in search is generated from it
(``python -m sitekit.plugins.terms``), and :func:`unknown_uses` finds a page that introduces a
term the table lacks: a Chinese term followed by its English in parentheses,
``空洞卷积 (dilated convolution)``, plain or in bold.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from sitekit import ROOT

TERMS_FILE = ROOT / "docs" / "terms.yml"
USER_DICT = ROOT / "tools" / "jieba_user_dict.txt"
MARKER = "<!-- terms: the tables are rendered here from docs/terms.yml at build time -->"
LANGUAGES = ("zh", "en")
HEADERS = {"zh": ("中文", "English", "说明"), "en": ("中文", "English", "Meaning")}
ALSO = {"zh": "（又称{}）", "en": " (also {})"}
SEE = {"zh": "见[{title}]({page})一章。", "en": "See the [{title}]({page}) chapter."}
JIEBA_FREQUENCY = "20 n"  # frequency and part of speech of every user word (as jieba wants)
log = get_plugin_logger(__name__)
HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True)
class Term:
    zh: str
    en: str
    note_zh: str = ""
    note_en: str = ""
    zh_also: tuple[str, ...] = ()  # other Chinese names (shown, searchable, accepted on pages)
    en_also: tuple[str, ...] = ()  # other English forms a page may put in parentheses

    def zh_forms(self) -> list[str]:
        """The Chinese names: each part of ``A / B``, without a trailing ``（…）``."""
        names = [part.strip() for part in self.zh.split(" / ")]
        names = [re.sub(r"（[^）]*）$", "", name).strip() for name in names]
        return [*names, *self.zh_also]

    def en_forms(self) -> set[str]:
        """English forms accepted in parentheses after the Chinese name (lower case)."""
        forms = {self.en, *self.en_also}
        for form in list(forms):
            bare = re.sub(r"\s*\(([^)]*)\)", "", form)  # "dilated (atrous) convolution" -> ...
            forms.add(bare.strip())
            for inner in re.findall(r"\(([^)]*)\)", form):  # "... (MSE)" -> "MSE", "... , MSE"
                forms.add(inner.strip("`"))
                forms.add(f"{bare.strip()}, {inner}")
                forms.add(form.replace(f"({inner})", inner))  # "dilated atrous convolution"
            if " / " in form:
                forms.update(part.strip() for part in form.split(" / "))
        return {f.lower() for f in forms if f}


@dataclass(frozen=True)
class Section:
    id: str
    zh: str
    en: str
    page: str | None
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Terms:
    sections: tuple[Section, ...]
    search_words: tuple[str, ...] = field(default=())

    @property
    def all(self) -> list[Term]:
        return [term for section in self.sections for term in section.terms]


def load(path: Path = TERMS_FILE) -> Terms:
    """Read and check ``path``; raise ``ValueError`` naming the entry that is wrong."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    sections = []
    seen: dict[str, str] = {}
    for raw in data["sections"]:
        terms = []
        for entry in raw["terms"]:
            unknown = set(entry) - {"zh", "en", "note_zh", "note_en", "zh_also", "en_also"}
            if unknown or not entry.get("zh") or not entry.get("en"):
                raise ValueError(
                    f"{path.name}: term {entry!r} needs zh and en (unknown: {unknown})"
                )
            if bool(entry.get("note_zh")) != bool(entry.get("note_en")):
                raise ValueError(f"{path.name}: {entry['zh']}: give the note in both languages")
            term = Term(
                zh=str(entry["zh"]),
                en=str(entry["en"]),
                note_zh=str(entry.get("note_zh", "")),
                note_en=str(entry.get("note_en", "")),
                zh_also=tuple(entry.get("zh_also", ())),
                en_also=tuple(entry.get("en_also", ())),
            )
            for name in term.zh_forms():
                if name in seen:
                    raise ValueError(f"{path.name}: {name} is listed twice ({seen[name]})")
                seen[name] = term.en
            terms.append(term)
        sections.append(Section(raw["id"], raw["zh"], raw["en"], raw.get("page"), tuple(terms)))
    return Terms(tuple(sections), tuple(data.get("search_words", ())))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(terms: Terms, language: str) -> str:
    """The glossary tables of ``language`` as Markdown: one ``##`` section per table section."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    lines: list[str] = []
    for section in terms.sections:
        title = getattr(section, language)
        lines += [f"## {title} {{ #{section.id} }}", ""]
        if section.page:
            linked = title if language == "zh" else title[0].lower() + title[1:]
            lines += [SEE[language].format(title=linked, page=section.page), ""]
        headers = HEADERS[language]
        lines += [f"| {' | '.join(headers)} |", "| --- | --- | --- |"]
        for term in section.terms:
            zh = term.zh
            if term.zh_also:
                separator = "、" if language == "zh" else ", "
                zh += ALSO[language].format(separator.join(term.zh_also))
            note = term.note_zh if language == "zh" else term.note_en
            lines.append(f"| {_cell(zh)} | {_cell(term.en)} | {_cell(note)} |")
        lines.append("")
    return "\n".join(lines)


def jieba_words(terms: Terms) -> list[str]:
    """Chinese words search must keep whole: every all-Han name of a term, then the extra words."""
    words: list[str] = []
    for name in [*(n for term in terms.all for n in term.zh_forms()), *terms.search_words]:
        if HAN_WORD.fullmatch(name) and len(name) > 1 and name not in words:
            words.append(name)
    return words


def user_dictionary(terms: Terms) -> str:
    """The text of ``tools/jieba_user_dict.txt``."""
    return "".join(f"{word} {JIEBA_FREQUENCY}\n" for word in jieba_words(terms))


# A term introduced on a page: Chinese (maybe in bold), then its English in parentheses.
INTRODUCED = re.compile(
    r"(?P<before>[\u4e00-\u9fff])(?:\*\*)? ?\((?P<en>[A-Za-z][A-Za-z0-9 ,'\-/]*)\)"
)
CODE_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,}).*?^\1\2[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]*\$|\\\(.*?\\\)", re.DOTALL)


def prose(markdown: str) -> str:
    """``markdown`` with code and math blanked out (same length, so offsets stay)."""
    blank = lambda match: re.sub(r"[^\n]", " ", match[0])  # noqa: E731
    return INLINE.sub(blank, CODE_FENCE.sub(blank, markdown))


def introductions(markdown: str) -> list[tuple[int, str, str]]:
    """(line, Chinese text just before, English) for each ``术语 (English)`` on a page."""
    text = prose(markdown)
    found = []
    for match in INTRODUCED.finditer(text):
        before = text[max(0, match.start() - 30) : match.end("before")]
        before = re.sub(r"\*\*|[“”‘’「」]", "", before)
        english = re.sub(r",[\s,]*$", "", match["en"].strip())  # "(loss, `Code`)": code blanked
        found.append((text.count("\n", 0, match.start()) + 1, before, english))
    return found


def _names(before: str, name: str) -> bool:
    """``before`` ends with ``name`` or a short form of it (its first or last 2+ characters)."""
    short = {name[:n] for n in range(2, len(name))} | {name[-n:] for n in range(2, len(name))}
    return any(before.endswith(form) for form in {name} | short)


def unknown_uses(markdown: str, terms: Terms, where: str = "page") -> list[str]:
    """One line per term a page introduces that the table lacks or pairs differently."""
    by_english: dict[str, list[Term]] = {}
    for term in terms.all:
        for form in term.en_forms():
            by_english.setdefault(form, []).append(term)
    problems = []
    for line, before, english in introductions(markdown):
        known = by_english.get(english.lower())
        if not known:
            problems.append(f"{where}:{line}: ({english}) is not in docs/terms.yml")
        elif not any(_names(before, name) for term in known for name in term.zh_forms()):
            names = " / ".join(name for term in known for name in term.zh_forms())
            problems.append(
                f"{where}:{line}: ({english}) follows …{before[-8:]}, "
                f"but docs/terms.yml pairs it with {names}"
            )
    return problems


class TermsConfig(Config):
    enabled = config_options.Type(bool, default=True)


class TermsPlugin(BasePlugin[TermsConfig]):
    """Render the glossary tables from ``docs/terms.yml`` into the page that holds ``MARKER``.

    The table is read once per build; a page with the marker that also keeps a table of its own
    fails the build, so a row added to the Markdown instead of ``docs/terms.yml`` cannot go
    unnoticed.
    """

    def __init__(self) -> None:
        self.terms: Terms | None = None
        self.source: Path = TERMS_FILE
        self.warned = False

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not self.config.enabled:
            return config
        self.source = Path(config.docs_dir) / TERMS_FILE.name
        self.terms = None
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Read the table (errors fail the build) and keep the YAML out of the built site."""
        if not self.config.enabled:
            return files
        try:
            self.terms = load(self.source)
        except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError) as error:
            raise PluginError(f"{self.source}: {error}") from error
        for file in list(files):
            if file.abs_src_path and Path(file.abs_src_path) == self.source:
                files.remove(file)
        search = config.plugins.get("material/search") or config.plugins.get("search")
        user_dict = getattr(getattr(search, "config", None), "jieba_dict_user", None)
        if user_dict:
            path = Path(config.config_file_path).parent / user_dict
            if path.read_text(encoding="utf-8") != user_dictionary(self.terms) and not self.warned:
                self.warned = True  # once, not once per language
                # a warning fails the strict build; `make serve` shows it at once
                log.warning(f"{user_dict} is stale against {self.source.name}: run `make terms`")
        return files

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files):
        if not self.config.enabled or MARKER not in markdown:
            return markdown
        own_rows = [line for line in markdown.splitlines() if line.lstrip().startswith("|")]
        if own_rows:
            raise PluginError(
                f"{page.file.src_uri}: glossary rows belong in docs/terms.yml, not the page: "
                f"{own_rows[0]!r}"
            )
        i18n = config.plugins.get("i18n")
        language = getattr(i18n, "current_language", None) or page.file.src_uri.split("/")[0]
        assert self.terms is not None
        return markdown.replace(MARKER, render(self.terms, language))


def main() -> None:
    """Write the jieba user dictionary from ``docs/terms.yml``."""
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else USER_DICT
    text = user_dictionary(load())
    target.write_text(text, encoding="utf-8")
    print(f"{target}: {text.count(chr(10))} words from {TERMS_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
