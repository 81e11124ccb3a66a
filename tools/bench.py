"""Measure how fast the site builds and tests, and how heavy its pages are: ``make bench``.

    .venv/bin/python tools/bench.py [--no-tests] [--no-lighthouse] [--runs N] [--out FILE]
                                    [--lighthouse-runs N] [--lighthouse-pages URL,URL]
    .venv/bin/python tools/bench.py --lighthouse-only SITE [--out FILE]

Prints a table and writes the figures to ``bench-results.json`` (not committed). Every table
shows the previous run's figures (the results file as it was before this run) beside the new
ones, so a change is measured against the last run:

* the cold strict build of the whole site (a fresh ``mkdocs build --strict`` process with
  sitekit/plugins/build_cache.py's directory deleted), the same again with it kept, and the
  same Markdown built by bare Material as the floor: the project's plugins, mkdocstrings and
  autorefs off (figures are committed SVGs, so no figure is drawn during a build);
* an incremental rebuild: ``mkdocs serve`` running, one page touched, time until it reloads;
* ``make test`` (``pytest -n auto``) as one run, then each phase alone (unit + doctest,
  page code blocks, site gates, browser);
* per page, loaded in headless Chromium with an empty cache: requests, bytes on the wire if the
  server gzips (each response compressed at level 6, as GitHub Pages does), requests outside
  the site; and the size of each language's search index;
* Lighthouse (``tools/lighthouse``, pinned 12.2.3, installed there on first use with
  ``npm ci --prefix tools/lighthouse``) on every page of both languages (``--lighthouse-pages``
  to measure fewer), ``--lighthouse-runs`` times each (3 by default; the median run by
  performance score is kept): mobile form factor, default simulated throttling, Debian's
  Chromium; category scores, FCP, LCP, TBT, CLS, Speed Index and the audits that cost points.
  Text responses are gzipped as GitHub Pages does (``--lighthouse-uncompressed`` serves them
  as built). ``--no-lighthouse`` skips it; without npm the reason is recorded instead.

``--lighthouse-only SITE`` runs only the Lighthouse step on an already built ``SITE`` and stores
it under ``"lighthouse"`` in the results file, keeping the rest of that file.

It is a measurement, not a test: it never fails on a missed target, it reports it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
SEARCH_INDEXES = {"zh": "search/search_index.json", "en": "en/search/search_index.json"}
TARGETS = {
    "build_s": 4.0,
    "build_ratio": 1.5,
    "page_gzip_kb": 120.0,
    "outside_requests": 0,
    "make_test_s": 60.0,
    "lighthouse_performance": 95,
    "lighthouse_accessibility": 100,
    "tbt_ms": 200,
}
LIGHTHOUSE_DIR = ROOT / "tools" / "lighthouse"
LIGHTHOUSE_BIN = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
LIGHTHOUSE_METRICS = {
    "fcp_ms": "first-contentful-paint",
    "lcp_ms": "largest-contentful-paint",
    "tbt_ms": "total-blocking-time",
    "cls": "cumulative-layout-shift",
    "speed_index_ms": "speed-index",
}
TEST_PHASES = [
    ("unit + doctest", ["snippets", "tests", "--ignore=tests/site"]),
    ("page code blocks", ["docs"]),
    ("site gates", ["tests/site", "-m", "not browser"]),
    ("browser", ["tests/site", "-m", "browser"]),
]


def mkdocs_build(config: Path, site: Path, strict: bool = True) -> float:
    command = [PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)]
    if strict:
        command.insert(4, "--strict")
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"build failed ({config}):\n{result.stderr[-3000:]}")
    return elapsed


# The project's own plugins (sitekit/plugins/, registered in sitekit/pyproject.toml); the floor
# builds without them, except the one that writes content (the glossary, from docs/terms.yml).
MACHINERY_PLUGINS = {
    point.name
    for point in metadata.entry_points(group="mkdocs.plugins")
    if point.name.startswith("sitekit-")
} - {"sitekit-terms"}


def bare_config(directory: Path) -> Path:
    """mkdocs.yml without the project's plugins, template overrides, mkdocstrings and autorefs."""

    class Loader(yaml.SafeLoader):
        pass

    # `!ENV [NAME, default]` -> the default (the bench does not need the deployed URL).
    Loader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    config.pop("watch", None)
    config["theme"].pop("custom_dir", None)  # the project's template overrides: not bare Material
    config["docs_dir"] = str(ROOT / config.get("docs_dir", "docs"))
    plugins = {}
    for name, settings in config["plugins"].items():  # a mapping: name -> options
        if name in {"mkdocstrings", "autorefs"} or name in MACHINERY_PLUGINS:
            continue
        if name == "search" and settings:
            for key in ("jieba_dict", "jieba_dict_user"):
                if key in settings:
                    settings[key] = str(ROOT / settings[key])
        plugins[name] = settings
    config["plugins"] = plugins
    path = directory / "mkdocs-bare.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def forget_build_cache() -> None:
    """Delete the build cache (sitekit/plugins/build_cache.py): the next build starts cold."""
    from sitekit.plugins import build_cache

    build_cache.clear()


