"""The dilation explorer on the dilated-convolution page agrees with the ``snippets`` functions.

Golden cases are computed at test time by ``snippets.dilation`` and ``snippets.hdc``; a browser
test fills the explorer's inputs with each case (both languages, one page load per language)
and compares every number it shows. Bad input must leave the last good picture in place.
"""

from __future__ import annotations

import random
import re

import pytest
import torch

from sitekit.testing.visits import after_two_frames
from snippets.dilation import (
    coverage,
    coverage_1d,
    effective_kernel_size,
    measure_coverage,
    ones_stack,
    receptive_field,
)
from snippets.hdc import hdc_check, hdc_m_values, rising_groups

PAGES = {"zh": "dilated-convolution/", "en": "en/dilated-convolution/"}
MAX_LAYERS = 12
MAX_SIDE = 201  # widest receptive field the explorer draws
CJK = re.compile(r"[\u4e00-\u9fff]")

# (kernel size, rates, strides or None for all 1)
_FIXED: list[tuple[int, list[int], list[int] | None]] = [
    # the chapter's presets and the table on the page
    (3, [2, 2, 2], None),
    (3, [1, 2, 5], None),
    (3, [1, 2, 9], None),
    (3, [2, 4, 6], None),
    (3, [1, 2, 5, 1, 2, 5], None),
    (3, [1, 2, 3], None),
    (3, [1, 2, 4], None),
    (3, [1, 2, 5, 9], None),
    (3, [5, 9, 17], None),
    # single layer
    (3, [1], None),
    (3, [2], None),
    (3, [37], None),
    (1, [5], None),
    (7, [3], None),
    # rate 1 only
    (3, [1, 1], None),
    (3, [1, 1, 1, 1], None),
    (5, [1, 1, 1], None),
    (2, [1, 1, 1], None),
    (3, [1] * 12, None),
    # large rates
    (3, [1, 24], None),
    (3, [6, 12, 18], None),
    (3, [1, 2, 4, 8, 16, 32], None),
    (3, [50, 50], None),  # receptive field exactly MAX_SIDE
    (3, [1, 99], None),
    (3, [64, 1], None),
    # long lists
    (3, [1, 2, 5] * 4, None),
    (3, [2] * 12, None),
    (3, [1, 2, 3] * 4, None),
    (3, [1, 2, 5, 9, 1, 2, 5, 9], None),
    (3, [4, 2, 1, 4, 2, 1, 4, 2, 1], None),
    # other kernel sizes, including the ones where the M rule is too strict
    (1, [1, 2, 3], None),
    (2, [1, 2], None),
    (2, [1, 2, 4], None),
    (4, [1, 3, 9], None),
    (5, [1, 2, 5], None),
    (5, [1, 3, 7], None),
    (5, [1, 4, 9], None),
    (7, [1, 4], None),
    (7, [1, 5, 11], None),
    (15, [1, 2], None),
    # falling or unordered rates
    (3, [5, 2, 1], None),
    (3, [3, 2, 1], None),
    (3, [2, 1], None),
    (3, [1, 3, 2], None),
    (3, [3, 6], None),
    # strides (HDC verdict not applicable; receptive field and coverage still checked)
    (3, [1, 1, 1], [2, 1, 1]),
    (3, [1, 2], [2, 1]),
    (3, [1, 1], [1, 2]),
    (3, [2, 2], [2, 2]),
    (5, [1, 2, 5], [2, 2, 1]),
    (3, [1, 1, 1, 1], [2, 2, 2, 2]),
    (2, [1, 1, 1], [2, 2, 1]),
    (3, [1], [3]),
]


def _random_cases(count: int, seed: int = 7) -> list[tuple[int, list[int], list[int] | None]]:
    rng = random.Random(seed)
    cases: list[tuple[int, list[int], list[int] | None]] = []
    while len(cases) < count:
        k = rng.choice([1, 2, 3, 3, 3, 5, 7])
        rates = [rng.randint(1, 12) for _ in range(rng.randint(1, 6))]
        case = (k, rates, None)
        if receptive_field(rates, k) <= MAX_SIDE and case not in _FIXED and case not in cases:
            cases.append(case)
    return cases


