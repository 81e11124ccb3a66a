"""Measure how fast the site builds and serves and how its pages load: ``make bench``.

    .venv/bin/python tools/bench.py [--runs N] [--edits N] [--lighthouse-runs N]
                                    [--skip serve,lighthouse] [--compare-plugins [NAME ...]]

* builds, timed by hyperfine: strict, with an empty build cache (cold) and with it kept (warm),
  and the floor: the same Markdown built by bare Material (no sitekit plugin but the glossary's,
  no mkdocstrings, no template overrides);
* the rebuild after editing a page under ``mkdocs serve --dirty``: the page's modification time
  is set, and the time runs until the server says it reloads the browsers;
* Lighthouse CI on every page of both languages (``tools/bench_lighthouse.py``): scores,
  metrics, missed budgets, each page's weight and requests (its reports are kept in
  ``tools/lighthouse/reports/``); and the search index's size;
* ``--compare-plugins``: each speed-only plugin (``PLUGINS``) on and off.

A plugin is switched off by a configuration derived in a temporary directory (``INHERIT:
mkdocs.yml`` and ``enabled: false``), never by editing a file; each build variant has its own
build cache there. The variants take turns, one run each per round, so that a change in the
shared machine's load falls on all of them; CPU time (user + system, the build's child
processes included) is much less disturbed by that load than wall time. The figures go to
``bench-results.json`` with the date, commit and load average; a section this run skipped is
kept from the file, with the stamp of the run that measured it. A table shows the previous
file's figures beside the new ones. It is a measurement, not a test: nothing fails on a budget.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import queue
import re
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import bench_lighthouse as lighthouse
import yaml
from mkdocs.utils.yaml import yaml_load

from sitekit import ROOT
from sitekit.testing.build import page_urls
from sitekit.testing.serving import free_port, gzipped

RESULTS = ROOT / "bench-results.json"
EDITED_PAGE = ROOT / "docs" / "zh" / "dilated-convolution.md"  # the longest chapter
SEARCH_INDEXES = {"zh": "search/search_index.json", "en": "en/search/search_index.json"}
PAGES = ["/" + url for url in page_urls("zh") + page_urls("en")]
# The machinery that only makes something faster (moved-anchors keeps old URLs working).
PLUGINS = {
    "sitekit-build-cache": "off: every build starts with an empty cache (it is not a plugin)",
    "sitekit-jinja-cache": "cold and warm build",
    "sitekit-lean-code": "warm build, elements per page, Lighthouse on the heaviest pages",
    "sitekit-moved-anchors": "warm build: its cost only",
    "sitekit-quick-serve": "rebuild after an edit (off: mkdocs serve without --dirty)",
}
VARIANTS = {"cold": ((), "cold"), "warm": ((), "warm"), "floor": (("floor",), "warm")}
PLUGIN_VARIANTS = {  # plugin -> the builds (cold, warm) timed without it
    "sitekit-jinja-cache": ("cold", "warm"),
    "sitekit-lean-code": ("warm",),
    "sitekit-moved-anchors": ("warm",),
}


def derived_config(directory: Path, off: tuple[str, ...] = ()) -> Path:
    """``mkdocs.yml`` with the plugins ``off`` switched off (``"floor"``: bare Material), in
    ``directory``, which mirrors the checkout so that the inherited relative paths resolve."""
    for entry in ROOT.iterdir():
        if entry.name not in {"mkdocs.yml", "site"} and not (directory / entry.name).exists():
            (directory / entry.name).symlink_to(entry)
    path = directory / f"mkdocs-{'-'.join(p.removeprefix('sitekit-') for p in off) or 'on'}.yml"
    config: dict = {"INHERIT": str(ROOT / "mkdocs.yml")}
    if off == ("floor",):  # every sitekit plugin but the glossary's, and mkdocstrings
        with open(ROOT / "mkdocs.yml", "rb") as file:
            plugins = yaml_load(file)["plugins"]
        off = (*(p for p in plugins if p.startswith("sitekit-") and p != "sitekit-terms"),)
        off += ("mkdocstrings",)
        (directory / "no-overrides").mkdir(exist_ok=True)
        config["theme"] = {"custom_dir": "no-overrides"}
    config["plugins"] = {plugin: {"enabled": False} for plugin in off}
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def timings(wall: list[float], cpu: list[float]) -> dict:
    """Median wall and CPU seconds, the spread of wall time, and every run."""
    return {
        "wall_s": round(statistics.median(wall), 3),
        "cpu_s": round(statistics.median(cpu), 3),
        "wall_sd": round(statistics.stdev(wall), 3) if len(wall) > 1 else 0.0,
        "wall_runs": [round(t, 3) for t in wall],
        "cpu_runs": [round(t, 3) for t in cpu],
    }


def build_times(variants: dict[str, tuple[Path, str]], runs: int, work: Path) -> dict:
    """``mkdocs build --strict`` of each named (config, cache: cold or warm), timed by hyperfine,
    ``runs`` rounds of one run each; a cold build's cache is emptied before each run."""
    wall: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for number in range(runs):
        command = ["hyperfine", "--style=basic", "--runs=1", f"--warmup={int(number == 0)}"]
        for name, (config, cache) in variants.items():
            env = f"CNN_STUDY_QUESTIONS_CACHE={work / f'cache-{name}'}"
            build = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config)]
            build += ["-d", str(work / f"site-{name}")]
            prepare = f"rm -rf {work / f'cache-{name}'}" if cache == "cold" else "true"
            command += ["-n", name, "-p", prepare, f"env {env} {shlex.join(build)}"]
        print(f"\nbuilds, round {number + 1} of {runs}", flush=True)
        subprocess.run([*command, "--export-json", str(work / "times.json")], cwd=work, check=True)
        for result in json.loads((work / "times.json").read_text())["results"]:
            wall[result["command"]] += result["times"]
            cpu[result["command"]].append(result["user"] + result["system"])
    return {name: timings(wall[name], cpu[name]) for name in variants}


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and of the children it has waited for (user + system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(tick) for tick in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def rebuild_times(config: Path, dirty: bool, edits: int, cache: Path) -> tuple[list, list]:
    """Wall and CPU seconds from an edit of ``EDITED_PAGE`` (its modification time is set) to
    ``mkdocs serve`` reloading the browsers, ``edits`` times with one server."""
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", config, "--livereload"]
    command += ["--dev-addr", f"127.0.0.1:{free_port()}", *(["--dirty"] if dirty else [])]
    env = {**os.environ, "CNN_STUDY_QUESTIONS_CACHE": str(cache)}
    server = subprocess.Popen(
        command, cwd=config.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )  # fmt: skip
    events: queue.Queue[tuple[float, float, str]] = queue.Queue()

    def read() -> None:
        for line in server.stderr:
            for event in ("Serving on", "Reloading browsers", "An error happened"):
                if event in line:
                    events.put((time.perf_counter(), cpu_seconds(server.pid), event))

    def wait(expected: str) -> tuple[float, float]:
        *stamps, event = events.get(timeout=600)
        if event != expected:
            raise SystemExit(f"mkdocs serve: {event!r} while waiting for {expected!r}")
        return stamps

    threading.Thread(target=read, daemon=True).start()
    try:
        wait("Serving on")
        wall, cpu = [], []
        for _ in range(edits):
            time.sleep(1.0)  # let the watcher settle
            started, cpu_started = time.perf_counter(), cpu_seconds(server.pid)
            os.utime(EDITED_PAGE)  # the text stays as it is
            done, cpu_done = wait("Reloading browsers")
            wall.append(done - started)
            cpu.append(cpu_done - cpu_started)
        return wall, cpu
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def search_index(site: Path) -> dict[str, dict]:
    sizes = {}
    for language, path in SEARCH_INDEXES.items():
        raw, packed = (site / path).stat().st_size, len(gzipped(site / path))
        sizes[language] = {"kb": round(raw / 1024, 1), "gzip_kb": round(packed / 1024, 1)}
    return sizes


class Elements(HTMLParser):
    """Counts the elements of an HTML page, and its ``<span>`` elements."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.counts = {"elements": 0, "spans": 0}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.counts["elements"] += 1
        self.counts["spans"] += tag == "span"


def elements(site: Path) -> dict[str, dict]:
    """Per page: its elements and ``<span>`` elements as built."""
    return {
        page: Elements((site / page.lstrip("/") / "index.html").read_text(encoding="utf-8")).counts
        for page in PAGES
    }


def on_off(on: dict, off: dict) -> dict:
    ratios = {f"off/on {k}": round(off[k] / on[k], 3) for k in ("cpu_s", "wall_s") if k in on}
    return {"on": on, "off": off, **ratios}


def measure_builds(args: argparse.Namespace, work: Path, plugins: dict) -> dict:
    """The build section (cold, warm, floor); each compared plugin's builds without it."""
    variants = dict(VARIANTS)
    for plugin in plugins.keys() & PLUGIN_VARIANTS.keys():
        for cache in PLUGIN_VARIANTS[plugin]:
            variants[f"{cache}-no-{plugin.removeprefix('sitekit-')}"] = ((plugin,), cache)
    configs = {off: derived_config(work, off) for off, _ in variants.values()}
    times = build_times({n: (configs[o], c) for n, (o, c) in variants.items()}, args.runs, work)
    if "sitekit-build-cache" in plugins:
        plugins["sitekit-build-cache"]["build"] = on_off(times["warm"], times["cold"])
    for name, (off, cache) in variants.items():
        if off and off[0] in plugins:
            plugins[off[0]][f"{cache} build"] = on_off(times[cache], times[name])
    build = {name: times[name] for name in VARIANTS}
    for name in ("cold", "warm"):
        build[f"{name}/floor"] = round(times[name]["cpu_s"] / times["floor"]["cpu_s"], 2)
    return build


def measure_rebuilds(args: argparse.Namespace, work: Path, plugins: dict) -> dict:
    """The rebuild under ``mkdocs serve --dirty``; without quick-serve, under plain serve."""
    serves = {"on": (derived_config(work), True)}
    if "sitekit-quick-serve" in plugins:  # without it, --dirty fails the strict build
        serves["off"] = (derived_config(work, ("sitekit-quick-serve",)), False)
    wall, cpu = {name: [] for name in serves}, {name: [] for name in serves}
    for number in range(args.rounds):
        for name, (config, dirty) in serves.items():
            print(f"rebuilds, round {number + 1} of {args.rounds}, quick-serve {name}", flush=True)
            edits = max(1, args.edits // args.rounds)
            more = rebuild_times(config, dirty, edits, work / "cache-warm")
            wall[name] += more[0]
            cpu[name] += more[1]
    times = {name: timings(wall[name], cpu[name]) for name in serves}
    if "off" in times:
        plugins["sitekit-quick-serve"]["rebuild"] = on_off(times["on"], times["off"])
    return times["on"]


def measure_lean_code(args: argparse.Namespace, work: Path) -> dict:
    """Elements per page with lean-code on and off; Lighthouse on the heaviest, in turns."""
    sites = {"on": work / "site-cold", "off": work / "site-warm-no-lean-code"}
    counts = {state: elements(site) for state, site in sites.items()}
    heaviest = sorted(PAGES, key=lambda page: -counts["off"][page]["elements"])[: args.heaviest]
    for number in range(args.lean_runs):
        print(
            f"lighthouse, lean-code on and off, round {number + 1} of {args.lean_runs}", flush=True
        )
        for state, site in sites.items():
            lighthouse.collect(site, heaviest, 1, work / f"lean-{state}")
    scores = {s: lighthouse.medians(lighthouse.read(work / f"lean-{s}")) for s in sites}
    return {
        "elements": {page: {s: counts[s][page] for s in sites} for page in PAGES},
        "lighthouse": {page: {s: scores[s][page] for s in sites} for page in heaviest},
    }


def measure(args: argparse.Namespace, work: Path) -> dict:
    """Every figure of this run (see the module's docstring), by section."""
    plugins: dict[str, dict] = {plugin: {} for plugin in args.compare_plugins}
    results = {"build": measure_builds(args, work, plugins)}
    results["search_index"] = search_index(work / "site-cold")
    if "serve" not in args.skip or "sitekit-quick-serve" in plugins:
        results["rebuild"] = measure_rebuilds(args, work, plugins)
    if "lighthouse" not in args.skip:
        print(f"\nlighthouse: every page, {args.lighthouse_runs} runs each", flush=True)
        lighthouse.collect(work / "site-cold", PAGES, args.lighthouse_runs, work / "lighthouse")
        results["lighthouse"] = {
            "runs": args.lighthouse_runs,
            "budgets_missed": lighthouse.budgets(work / "lighthouse"),
            "pages": lighthouse.read(work / "lighthouse", lighthouse.LIGHTHOUSE / "reports"),
        }
    if "sitekit-lean-code" in plugins:
        plugins["sitekit-lean-code"] |= measure_lean_code(args, work)
    return results | {"plugins": plugins}


def stamp() -> dict:
    """When, on which commit, and how loaded the machine was (1, 5 and 15 minutes)."""

    def git(*command: str) -> str:
        return subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True).stdout

    changed = "+changes" if git("status", "--porcelain").strip() else ""
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": git("rev-parse", "--short=12", "HEAD").strip() + changed,
        "cores": os.cpu_count(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }


def versions() -> dict:
    def first_line(*command: str) -> str:
        return subprocess.run(command, capture_output=True, text=True).stdout.split("\n")[0]

    return {
        "hyperfine": first_line("hyperfine", "--version"),
        "lighthouse": lighthouse.version(),
        "chromium": first_line("/usr/bin/chromium", "--version"),
    }


def seconds(t: dict) -> str:
    return f"CPU {t['cpu_s']:.2f} s, wall {t['wall_s']:.2f} s (sd {t['wall_sd']:.2f})"


def compared(m: dict) -> str:
    """A plugin's figures on and off, CPU then wall time."""
    on, off = m["on"], m["off"]
    cpu = f"CPU {on['cpu_s']:.2f} -> {off['cpu_s']:.2f} s (x{m['off/on cpu_s']:.2f})"
    return cpu + f", wall {on['wall_s']:.2f} -> {off['wall_s']:.2f} s (x{m['off/on wall_s']:.2f})"


def rows(results: dict) -> list[tuple[str, str]]:
    """(measure, figure) for the printed summary of one results file."""
    out = []
    for name, t in results.get("build", {}).items():
        out.append((f"build {name}", seconds(t) if isinstance(t, dict) else f"{t}x CPU time"))
    if "rebuild" in results:
        out.append(("rebuild after an edit (serve --dirty)", seconds(results["rebuild"])))
    for language, size in results.get("search_index", {}).items():
        out.append((f"search index {language}", f"{size['kb']} KB, {size['gzip_kb']} KB gzip"))
    pages = results.get("lighthouse", {}).get("pages", {})
    for key, worst in (("performance", min), ("accessibility", min), ("tbt_ms", max), ("kb", max)):
        scored = [page for page in pages if pages[page].get(key) is not None]  # a failed run: None
        page = worst(scored, key=lambda p: pages[p][key], default=None)
        if page:
            out.append((f"lighthouse worst {key}", f"{pages[page][key]:g} ({page})"))
    if pages:
        outside = sum(p.get("outside_requests") or 0 for p in pages.values())
        missed = len(results["lighthouse"]["budgets_missed"])
        out += [("requests outside the site", str(outside)), ("budgets missed", str(missed))]
    for plugin, measures in results.get("plugins", {}).items():
        for name, m in measures.items():
            if "on" in m:
                out.append((f"{plugin}: {name}, on -> off", compared(m)))
        if elements := measures.get("elements"):
            total = [sum(p[s]["elements"] for p in elements.values()) for s in ("on", "off")]
            out.append((f"{plugin}: elements, all pages", "on {}, off {}".format(*total)))
        for page, m in measures.get("lighthouse", {}).items():
            on, off = (f"{m[s]['performance']}, TBT {m[s]['tbt_ms']} ms" for s in m)
            out.append((f"{plugin}: {page} median perf", f"on {on}; off {off}"))
    if "stamp" in results:
        load = results["stamp"]["load_average"], results["stamp"].get("load_average_end")
        out.append(("load average (1, 5, 15 min), start and end", f"{load[0]}, {load[1]}"))
    return out


def table(lines: list[tuple[str, ...]]) -> str:
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(ln, widths, strict=True)) for ln in lines)