def incremental_rebuild(touch: Path, timeout: float = 120.0) -> float | None:
    """Seconds from touching ``touch`` to ``mkdocs serve`` reloading the browsers."""
    from sitekit.testing.serving import free_port

    port = free_port()
    command = [
        PYTHON,
        "-m",
        "mkdocs",
        "serve",
        "--dev-addr",
        f"127.0.0.1:{port}",
        "--livereload",
        "--dirty",
    ]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    lines: list[tuple[float, str]] = []

    def read() -> None:
        for line in server.stderr:
            lines.append((time.perf_counter(), line))

    threading.Thread(target=read, daemon=True).start()
    try:
        deadline = time.perf_counter() + timeout
        while not any("Serving on" in line for _, line in lines):
            if time.perf_counter() > deadline or server.poll() is not None:
                return None
            time.sleep(0.1)
        time.sleep(1.0)  # let the watcher settle
        seen = len(lines)
        touched = time.perf_counter()
        os.utime(touch)  # the content stays as it is; only the modification time changes
        while time.perf_counter() < touched + timeout:
            for stamp, line in lines[seen:]:
                if "Reloading browsers" in line:
                    return stamp - touched
            time.sleep(0.05)
        return None
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_phases() -> list[dict]:
    """``make test`` as one run (its wall time is the figure), then each phase run alone."""
    phases = []
    for name, arguments in [("make test (whole suite)", []), *TEST_PHASES]:
        command = [PYTHON, "-m", "pytest", "-n", "auto", "-q", "-p", "no:cacheprovider", *arguments]
        start = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        summary = [line for line in result.stdout.splitlines() if re.search(r" in [\d.]+s", line)]
        phases.append(
            {
                "phase": name,
                "command": "pytest " + " ".join(arguments),
                "seconds": round(elapsed, 2),
                "exit_code": result.returncode,
                "result": summary[-1].strip("= ") if summary else result.stdout[-300:],
                "failed": [
                    line.split(" - ")[0]
                    for line in result.stdout.splitlines()
                    if line.startswith(("FAILED", "ERROR"))
                ],
            }
        )
    return phases


def page_weights(site: Path) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from sitekit.testing.build import page_urls
    from sitekit.testing.serving import gzipped, launch_chromium, serve

    sizes: dict[Path, int] = {}

    def wire_bytes(url: str) -> int:
        """What a GitHub Pages-like server sends for ``url`` (see ``serving.gzipped``)."""
        path = urlsplit(url).path
        file = site / path.lstrip("/")
        if path.endswith("/") or file.is_dir():
            file = file / "index.html"
        if not file.is_file():
            return 0
        if file not in sizes:
            body = gzipped(file)
            sizes[file] = file.stat().st_size if body is None else len(body)
        return sizes[file]

    results = []
    with serve(site) as root, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for url in page_urls("zh") + page_urls("en"):
            context = browser.new_context()  # empty cache: a first visit
            requests: list[str] = []
            context.on("request", lambda request, requests=requests: requests.append(request.url))
            page = context.new_page()
            page.goto(root + url, wait_until="networkidle")
            page.wait_for_timeout(300)
            context.close()
            inside = [r for r in requests if r.startswith(root)]
            index = [r for r in inside if r.endswith("search_index.json")]
            without_index = [r for r in inside if r not in index]
            results.append(
                {
                    "page": "/" + url,
                    "requests": len(requests),
                    "outside_requests": len(requests) - len(inside),
                    "gzip_kb": round(sum(map(wire_bytes, without_index)) / 1024, 1),
                    "search_index_gzip_kb": round(sum(map(wire_bytes, index)) / 1024, 1),
                }
            )
        browser.close()
    return results