CASES = _FIXED + _random_cases(12)


def coverage_1d_strided(dilations: list[int], kernel_size: int, strides: list[int]) -> list[int]:
    """``coverage_1d`` with strides: layer l's taps are ``d_l * s_1 ... s_(l-1)`` pixels apart."""
    counts, jump = [1], 1
    for rate, step in zip(dilations, strides, strict=True):
        gap = rate * jump
        grown = [0] * (len(counts) + (kernel_size - 1) * gap)
        for offset, paths in enumerate(counts):
            for tap in range(kernel_size):
                grown[offset + tap * gap] += paths
        counts = grown
        jump *= step
    return counts


def group_ok(group: list[int], k: int) -> bool:
    """A rising group passes when it starts at 1 and meets M_2 <= K (as ``HDCReport.groups_ok``)."""
    return group[0] == 1 and (len(group) == 1 or hdc_check(group, k).rule_ok)


def expected(k: int, rates: list[int], strides: list[int] | None, lang: str) -> dict:
    """Everything the explorer shows for one case, computed by the snippets functions."""
    steps = strides or [1] * len(rates)
    line = coverage_1d_strided(rates, k, steps)
    used = sum(1 for v in line if v > 0) ** 2
    span = len(line) ** 2
    rf = receptive_field(rates, k, steps)
    assert len(line) == rf
    if strides is None:
        cov = coverage(rates, k)
        assert line == coverage_1d(rates, k) and (cov.used, cov.span) == (used, span)
    full = used == span
    groups = [[g, group_ok(g, k)] for g in rising_groups(rates)]
    groups_ok = all(ok for _, ok in groups)
    if len(rates) >= 2:
        report = hdc_check(rates, k)
        m = list(report.m_values)
        assert m == hdc_m_values(rates) and report.groups_ok == groups_ok
        rule, gcd = str(report.rule_ok).lower(), report.gcd
    else:
        m, rule, gcd = [], "none", rates[0]
    if len(rates) < 2:
        verdict, kind, numbers = "na", "single", []
    elif any(s != 1 for s in steps):
        verdict, kind, numbers = "na", "stride", [1]
    elif groups_ok:
        verdict = "pass"
        if len(groups) == 1:
            kind, numbers = "ok1", [1, m[0], k]
        else:
            kind, numbers = "okN", [len(groups), 1, k]
    else:
        verdict = "fail"
        if gcd > 1:
            kind, numbers = "gcd", [gcd, gcd]
        else:
            index, group = next((i, g) for i, (g, ok) in enumerate(groups, 1) if not ok)
            if group[0] != 1:
                kind, numbers = "start", [index, *group, group[0], 1]
            else:
                kind, numbers = "m2", [index, *group, hdc_m_values(group)[0], k]
    mismatch = ""
    if verdict == "pass" and not full:
        mismatch = "holesAnyway"
    if verdict == "fail" and full:
        mismatch = "noHolesAnyway"
    return {
        "state": "ok",
        "message": None,
        "config": [k, *rates, *steps],
        "layers": [
            [
                i + 1,
                d,
                s,
                effective_kernel_size(k, d),
                receptive_field(rates[: i + 1], k, steps[: i + 1]),
            ]
            for i, (d, s) in enumerate(zip(rates, steps, strict=True))
        ],
        "rf": rf,
        "side": [rf, rf],
        "used": used,
        "span": span,
        "percent": f"{used / span:.0%}",
        "holes": "false" if full else "true",
        "gcd": gcd,
        "m": [[i + 2, value] for i, value in enumerate(m)],
        "rule": rule,
        "groups": [[g, str(ok).lower()] for g, ok in groups],
        "groupsOk": str(groups_ok).lower(),
        "verdict": verdict,
        "reasonKind": kind,
        "reasonNumbers": numbers,
        "mismatch": mismatch,
        "line": line,
        "mapLabel": [rf, rf, used, span] if lang == "zh" else [used, span, rf, rf],
    }


