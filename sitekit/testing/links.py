"""Check every link of a built site: pages, anchors, assets, the language switcher.

``mkdocs build --strict`` with the ``validation`` settings in mkdocs.yml already rejects a
broken Markdown link or anchor. It does not see what the theme and the plugins write (the
language switcher, the header and footer, stylesheets and scripts), links written as raw
HTML, ``url(...)`` inside stylesheets, the sitemap, or where the search index
sends a reader. :func:`check_site` reads the finished site instead and resolves all of them:

* every ``href``/``src``/``srcset`` in every HTML file must reach a file of the site, and a
  ``#fragment`` on a page must be an ``id`` on that page;
* every ``url(...)`` in a stylesheet must reach a file;
* on every page the switcher's link to the other language must reach that page's twin;
* every ``<loc>`` of ``sitemap.xml`` and every location of each search index must exist.

Links outside the site are counted, not fetched (the browser tests check nothing outside the
site is requested).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

LINK_ATTRIBUTES = {
    "a": ["href"],
    "link": ["href"],
    "script": ["src"],
    "img": ["src", "srcset"],
    "source": ["src", "srcset"],
    "iframe": ["src"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "use": ["href", "xlink:href"],
    "image": ["href", "xlink:href"],
    "object": ["data"],
}
ASSET_TAGS = {"link", "script", "img", "source", "video", "audio", "object", "image"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)(?P<url>[^'")]+)\1\s*\)""")
SITEMAP_LOC = re.compile(r"<loc>([^<]+)</loc>")
NOT_FETCHED = ("mailto:", "tel:", "javascript:", "data:", "blob:")

# The test report property holding what the check of the built site counted; the pytest plugin
# prints it after the run (a property reaches the main process under pytest-xdist).
SUMMARY_PROPERTY = "links_summary"


@dataclass
class Link:
    tag: str
    attribute: str
    value: str
    line: int
    hreflang: str | None = None
    switcher: bool = False


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[Link] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "a" and "name" in attributes:
            self.ids.add(attributes["name"])
        for name in LINK_ATTRIBUTES.get(tag, []):
            if name not in attributes:
                continue
            values = [attributes[name]]
            if name == "srcset":
                values = [part.strip().split()[0] for part in attributes[name].split(",") if part]
            for value in values:
                self.links.append(
                    Link(
                        tag,
                        name,
                        value.strip(),
                        self.getpos()[0],
                        hreflang=attributes.get("hreflang"),
                        switcher="md-select__link" in attributes.get("class", "").split(),
                    )
                )


@dataclass
class Report:
    broken: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        order = [
            "pages",
            "internal links",
            "anchors",
            "cross-language links",
            "switcher links",
            "assets",
            "stylesheet urls",
            "sitemap urls",
            "search locations",
            "external links (not fetched)",
        ]
        parts = [f"{self.counts[name]} {name}" for name in order]
        return ", ".join(parts) + f"; {len(self.broken)} broken"


class _Site:
    def __init__(self, root: Path, site_url: str, languages: dict[str, str]) -> None:
        self.root = root
        self.site_url = site_url if site_url.endswith("/") else site_url + "/"
        self.base_path = urlsplit(self.site_url).path  # "/" or "/repo/" on GitHub Pages
        self.languages = languages  # language -> URL prefix ("" or "en/")
        self._parsed: dict[Path, _PageParser] = {}

    def parsed(self, path: Path) -> _PageParser:
        if path not in self._parsed:
            parser = _PageParser()
            parser.feed(path.read_text(encoding="utf-8"))
            self._parsed[path] = parser
        return self._parsed[path]

    def language_of(self, relative: str) -> str:
        """The language of a site path (the longest matching prefix wins)."""
        best = ""
        for language, prefix in self.languages.items():
            if relative.startswith(prefix) and len(prefix) >= len(self.languages.get(best, "")):
                best = language
        return best

    def target(self, url: str, base: str) -> tuple[str | None, Path | None, str]:
        """Resolve ``url`` found in the site file at ``base`` (a site path).

        Returns (site path or None when outside the site, the file it reaches or None, fragment).
        """
        if url.startswith(self.site_url) or (url + "/").startswith(self.site_url):
            url = (
                self.base_path + url[len(self.site_url) :] if url.startswith(self.site_url) else "/"
            )
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            return None, None, ""
        absolute = urljoin(self.base_path + base, parts.path)
        path = unquote(absolute)
        if not path.startswith(self.base_path):
            return path, None, parts.fragment
        relative = path[len(self.base_path) :]
        candidate = self.root / relative
        if relative == "" or relative.endswith("/") or candidate.is_dir():
            candidate = candidate / "index.html"
        if not candidate.is_file():
            return relative, None, parts.fragment
        resolved = candidate.resolve()
        if self.root.resolve() not in resolved.parents:
            return relative, None, parts.fragment
        return candidate.relative_to(self.root).as_posix(), candidate, parts.fragment