def search_indexes(site: Path) -> dict[str, dict]:
    from sitekit.testing.serving import gzipped

    sizes = {}
    for language, relative in SEARCH_INDEXES.items():
        index = site / relative
        sizes[language] = {
            "kb": round(index.stat().st_size / 1024, 1),
            "gzip_kb": round(len(gzipped(index)) / 1024, 1),
        }
    return sizes


def install_lighthouse() -> str | None:
    """Install the pinned Lighthouse into tools/lighthouse if needed; the reason if it can't."""
    if LIGHTHOUSE_BIN.exists():
        return None
    npm = shutil.which("npm")
    if npm is None:
        return "npm not found"
    print("installing Lighthouse (npm ci --prefix tools/lighthouse) ...", flush=True)
    command = [npm, "ci", "--prefix", str(LIGHTHOUSE_DIR), "--no-audit", "--no-fund"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0 or not LIGHTHOUSE_BIN.exists():
        return f"npm ci --prefix tools/lighthouse failed: {result.stderr.strip()[-500:]}"
    return None


def chromium_executable() -> str:
    """Debian's Chromium where it exists, else the one Playwright installed."""
    from sitekit.testing.serving import SYSTEM_CHROMIUM

    if SYSTEM_CHROMIUM.exists():
        return str(SYSTEM_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        return playwright.chromium.executable_path


def audit_item(item: dict, root: str = "") -> str:
    """One row of an audit's details, short: what (as a path under ``root``) and its cost."""
    node = item.get("node") if isinstance(item.get("node"), dict) else {}
    what = item.get("url") or node.get("selector") or item.get("groupLabel") or ""
    if root and str(what).startswith(root):
        what = "/" + str(what).removeprefix(root)
    costs = [
        f"{item[key] / 1024:.0f} KiB {label}"
        for key, label in (("totalBytes", "total"), ("wastedBytes", "wasted"))
        if isinstance(item.get(key), int | float) and item[key]
    ] + [
        f"{item[key]:.0f} ms{label}"
        for key, label in (("wastedMs", " wasted"), ("duration", ""))
        if isinstance(item.get(key), int | float) and item[key]
    ]
    return " ".join([str(what), *costs]).strip()


def failing_audits(report: dict, root: str = "") -> list[dict]:
    """The scored audits of the measured categories that did not pass, metrics left out."""
    failing = []
    seen: set[str] = set()
    for category_id, category in report["categories"].items():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            score = audit.get("score")
            if ref.get("group") in {"metrics", "hidden"} or ref["id"] in seen:
                continue
            if audit["scoreDisplayMode"] not in {"binary", "numeric", "metricSavings"}:
                continue
            if score is None or score >= 1:
                continue
            seen.add(ref["id"])
            items = (audit.get("details") or {}).get("items") or []
            failing.append(
                {
                    "category": category_id,
                    "audit": ref["id"],
                    "score": score,
                    "weight": ref["weight"],
                    "display": audit.get("displayValue", ""),
                    "items": [text for item in items[:8] if (text := audit_item(item, root))],
                }
            )
    return failing


def lighthouse_report(url: str, chrome: str, out: Path) -> dict:
    """Run the Lighthouse CLI on one URL (mobile, simulated throttling); its JSON report."""
    from sitekit.testing.serving import CHROMIUM_FLAGS

    command = [
        str(LIGHTHOUSE_BIN),
        url,
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
        f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": chrome}
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse exited {result.returncode}: {result.stderr[-500:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def page_scores(report: dict, root: str = "") -> dict:
    """Category scores (0-100), the five metrics and the failing audits of one report."""
    scores = {
        category: None
        if report["categories"][category]["score"] is None
        else round(report["categories"][category]["score"] * 100)
        for category in LIGHTHOUSE_CATEGORIES
    }
    metrics = {
        name: round(report["audits"][audit]["numericValue"], 3 if name == "cls" else 0)
        for name, audit in LIGHTHOUSE_METRICS.items()
    }
    long_tasks = (report["audits"]["long-tasks"].get("details") or {}).get("items") or []
    return {
        **scores,
        **metrics,
        "total_kib": round(report["audits"]["total-byte-weight"]["numericValue"] / 1024),
        "runtime_error": (report.get("runtimeError") or {}).get("message"),
        "failing_audits": failing_audits(report, root),
        "long_tasks": [audit_item(task, root) for task in long_tasks[:5]],
        # Audits Lighthouse itself could not compute (e.g. a trace it cannot parse).
        "audit_errors": {
            name: audit.get("errorMessage", "")[:200]
            for name, audit in report["audits"].items()
            if audit["scoreDisplayMode"] == "error"
        },
    }


def all_pages() -> list[str]:
    """Every page of both languages, as URL paths under the site root."""
    from sitekit.testing.build import page_urls

    return page_urls("zh") + page_urls("en")


def median_run(runs: list[dict]) -> dict:
    """The run with the median performance score (the lower middle one of an even count)."""
    scored = sorted(runs, key=lambda run: run.get("performance") or 0)
    median = dict(scored[(len(scored) - 1) // 2])
    median["performance_runs"] = [run.get("performance") for run in runs]
    median["tbt_ms_runs"] = [run.get("tbt_ms") for run in runs]
    return median


def lighthouse_scores(
    site: Path, compress: bool = True, pages: list[str] | None = None, runs: int = 3
) -> dict:
    """Lighthouse on ``pages`` (every page by default) of the built ``site``, ``runs`` times each,
    keeping the median run; ``{"error": ...}`` if it can't run.

    ``compress`` serves text gzipped, as GitHub Pages does; without it every response goes out
    uncompressed and Lighthouse's simulated 1.6 Mbit/s network makes the pages look slower
    than the deployed site is.
    """
    from sitekit.testing.serving import serve

    reason = install_lighthouse()
    if reason is not None:
        return {"error": reason}
    chrome = chromium_executable()
    start = time.perf_counter()
    measured = []
    version = None
    server = serve(site, compress=compress)
    with server as root, tempfile.TemporaryDirectory(prefix="lighthouse-") as directory:
        for number, page in enumerate(all_pages() if pages is None else pages):
            print(f"  lighthouse /{page} ({runs} runs) ...", flush=True)
            scores = []
            for run in range(runs):
                out = Path(directory) / f"{number}-{run}.json"
                try:
                    report = lighthouse_report(root + page, chrome, out)
                except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as error:
                    scores = [{"error": str(error)}]
                    break
                version = report["lighthouseVersion"]
                scores.append(
                    {
                        **page_scores(report, root),
                        "benchmark_index": report["environment"].get("benchmarkIndex"),
                    }
                )
            if "error" in scores[0]:
                measured.append({"page": "/" + page, **scores[0]})
            else:
                measured.append({"page": "/" + page, **median_run(scores)})
    return {
        "version": version,
        "chromium": chrome,
        "form_factor": "mobile",
        "throttling": "simulate",
        "compression": "gzip level 6" if compress else "none",
        "seconds": round(time.perf_counter() - start, 1),
        "load_average": os.getloadavg(),
        "runs": runs,
        "pages": measured,
    }


def lighthouse_worst(lighthouse: dict, category: str) -> dict | None:
    """The measured page with the lowest score in ``category``."""
    scored = [p for p in lighthouse.get("pages", []) if p.get(category) is not None]
    return min(scored, key=lambda p: p[category]) if scored else None


def lighthouse_rows(lighthouse: dict) -> list[tuple[str, str, str, str]]:
    """Rows of the printed summary table: the worst page per target, with its verdict."""
    if "error" in lighthouse:
        return [("lighthouse", f"not run: {lighthouse['error']}", "", "")]
    rows = []
    for category, target, better in (
        ("performance", TARGETS["lighthouse_performance"], max),
        ("accessibility", TARGETS["lighthouse_accessibility"], max),
        ("tbt_ms", TARGETS["tbt_ms"], min),
    ):
        label = "TBT" if category == "tbt_ms" else category
        pages = [p for p in lighthouse.get("pages", []) if p.get(category) is not None]
        if not pages:
            rows.append((f"lighthouse {label}, worst page", "no page measured", "", "MISSED"))
            continue
        worst = min(pages, key=lambda p: p[category] if better is max else -p[category])
        value = worst[category]
        shown = f"{value:.0f} ms" if category == "tbt_ms" else str(value)
        ok = value >= target if better is max else value <= target
        sign = "<=" if better is min else ">="
        rows.append(
            (
                f"lighthouse {label}, worst page",
                f"{shown} ({worst['page']})",
                f"{sign} {target}",
                verdict(ok),
            )
        )
    errors = [p["page"] for p in lighthouse.get("pages", []) if "error" in p]
    if errors:
        rows.append(("lighthouse failed on", ", ".join(errors), "", "MISSED"))
    rows.append(
        (
            "lighthouse pages measured (runs each)",
            f"{len(lighthouse.get('pages', []))} ({lighthouse.get('runs', 1)})",
            "",
            "",
        )
    )
    if "seconds" in lighthouse:
        rows.append(("lighthouse run time", f"{lighthouse['seconds']:.0f} s", "", ""))
    return rows


def then_now(previous: str | None, now: str) -> str:
    """``now``, with the previous run's figure before it when there is one and it differs."""
    return now if previous in (None, now) else f"{previous} -> {now}"


def lighthouse_table(lighthouse: dict, previous: dict | None = None) -> str:
    """Per-page Lighthouse scores and metrics (previous run -> this run), after the summary."""
    header = ("page", "perf", "a11y", "best", "seo", "FCP", "LCP", "TBT", "CLS", "SI")
    before = {p["page"]: p for p in (previous or {}).get("pages", []) if "error" not in p}

    def cells(p: dict) -> list[str]:
        return [
            *(str(p[c]) for c in LIGHTHOUSE_CATEGORIES),
            f"{p['fcp_ms'] / 1000:.1f} s",
            f"{p['lcp_ms'] / 1000:.1f} s",
            f"{p['tbt_ms']:.0f} ms",
            f"{p['cls']:.3f}",
            f"{p['speed_index_ms'] / 1000:.1f} s",
        ]

    rows = [header]
    for p in lighthouse.get("pages", []):
        if "error" in p:
            rows.append((p["page"], "error", *[""] * 8))
            continue
        old = cells(before[p["page"]]) if p["page"] in before else [None] * 9
        rows.append((p["page"], *(then_now(o, n) for o, n in zip(old, cells(p), strict=True))))
    return table(rows)


def best(times: list[float]) -> float:
    return round(min(times), 2)


def table(rows: list[tuple[str, ...]]) -> str:
    """Plain-text columns; the first row is the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def readme_table(results: dict) -> str:
    """The short bilingual table the README shows, from a results file."""
    build = results["build"]
    heaviest = max(results["pages"], key=lambda p: p["gzip_kb"])
    outside = sum(p["outside_requests"] for p in results["pages"])
    index = results["search_index"]
    rows = [
        "| 测量 / Measure | 结果 / Result | 目标 / Target |",
        "| --- | --- | --- |",
        f"| 完整严格构建 / full strict build | {build['full_strict_s']:.1f} s "
        f"({build['ratio']:.2f}x bare Material {build['bare_floor_s']:.1f} s) "
        f"| ≤ {TARGETS['build_s']:.0f} s, ≤ {TARGETS['build_ratio']}x |",
        f"| 有构建缓存时再构建 / again, with the build cache | "
        f"{build['full_strict_warm_s']:.1f} s ({build['ratio_warm']:.2f}x) | |",
    ]
    if results.get("incremental_rebuild_s") is not None:
        rows.append(
            f"| 改一页后重建 / rebuild after editing a page | "
            f"{results['incremental_rebuild_s']:.1f} s | |"
        )
    rows.append(
        f"| 最重的页面 / heaviest page (gzip, first load, no search index) | "
        f"{heaviest['gzip_kb']:.0f} KB, {heaviest['requests']} requests "
        f"(`{heaviest['page']}`) | ≤ {TARGETS['page_gzip_kb']:.0f} KB |"
    )
    rows.append(f"| 站外请求 / requests outside the site | {outside} | 0 |")
    rows.append(
        f"| 搜索索引 / search index (gzip) | zh {index['zh']['gzip_kb']:.0f} KB, "
        f"en {index['en']['gzip_kb']:.0f} KB | |"
    )
    if "lighthouse" in results:
        rows.append(readme_lighthouse_row(results["lighthouse"]))
    if "make_test_s" in results:
        rows.append(
            f"| `make test` | {results['make_test_s']:.0f} s | ≤ {TARGETS['make_test_s']:.0f} s |"
        )
    note = (
        f"Measured by `make bench` on {results['cores']} shared cores "
        f"(load average {results['load_average'][0]:.1f}); details in `bench-results.json`."
    )
    return "\n".join(rows) + "\n\n" + note


def readme_lighthouse_row(lighthouse: dict) -> str:
    """The README row: worst performance, accessibility and TBT, and on which page."""
    pages = [p for p in lighthouse.get("pages", []) if "error" not in p]
    runs = lighthouse.get("runs", 1)
    measured = f"{len(pages)} pages, zh + en" + (f", median of {runs} runs" if runs > 1 else "")
    label = f"| Lighthouse 移动端 / Lighthouse mobile ({measured}) |"
    target = (
        f"| ≥ {TARGETS['lighthouse_performance']}, {TARGETS['lighthouse_accessibility']}; "
        f"TBT ≤ {TARGETS['tbt_ms']} ms |"
    )
    if "error" in lighthouse:
        return f"{label} not run: {lighthouse['error']} {target}"
    cells = []
    for name, category in (("performance", "performance"), ("accessibility", "accessibility")):
        page = lighthouse_worst(lighthouse, category)
        cells.append(f"{name} {page[category]} (`{page['page']}`)" if page else f"{name} n/a")
    if pages:
        slowest = max(pages, key=lambda p: p["tbt_ms"])
        cells.append(f"TBT {slowest['tbt_ms']:.0f} ms (`{slowest['page']}`)")
    return f"{label} worst: {', '.join(cells)} {target}"


def update_readme(results: dict) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if README_START not in text:
        return
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    body = f"{README_START}\n{readme_table(results)}\n{README_END}"
    readme.write_text(head + body + tail, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2, help="builds of each kind (best is kept)")
    parser.add_argument("--no-tests", action="store_true", help="skip the make test phases")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results.json")
    parser.add_argument(
        "--readme",
        action="store_true",
        help="measure nothing: rewrite the README's table from the results file",
    )
    parser.add_argument("--no-lighthouse", action="store_true", help="skip the Lighthouse step")
    parser.add_argument(
        "--lighthouse-runs", type=int, default=3, help="Lighthouse runs per page (median kept)"
    )
    parser.add_argument(
        "--lighthouse-pages",
        metavar="URL,URL",
        help='only these pages, as URL paths under the root ("" is the home page: ",en/")',
    )
    parser.add_argument(
        "--lighthouse-uncompressed",
        action="store_true",
        help="serve the site to Lighthouse without gzip",
    )
    parser.add_argument(
        "--lighthouse-only",
        type=Path,
        metavar="SITE",
        help="only run Lighthouse on the built SITE; store it in the results file",
    )
    args = parser.parse_args()
    pages = None if args.lighthouse_pages is None else args.lighthouse_pages.split(",")
    if args.readme:
        update_readme(json.loads(args.out.read_text(encoding="utf-8")))
        return
    if args.lighthouse_only:
        lighthouse_only(
            args.lighthouse_only,
            args.out,
            not args.lighthouse_uncompressed,
            pages,
            args.lighthouse_runs,
        )
        return

    results: dict = {"cores": os.cpu_count(), "load_average": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        tmp = Path(directory)
        config = bare_config(tmp)
        print("building (strict, full site, build cache deleted) ...", flush=True)
        cold = []
        for i in range(args.runs):
            forget_build_cache()
            cold.append(mkdocs_build(ROOT / "mkdocs.yml", tmp / f"cold{i}"))
        print("building (strict, full site, again) and bare Material floor, in turns ...")
        full, floor = [], []
        for i in range(args.runs):
            full.append(mkdocs_build(ROOT / "mkdocs.yml", tmp / f"site{i}"))
            floor.append(mkdocs_build(config, tmp / f"bare{i}", strict=False))
        results["build"] = {
            "full_strict_s": best(cold),
            "full_strict_warm_s": best(full),
            "bare_floor_s": best(floor),
            "ratio": round(min(cold) / min(floor), 2),
            "ratio_warm": round(min(full) / min(floor), 2),
            "runs": {
                "cold": [round(t, 2) for t in cold],
                "warm": [round(t, 2) for t in full],
                "floor": [round(t, 2) for t in floor],
            },
        }
        print("incremental rebuild (mkdocs serve, one page touched) ...", flush=True)
        rebuild = incremental_rebuild(ROOT / "docs" / "zh" / "glossary.md")
        results["incremental_rebuild_s"] = None if rebuild is None else round(rebuild, 2)
        print("pages in the browser ...", flush=True)
        site = tmp / "site0"
        results["pages"] = page_weights(site)
        results["search_index"] = search_indexes(site)
        if not args.no_lighthouse:
            print("lighthouse (mobile, simulated throttling) ...", flush=True)
            results["lighthouse"] = lighthouse_scores(
                site, not args.lighthouse_uncompressed, pages, args.lighthouse_runs
            )
        for i in range(args.runs):
            for name in (f"cold{i}", f"site{i}", f"bare{i}"):
                shutil.rmtree(tmp / name, ignore_errors=True)
    if not args.no_tests:
        print("make test, by phase ...", flush=True)
        results["test_phases"] = test_phases()
        results["make_test_s"] = results["test_phases"][0]["seconds"]
    results["targets"] = TARGETS
    previous = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_report(results, previous)
    print(f"\nwrote {display(args.out)} (the previous run's figures shown before ->)")


def summary_rows(results: dict) -> list[tuple[str, str, str, str]]:
    """(measure, measured, target, verdict) for the summary table of one results file."""
    rows = []
    if "build" in results:
        build = results["build"]
        rows += [
            (
                "full strict build",
                f"{build['full_strict_s']:.2f} s",
                f"<= {TARGETS['build_s']} s",
                verdict(build["full_strict_s"] <= TARGETS["build_s"]),
            ),
            ("bare Material floor", f"{build['bare_floor_s']:.2f} s", "", ""),
            (
                "build / floor",
                f"{build['ratio']:.2f}x",
                f"<= {TARGETS['build_ratio']}x",
                verdict(build["ratio"] <= TARGETS["build_ratio"]),
            ),
            (
                "full strict build, build cache kept",
                f"{build['full_strict_warm_s']:.2f} s ({build['ratio_warm']:.2f}x floor)",
                f"<= {TARGETS['build_s']} s",
                verdict(build["full_strict_warm_s"] <= TARGETS["build_s"]),
            ),
        ]
    if "incremental_rebuild_s" in results:
        rebuild = results["incremental_rebuild_s"]
        rows.append(
            (
                "incremental rebuild (serve)",
                "n/a" if rebuild is None else f"{rebuild:.2f} s",
                "",
                "",
            )
        )
    if results.get("pages"):
        heaviest = max(results["pages"], key=lambda p: p["gzip_kb"])
        outside = sum(p["outside_requests"] for p in results["pages"])
        rows += [
            (
                "heaviest page",
                f"{heaviest['gzip_kb']:.1f} KB gzip, {heaviest['requests']} requests "
                f"({heaviest['page']})",
                f"<= {TARGETS['page_gzip_kb']:.0f} KB",
                verdict(heaviest["gzip_kb"] <= TARGETS["page_gzip_kb"]),
            ),
            ("requests outside the site", str(outside), "0", verdict(outside == 0)),
        ]
    for language, size in results.get("search_index", {}).items():
        rows.append(
            (f"search index ({language})", f"{size['kb']} KB, {size['gzip_kb']} KB gzip", "", "")
        )
    if "make_test_s" in results:
        rows.append(
            (
                "make test (pytest -n auto, whole suite)",
                f"{results['make_test_s']:.1f} s",
                f"<= {TARGETS['make_test_s']:.0f} s",
                verdict(results["make_test_s"] <= TARGETS["make_test_s"]),
            )
        )
    for phase in results.get("test_phases", [])[1:]:
        ok = "" if phase["exit_code"] == 0 else f"exit {phase['exit_code']}"
        rows.append((f"  test phase alone: {phase['phase']}", f"{phase['seconds']:.1f} s", "", ok))
    if "lighthouse" in results:
        rows.extend(lighthouse_rows(results["lighthouse"]))
    if "load_average" in results:
        rows.append(
            ("load average (1 min) at the start", f"{results['load_average'][0]:.1f}", "", "")
        )
    return rows


def print_report(results: dict, previous: dict) -> None:
    """The summary, page weights and Lighthouse tables: the previous run beside this one."""
    before = {measure: value for measure, value, _, _ in summary_rows(previous)}
    rows = [("measure", "previous run", "this run", "target", "")]
    for measure, value, target, ok in summary_rows(results):
        rows.append((measure, before.get(measure, ""), value, target, ok))
    print()
    print(table(rows))
    if results.get("pages"):
        weights = {p["page"]: p for p in previous.get("pages", [])}
        print()
        print(
            table(
                [("page", "requests", "KB gzip", "outside")]
                + [
                    (
                        p["page"],
                        then_now(
                            str(weights[p["page"]]["requests"]) if p["page"] in weights else None,
                            str(p["requests"]),
                        ),
                        then_now(
                            f"{weights[p['page']]['gzip_kb']:.1f}"
                            if p["page"] in weights
                            else None,
                            f"{p['gzip_kb']:.1f}",
                        ),
                        str(p["outside_requests"]),
                    )
                    for p in results["pages"]
                ]
            )
        )
    if results.get("lighthouse", {}).get("pages"):
        print()
        print(lighthouse_table(results["lighthouse"], previous.get("lighthouse")))


def display(path: Path) -> str:
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def lighthouse_only(
    site: Path, out: Path, compress: bool, pages: list[str] | None, runs: int
) -> None:
    """``--lighthouse-only``: Lighthouse on an already built site, merged into ``out``."""
    if not (site / "index.html").is_file():
        raise SystemExit(f"{site} is not a built site (no index.html)")
    previous = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    results = dict(previous)
    print("lighthouse (mobile, simulated throttling) ...", flush=True)
    results["lighthouse"] = lighthouse_scores(site.resolve(), compress, pages, runs)
    results["targets"] = TARGETS
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    rows = [("measure", "previous run", "this run", "target", "")]
    before = {m: v for m, v, _, _ in lighthouse_rows(previous.get("lighthouse", {"pages": []}))}
    for measure, value, target, ok in lighthouse_rows(results["lighthouse"]):
        rows.append((measure, before.get(measure, ""), value, target, ok))
    print()
    print(table(rows))
    if results["lighthouse"].get("pages"):
        print()
        print(lighthouse_table(results["lighthouse"], previous.get("lighthouse")))
    print(f"\nwrote {display(out)} (the previous run's figures shown before ->)")


if __name__ == "__main__":
    main()