# Reads every number the explorer shows, from the text a reader sees.
COLLECT = """() => {
  const root = document.getElementById("dilation-explorer");
  const q = (key) => root.querySelector(`[data-dx="${key}"]`);
  const ints = (text) => (text.match(/[0-9]+/g) || []).map(Number);
  const message = q("message");
  return {
    state: root.dataset.state,
    message: message.hidden ? null : message.textContent,
    config: ints(root.querySelector(".dx-config").textContent),
    layers: [...root.querySelectorAll("tr[data-layer]")].map(
      (tr) => [...tr.cells].map((td) => Number(td.textContent))),
    rf: Number(q("rf").textContent),
    side: ints(q("side").textContent),
    used: Number(q("used").textContent),
    span: Number(q("span").textContent),
    percent: q("percent").textContent,
    holes: q("holes").dataset.value,
    gcd: Number(q("gcd").textContent),
    m: [...root.querySelectorAll(".dx-m")].map((e) => ints(e.textContent)),
    rule: q("rule").dataset.value,
    groups: [...root.querySelectorAll(".dx-group")].map((e) => [ints(e.textContent), e.dataset.ok]),
    groupsOk: q("groups").dataset.value,
    verdict: q("verdict").dataset.value,
    reasonKind: q("reason").dataset.kind,
    reasonNumbers: ints(q("reason").textContent),
    mismatch: q("reason").dataset.mismatch,
    line: q("map").dataset.line.split(",").map(Number),
    mapLabel: ints(q("map").getAttribute("aria-label")),
  };
}"""


def fill(page, kernel: int | str, rates: str, strides: str = "") -> None:
    page.fill("#dx-kernel", str(kernel))
    page.fill("#dx-rates", rates)
    page.fill("#dx-strides", strides)


def close(rgb: list[int], want: list[int]) -> bool:
    return all(abs(a - b) <= 2 for a, b in zip(rgb, want, strict=True))


# Sets the three inputs and fires the `input` events typing would fire, then reads the result.
ENTER_AND_COLLECT = (
    """([kernel, rates, strides]) => {
  for (const [id, value] of [["dx-kernel", kernel], ["dx-rates", rates], ["dx-strides", strides]]) {
    const input = document.getElementById(id);
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }
  return ("""
    + COLLECT
    + """)();
}"""
)


def for_each(script: str) -> str:
    """``script`` (a function of one argument) applied to every item of a list, in one call.

    The explorer redraws synchronously on ``input``, so entering many cases in one round trip
    reads the same numbers as one case per round trip, much faster.
    """
    return f"(items) => items.map({script})"


def show(values: list[int] | None) -> str:
    return ", ".join(map(str, values or []))


# ---------------------------------------------------------------- the golden cases themselves


def test_golden_cases_cover_the_edge_cases():
    assert len(CASES) >= 40
    assert len({(k, tuple(r), tuple(s or ())) for k, r, s in CASES}) == len(CASES)
    assert any(len(r) == 1 for _, r, _ in CASES), "single layer"
    assert any(set(r) == {1} and len(r) > 1 for _, r, _ in CASES), "rate 1 only"
    assert any(max(r) >= 50 for _, r, _ in CASES), "large rates"
    assert any(len(r) >= 10 for _, r, _ in CASES), "long lists"
    assert any(len(r) == MAX_LAYERS for _, r, _ in CASES)
    assert any(s for _, _, s in CASES), "strides"
    assert {k for k, _, _ in CASES} >= {1, 2, 3, 5, 7}
    for k, rates, strides in CASES:
        assert receptive_field(rates, k, strides) <= MAX_SIDE
    verdicts = {expected(k, r, s, "en")["reasonKind"] for k, r, s in CASES}
    assert verdicts == {"single", "stride", "ok1", "okN", "gcd", "start", "m2"}
    mismatches = {expected(k, r, s, "en")["mismatch"] for k, r, s in CASES}
    assert "noHolesAnyway" in mismatches


@pytest.mark.parametrize(("k", "rates", "strides"), [c for c in CASES if c[2]][:6])
def test_strided_coverage_matches_real_conv_layers(k, rates, strides):
    rf = receptive_field(rates, k, strides)
    grad = measure_coverage(ones_stack(rates, k, strides), rf)
    line = coverage_1d_strided(rates, k, strides)
    want = torch.tensor([[a * b for b in line] for a in line], dtype=grad.dtype)
    assert torch.equal(grad, want)


