"""Run Lighthouse CI on a built site and read what it wrote: the Lighthouse part of ``make bench``.

Lighthouse CI (``tools/lighthouse/``, ``lighthouserc.json``) serves the site gzipped, runs
Lighthouse ``numberOfRuns`` times on each URL, checks the budgets and writes every report with a
manifest that marks each page's representative (median) run. This module only passes it the
site and the URLs (every page is named: its server finds only top-level HTML files by itself)
and turns the representative runs into figures: scores, metrics, and the page's weight and
requests as the browser fetched them.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

LIGHTHOUSE = Path(__file__).resolve().parent / "lighthouse"
LHCI = LIGHTHOUSE / "node_modules" / ".bin" / "lhci"
CONFIG = LIGHTHOUSE / "lighthouserc.json"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {
    "fcp_ms": "first-contentful-paint",
    "lcp_ms": "largest-contentful-paint",
    "tbt_ms": "total-blocking-time",
    "cls": "cumulative-layout-shift",
}
LOCAL_HOSTS = {"localhost", "127.0.0.1"}


def lhci(command: str, work: Path, *options: str) -> subprocess.CompletedProcess:
    """``lhci COMMAND`` with the project's configuration, its files kept under ``work``."""
    arguments = [str(LHCI), command, f"--config={CONFIG}", *options]
    return subprocess.run(arguments, cwd=work, capture_output=True, text=True)


def collect(site: Path, pages: list[str], runs: int, work: Path) -> None:
    """Lighthouse ``runs`` times on each page (URL paths such as ``/en/losses/``) of ``site``;
    a later call on the same ``work`` adds its runs to the earlier ones."""
    work.mkdir(parents=True, exist_ok=True)
    urls = [f"--collect.url=http://localhost{page}" for page in pages]
    options = [f"--collect.staticDistDir={site}", f"--collect.numberOfRuns={runs}", "--additive"]
    result = lhci("collect", work, *options, *urls)
    if result.returncode != 0:
        raise SystemExit(f"lhci collect failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")


def budgets(work: Path) -> list[str]:
    """``lhci assert`` on what was collected: the budgets each page missed, one line each."""
    lhci("assert", work)  # exits 1 when a budget is missed; the bench reports, it does not fail
    results = json.loads((work / ".lighthouseci" / "assertion-results.json").read_text())
    return [
        f"{path_of(r['url'])} {r.get('auditProperty') or r['auditId']}: "
        f"{r['actual']:.3g} (budget {r['operator']} {r['expected']:g})"
        for r in results
        if not r["passed"]
    ]


def reports(work: Path, out: Path) -> list[dict]:
    """``lhci upload`` of every run's report into ``out``; its manifest: one entry per run."""
    shutil.rmtree(out, ignore_errors=True)
    result = lhci("upload", work, f"--upload.outputDir={out}")
    if result.returncode != 0:
        raise SystemExit(f"lhci upload failed:\n{result.stderr[-2000:]}")
    return json.loads((out / "manifest.json").read_text())


def path_of(url: str) -> str:
    return urlsplit(url).path


def figures(report: dict) -> dict:
    """One run's scores (0-100), metrics, weight and requests; the search index apart."""
    requests = [
        item
        for item in report["audits"]["network-requests"]["details"]["items"]
        if not item["url"].startswith("data:")
    ]
    index = [r for r in requests if path_of(r["url"]).endswith("search_index.json")]
    return {
        **{c: score(report["categories"][c]["score"]) for c in CATEGORIES},
        **{n: rounded(report["audits"][a].get("numericValue"), n) for n, a in METRICS.items()},
        "kb": round(sum(r.get("transferSize", 0) for r in requests if r not in index) / 1024, 1),
        "search_index_kb": round(sum(r.get("transferSize", 0) for r in index) / 1024, 1),
        "requests": len(requests),
        "outside_requests": sum(urlsplit(r["url"]).hostname not in LOCAL_HOSTS for r in requests),
        "benchmark_index": report["environment"]["benchmarkIndex"],
        "runtime_error": (report.get("runtimeError") or {}).get("code"),  # then no score
    }


def score(value: float | None) -> int | None:
    return None if value is None else round(value * 100)


def rounded(value: float | None, metric: str) -> float | None:
    return None if value is None else round(value, 3 if metric == "cls" else 0)


def median(values: list) -> float | None:
    """The median of the values a run could measure (a failed run has none)."""
    measured = [value for value in values if value is not None]
    return statistics.median(measured) if measured else None


def read(work: Path, out: Path | None = None) -> dict[str, dict]:
    """Per page: the representative run's figures, and every run's performance and TBT; the
    reports (HTML and JSON) are kept in ``out`` if given."""
    pages: dict[str, dict] = {}
    for entry in reports(work, out or work / "reports"):
        run = figures(json.loads(Path(entry["jsonPath"]).read_text()))
        page = pages.setdefault(path_of(entry["url"]), {"performance_runs": [], "tbt_ms_runs": []})
        page["performance_runs"].append(run["performance"])
        page["tbt_ms_runs"].append(run["tbt_ms"])
        if entry["isRepresentativeRun"]:
            page.update(run)
    return pages


def medians(pages: dict[str, dict]) -> dict[str, dict]:
    """Per page, the median performance score and TBT over all its runs, and the runs."""
    return {
        page: {
            "performance": median(p["performance_runs"]),
            "tbt_ms": median(p["tbt_ms_runs"]),
            "performance_runs": p["performance_runs"],
            "tbt_ms_runs": p["tbt_ms_runs"],
        }
        for page, p in pages.items()
    }


def version() -> str:
    package = LIGHTHOUSE / "node_modules" / "lighthouse" / "package.json"
    lhci_package = LIGHTHOUSE / "node_modules" / "@lhci" / "cli" / "package.json"
    return (
        f"lighthouse {json.loads(package.read_text())['version']}, "
        f"@lhci/cli {json.loads(lhci_package.read_text())['version']}"
    )
