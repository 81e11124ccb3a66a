"""Gate: no broken link, anchor or asset path in either language (sitekit/testing/links.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from sitekit.testing import links
from sitekit.testing.build import LANGUAGES, ROOT
from sitekit.testing.links import check_site

FIXTURE = Path(__file__).parent / "fixtures" / "links" / "site"
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


def test_the_built_site_has_no_broken_link(built_site, record_property):
    site_url = os.environ.get("SITE_URL", DEFAULT_SITE_URL)  # as mkdocs.yml reads it
    report = check_site(built_site, site_url, LANGUAGES)
    record_property(links.SUMMARY_PROPERTY, report.summary())  # printed by the root conftest.py
    assert report.broken == [], "\n".join(report.broken)
    # (Stylesheet url()s are checked too, but since math is MathML the site's stylesheets hold
    # none but data: URIs; test_the_checker_fails_on_a_broken_site keeps that check tested.)
    for kind in ("anchors", "switcher links", "assets", "search locations"):
        assert report.counts[kind] > 10, f"checked suspiciously few {kind}: {report.summary()}"
    assert report.counts["cross-language links"] > 0


def test_the_checker_fails_on_a_broken_site():
    report = check_site(FIXTURE, DEFAULT_SITE_URL, LANGUAGES)
    broken = "\n".join(report.broken)
    expected = [
        "index.html:5 <script src='assets/missing.js'>: assets/missing.js does not exist",
        "index.html:12 <a href='losses/#no-such-anchor'>: no id 'no-such-anchor' in losses/",
        "index.html:13 <a href='missing-page/'>: missing-page/ does not exist",
        "index.html:17 <img src='assets/missing-figure.svg#only-light'>: assets/missing-figure",
        "index.html:18 <a href='en/missing/'>: en/missing/ does not exist",
        "losses/index.html:5 <a href='../en/'>: the switcher to en reaches en/index.html, "
        "not the twin en/losses/index.html",
        "assets/site.css: url(fonts/missing.woff2) -> assets/fonts/missing.woff2 does not exist",
        "sitemap.xml: http://127.0.0.1:8000/gone/ is not a page of the site",
        "en/search/search_index.json: 'losses/#missing': no id 'missing' in en/losses/",
    ]
    for message in expected:
        assert message in broken, f"{message!r} not reported in:\n{broken}"
    assert len(report.broken) == len(expected), broken
    # The good links of the fixture (a twin in the other language, an anchor) are not reported.
    assert report.counts["cross-language links"] == 1


def _validation_settings() -> dict:
    """The ``validation`` block of mkdocs.yml (read without resolving its ``!ENV`` tags)."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    assert config["strict"] is True
    return config["validation"]


def test_mkdocs_validation_rejects_broken_markdown_links(tmp_path):
    """The project's own validation settings fail a strict build of a page with bad links."""
    settings = _validation_settings()
    for key in ("not_found", "anchors", "absolute_links", "unrecognized_links", "omitted_files"):
        assert settings.get(key) == "warn", f"validation.{key} must be `warn` (an error in strict)"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(
        "# Home\n\n## Part { #part }\n\n"
        "[missing page](missing.md) [missing anchor](#nowhere) [good](#part)\n"
        "[absolute](/elsewhere/) [unrecognized](folder/)\n",
        encoding="utf-8",
    )
    (docs / "orphan.md").write_text("# Not in nav\n", encoding="utf-8")
    config = {
        "site_name": "broken",
        "strict": True,
        "validation": settings,
        "nav": ["index.md"],
        "markdown_extensions": [{"attr_list": {}}],
    }
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    log = result.stderr + result.stdout
    for message in ("'missing.md'", "'#nowhere'", "'/elsewhere/'", "'folder/'", "orphan.md"):
        assert message in log, f"{message} not reported by mkdocs:\n{log}"
    assert "'#part'" not in log