def test_strided_coverage_without_strides_is_coverage_1d():
    for k, rates, _ in CASES:
        assert coverage_1d_strided(rates, k, [1] * len(rates)) == coverage_1d(rates, k)


# ---------------------------------------------------------------- in the browser


# The tests that share ``pages`` run on one pytest-xdist worker (under --dist loadgroup), which
# loads the two pages once.
EXPLORER_PAGES_TOGETHER = pytest.mark.xdist_group("explorer")


SCROLL_TO_EXPLORER = "document.querySelector('.dx-wrap').scrollIntoView()"


# What the explorer is before it comes into view: not built, hidden, empty.
BEFORE_VIEW = """() => {
  const root = document.getElementById("dilation-explorer");
  return {ready: root.dataset.ready ?? null, hidden: root.hidden, children: root.childElementCount};
}"""


class Opened(dict):
    """``{lang: (page, its console errors)}``, and ``before_view[lang]``: ``BEFORE_VIEW``."""

    def __init__(self) -> None:
        super().__init__()
        self.before_view: dict[str, dict] = {}


@pytest.fixture(scope="module")
def pages(browser, site_url):
    """One loaded page per language (reused by the tests below), with its console errors.

    Each is loaded on a phone's screen, the reader for whom the explorer's work at load would
    cost most; the explorer is seen before it comes into view (``BEFORE_VIEW``), then scrolled
    to, which builds it.
    """
    opened = Opened()
    contexts = []
    for lang, path in PAGES.items():
        context = browser.new_context(viewport={"width": 412, "height": 823})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        errors: list[str] = []
        page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
        page.goto(site_url + path, wait_until="load")
        after_two_frames(page)  # an explorer in view at load would have been built by now
        opened.before_view[lang] = page.evaluate(BEFORE_VIEW)
        page.evaluate(SCROLL_TO_EXPLORER)  # it is built on demand, when it comes near the view
        page.locator("#dilation-explorer[data-ready=true]").wait_for()  # its script has run
        opened[lang] = (page, errors)
    yield opened
    for context in contexts:
        context.close()


@EXPLORER_PAGES_TOGETHER
@pytest.mark.browser
@pytest.mark.parametrize("lang", list(PAGES))
def test_the_explorer_is_built_on_demand_not_at_load(pages, lang):
    """Loading the page does not build the explorer; scrolling to it does."""
    page, errors = pages[lang]
    assert pages.before_view[lang] == {"ready": None, "hidden": True, "children": 0}
    root = page.locator("#dilation-explorer")
    assert root.get_attribute("data-ready") == "true" and root.is_visible()
    assert errors == []


@pytest.mark.browser
@EXPLORER_PAGES_TOGETHER
@pytest.mark.parametrize("lang", PAGES)
def test_explorer_agrees_with_python_on_every_golden_case(pages, lang):
    page, errors = pages[lang]
    assert page.evaluate("document.documentElement.lang") == lang
    failures = []
    inputs = [[str(k), show(rates), show(strides)] for k, rates, strides in CASES]
    everything_shown = page.evaluate(for_each(ENTER_AND_COLLECT), inputs)
    assert len(everything_shown) == len(CASES)
    for (k, rates, strides), shown in zip(CASES, everything_shown, strict=True):
        want = expected(k, rates, strides, lang)
        diff = {
            key: (shown.get(key), value) for key, value in want.items() if shown.get(key) != value
        }
        if diff:
            failures.append(f"K={k} d={rates} s={strides}: {diff}")
    assert failures == [], "\n".join(failures[:5])
    assert errors == []


@pytest.mark.browser
@EXPLORER_PAGES_TOGETHER
@pytest.mark.parametrize("lang", PAGES)
def test_presets_are_one_keypress_away(pages, lang):
    page, errors = pages[lang]
    fill(page, 5, "1, 1")
    presets = page.locator("button.dx-preset")
    assert presets.count() == 5
    for index, rates in enumerate([[2, 2, 2], [1, 2, 5], [1, 2, 9], [2, 4, 6], [1, 2, 5, 1, 2, 5]]):
        presets.nth(index).focus()
        page.keyboard.press("Enter" if index % 2 else "Space")
        shown = page.evaluate(COLLECT)
        assert shown == expected(3, rates, None, lang), rates
    assert errors == []