def _page_path(html: str) -> str:
    """The site path a page is served at: ``losses/`` for ``losses/index.html``."""
    return html.removesuffix("index.html")


def twin_path(page: str, languages: dict[str, str], language: str) -> str:
    """The site path of ``page`` (in ``language``) in the other language."""
    other = next(name for name in languages if name != language)
    return languages[other] + page.removeprefix(languages[language])


def check_site(root: Path, site_url: str, languages: dict[str, str]) -> Report:
    """Every broken link, anchor, asset and switcher link of the site built into ``root``."""
    site = _Site(root, site_url, languages)
    report = Report()
    html_files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))
    for html in html_files:
        page = site.parsed(root / html)
        report.counts["pages"] += 1
        language = site.language_of(html)
        for link in page.links:
            value = link.value
            where = f"{html}:{link.line} <{link.tag} {link.attribute}={value!r}>"
            if not value or value.startswith(NOT_FETCHED):
                continue
            relative, target, fragment = site.target(value, html)
            if relative is None:
                report.counts["external links (not fetched)"] += 1
                continue
            report.counts["assets" if link.tag in ASSET_TAGS else "internal links"] += 1
            if target is None:
                report.broken.append(f"{where}: {relative or '/'} does not exist")
                continue
            if (
                link.tag == "a"
                and relative.endswith(".html")
                and site.language_of(relative) != language
                and not link.switcher
            ):
                report.counts["cross-language links"] += 1
            if link.switcher and link.hreflang:
                report.counts["switcher links"] += 1
                if link.hreflang != language and html != "404.html":
                    expected = twin_path(_page_path(html), languages, language) + "index.html"
                    if relative != expected:
                        report.broken.append(
                            f"{where}: the switcher to {link.hreflang} reaches {relative}, "
                            f"not the twin {expected}"
                        )
            if fragment and target.suffix == ".html":
                report.counts["anchors"] += 1
                if unquote(fragment) not in site.parsed(target).ids:
                    report.broken.append(f"{where}: no id {fragment!r} in {relative}")
        switchers = {link.hreflang for link in page.links if link.switcher}
        if html != "404.html" and len(languages) > 1 and not set(languages) <= switchers:
            report.broken.append(
                f"{html}: the language switcher lacks {sorted(set(languages) - switchers)}"
            )
    for css in sorted(root.rglob("*.css")):
        relative_css = css.relative_to(root).as_posix()
        for match in CSS_URL.finditer(css.read_text(encoding="utf-8", errors="replace")):
            url = match["url"].strip()
            if url.startswith(NOT_FETCHED) or url.startswith("#"):
                continue
            resolved, target, _ = site.target(url, relative_css)
            if resolved is None:
                report.counts["external links (not fetched)"] += 1
                continue
            report.counts["stylesheet urls"] += 1
            if target is None:
                report.broken.append(f"{relative_css}: url({url}) -> {resolved} does not exist")
    sitemap = root / "sitemap.xml"
    if sitemap.is_file():
        for loc in SITEMAP_LOC.findall(sitemap.read_text(encoding="utf-8")):
            report.counts["sitemap urls"] += 1
            resolved, target, _ = site.target(loc, "")
            if target is None:
                report.broken.append(f"sitemap.xml: {loc} is not a page of the site")
    for language, prefix in languages.items():
        index = root / prefix / "search" / "search_index.json"
        if not index.is_file():
            report.broken.append(f"{prefix}search/search_index.json does not exist ({language})")
            continue
        for doc in json.loads(index.read_text(encoding="utf-8"))["docs"]:
            report.counts["search locations"] += 1
            location = doc["location"]
            where = f"{prefix}search/search_index.json: {location!r}"
            relative, target, fragment = site.target(location, prefix)
            if target is None:
                report.broken.append(f"{where} -> {relative} does not exist")
            elif fragment and unquote(fragment) not in site.parsed(target).ids:
                report.broken.append(f"{where}: no id {fragment!r} in {relative}")
    return report