def report(results: dict, previous: dict) -> str:
    """The summary, then each page's Lighthouse figures: the previous file's beside this run's."""
    before = dict(rows(previous))
    text = table([("", "previous", "now")] + [(m, before.get(m, ""), f) for m, f in rows(results)])
    pages, old = (r.get("lighthouse", {}).get("pages", {}) for r in (results, previous))
    columns = ("performance", "accessibility", "tbt_ms", "lcp_ms", "kb", "requests")
    lines = [("page", *columns)]
    for page, now in pages.items():
        then = old.get(page, now)
        cells = (f"{then.get(c)} -> {now.get(c)}" if then.get(c) != now.get(c) else f"{now.get(c)}"
                 for c in columns)  # fmt: skip
        lines.append((page, *cells))
    return text + ("\n\n" + table(lines) if pages else "")


def keep_unmeasured(results: dict, previous: dict) -> None:
    """Copy into ``results`` the sections and plugins this run did not measure, each with the
    stamp of the run that did."""
    stamps = previous.get("measured_by", {})
    kept = {s: previous[s] for s in ("rebuild", "lighthouse") if s in previous and s not in results}
    kept |= {p: f for p, f in previous.get("plugins", {}).items() if p not in results["plugins"]}
    for name, figures in kept.items():
        (results["plugins"] if name in PLUGINS else results)[name] = figures
    results["measured_by"] = {name: stamps.get(name, previous.get("stamp")) for name in kept}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=6, help="builds of each variant (6)")
    parser.add_argument("--edits", type=int, default=6, help="page edits under serve (6)")
    parser.add_argument("--rounds", type=int, default=2, help="serve sessions per variant (2)")
    parser.add_argument("--lighthouse-runs", type=int, default=3, help="runs per page (3)")
    parser.add_argument("--heaviest", type=int, default=4, help="pages for lean-code's Lighthouse")
    parser.add_argument("--lean-runs", type=int, default=5, help="its runs per page, on and off")
    parser.add_argument("--skip", default="", help="serve,lighthouse: keep those from the file")
    parser.add_argument("--compare-plugins", nargs="*", choices=PLUGINS, metavar="NAME")
    args = parser.parse_args()
    chosen = args.compare_plugins  # None: not asked for; []: the option alone, all of them
    args.compare_plugins = list(PLUGINS) if chosen == [] else chosen or []
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results = {"stamp": stamp(), "versions": versions()}
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        results |= measure(args, Path(directory))
    results["stamp"]["load_average_end"] = [round(load, 2) for load in os.getloadavg()]
    keep_unmeasured(results, previous)
    text = json.dumps(results, indent=2, ensure_ascii=False)
    text = re.sub(r"\[[-\d.,\s]*\]", lambda m: json.dumps(json.loads(m[0])), text)  # one line
    RESULTS.write_text(text + "\n", encoding="utf-8")
    print("\n" + report(results, previous))
    print(f"\nwrote {RESULTS.name}; previous: {previous.get('stamp', {}).get('commit', 'none')}")


if __name__ == "__main__":
    main()