@pytest.mark.browser
@EXPLORER_PAGES_TOGETHER
@pytest.mark.parametrize("lang", PAGES)
def test_controls_are_labelled_in_the_page_language(pages, lang):
    page, _ = pages[lang]
    labels = {
        "zh": ["卷积核大小 K", "每层的空洞率", "每层的步长"],
        "en": ["Kernel size K", "Dilation rate d of each", "Stride s of each"],
    }
    for label, input_id in zip(labels[lang], ["dx-kernel", "dx-rates", "dx-strides"], strict=True):
        field = page.locator("#dilation-explorer").get_by_label(label, exact=False).first
        assert field.get_attribute("id") == input_id
    assert page.locator("#dilation-explorer [aria-live=polite]").count() == 1
    assert page.locator("#dilation-explorer canvas[role=img][aria-label]").count() == 1
    table_text = page.inner_text("#dilation-explorer table")
    assert bool(CJK.search(table_text)) == (lang == "zh")


# The map's picture: its size and a digest of its pixels (equal pictures, equal digests).
PICTURE = """async () => {
  const map = document.querySelector('[data-dx=map]');
  const pixels = map.getContext('2d').getImageData(0, 0, map.width, map.height).data;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', pixels));
  return [map.width, map.height, ...digest];
}"""


# (what is wrong, input, text, error kind, text the message must quote)
BAD_INPUTS = [
    ("empty rates", "#dx-rates", "", "empty", None),
    ("empty kernel", "#dx-kernel", "  ", "empty", None),
    ("zero rate", "#dx-rates", "1, 0, 2", "tooSmall", "0"),
    ("negative rate", "#dx-rates", "1, -2, 5", "tooSmall", "-2"),
    ("zero kernel", "#dx-kernel", "0", "tooSmall", "0"),
    ("negative stride", "#dx-strides", "1, -1, 1", "tooSmall", "-1"),
    ("word", "#dx-rates", "1, two, 5", "notInteger", "two"),
    ("decimal", "#dx-rates", "1, 2.5", "notInteger", "2.5"),
    ("kernel not a number", "#dx-kernel", "3x3", "notInteger", "3x3"),
    ("kernel too large", "#dx-kernel", "16", "kernelRange", "16"),
    ("too many layers", "#dx-rates", ", ".join(["1"] * (MAX_LAYERS + 1)), "tooManyLayers", "13"),
    ("span too large", "#dx-rates", "1, 2, 200", "tooWide", "407"),
    ("huge number", "#dx-rates", "1, 2, 1" + "0" * 30, "tooWide", None),
    ("strides per layer", "#dx-strides", "2, 1", "stridesLength", None),
]


@pytest.mark.browser
@EXPLORER_PAGES_TOGETHER
@pytest.mark.parametrize("lang", PAGES)
@pytest.mark.parametrize(
    ("what", "selector", "text", "kind", "quoted"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input_shows_a_message_and_keeps_the_last_picture(
    pages, lang, what, selector, text, kind, quoted
):
    page, errors = pages[lang]
    before = page.evaluate(ENTER_AND_COLLECT, ["3", "1, 2, 5", "1, 1, 1"])
    picture = page.evaluate(PICTURE)
    assert before["message"] is None
    page.fill(selector, text)
    after = page.evaluate(COLLECT)
    message = after.pop("message")
    assert page.get_attribute("[data-dx=message]", "data-error") == kind
    assert page.locator("[data-dx=message]").is_visible()
    assert message and bool(CJK.search(message)) == (lang == "zh"), message
    if quoted:
        assert quoted in message
    assert after.pop("state") == "error"
    before.pop("message"), before.pop("state")
    assert after == before, "the last good numbers must stay"
    assert page.evaluate(PICTURE) == picture
    assert page.get_attribute(selector, "aria-invalid") == "true"
    assert page.evaluate(ENTER_AND_COLLECT, ["3", "1, 2, 5", ""])["message"] is None  # recovers
    assert errors == []


@pytest.mark.browser
@EXPLORER_PAGES_TOGETHER
def test_the_map_draws_holes_blank_and_follows_dark_mode(pages):
    page, errors = pages["en"]
    fill(page, 3, "2, 2, 2")
    pixel = """([row, col]) => {
      const c = document.querySelector('[data-dx=map]');
      const cell = Number(c.dataset.cell), margin = Number(c.dataset.margin);
      const ratio = c.width / parseFloat(c.style.width);
      const x = Math.floor(((col + margin) * cell + cell / 2) * ratio);
      const y = Math.floor(((row + margin) * cell + cell / 2) * ratio);
      return [...c.getContext('2d').getImageData(x, y, 1, 1).data];
    }"""
    used, hole = page.evaluate(pixel, [0, 0]), page.evaluate(pixel, [0, 1])
    # LIGHT colours[0] of snippets.plotting (canvas pixels are stored premultiplied: allow 2)
    assert close(used[:3], [63, 81, 181]) and used[3] > 0
    assert hole[3] == 0
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    page.wait_for_function("document.querySelector('[data-dx=map]').dataset.scheme === 'dark'")
    assert close(page.evaluate(pixel, [0, 0])[:3], [140, 158, 255])  # DARK colours[0]
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'default')")
    assert errors == []


@pytest.mark.browser
@pytest.mark.parametrize("lang", PAGES)
def test_without_javascript_the_static_figures_remain(browser, site_url, lang):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + PAGES[lang])
        figures = page.locator("article img[src*='dilation-coverage-']")
        assert figures.count() == 8  # four rate lists, light and dark
        assert page.locator("#explorer").count() == 1
        assert not page.locator("#dilation-explorer").is_visible()
        note = page.locator(".dx-noscript")
        assert note.is_visible() and bool(CJK.search(note.inner_text())) == (lang == "zh")
    finally:
        context.close()


def test_percentages_never_tie():
    # used/span = (u/s)^2, which is never exactly half a percent, so JS Math.round and
    # Python's round-half-even always agree on the percentage shown.
    for s in range(1, MAX_SIDE + 1):
        for u in range(s + 1):
            assert (200 * u * u) % (s * s) != 0 or (200 * u * u // (s * s)) % 2 == 0


ODD_INPUTS = [
    "1,,2",
    "\uff0c1\uff0c2\uff0c5\uff0c",  # fullwidth commas
    "[1, 2, 5]",
    "1 2 5",
    "+1, +2",
    "1e3",
    "0x10",
    "NaN",
    "Infinity",
    "-0",
    "\uff11, \uff12",  # fullwidth digits
    "1; 2; 5",
    "<b>1</b>",
    "9" * 400,
    ", ".join(["1"] * 1000),
    "2 " * 12,
    "\t1\n2\n",
]


# ... and also returns the text of the numbers (not the message, which may quote the input).
ENTER_COLLECT_AND_READ = (
    """(values) => [("""
    + ENTER_AND_COLLECT
    + """)(values), ["dx-body", "dx-hdc"].map(
      (name) => document.querySelector(`#dilation-explorer .${name}`).innerText).join("\\n")]"""
)


@pytest.mark.browser
@EXPLORER_PAGES_TOGETHER
@pytest.mark.parametrize("lang", PAGES)
def test_odd_input_never_throws_or_shows_nan(pages, lang):
    page, errors = pages[lang]
    cases = [(field, text) for text in ODD_INPUTS for field in (0, 1, 2)]
    inputs = [["3", "1, 2, 5", ""] for _ in cases]
    for values, (field, text) in zip(inputs, cases, strict=True):
        values[field] = text
    results = page.evaluate(for_each(ENTER_COLLECT_AND_READ), inputs)
    assert len(results) == len(cases)
    for (field, text), (shown, region) in zip(cases, results, strict=True):
        assert shown["state"] in {"ok", "error"}, (field, text)
        assert (shown["state"] == "error") == (shown["message"] is not None)
        assert region.strip() and "NaN" not in region and "undefined" not in region, text
    assert errors == []
