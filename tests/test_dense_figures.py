"""`snippets.dense_figures`: the dense-prediction figures draw the committed results."""

import numpy as np
import pytest

from snippets.dense_experiment import load_results, per_seed, summary
from snippets.dense_figures import (
    COMPARED,
    FIGURES,
    METRICS,
    _prediction,
    _rgb,
    draw_coverage_layers,
    draw_losses,
    draw_metrics,
    draw_predictions,
    label_colors,
)
from snippets.dilation import coverage
from snippets.plotting import DARK, LIGHT
from snippets.segmentation import IGNORE


def test_figure_names_carry_the_chapter_prefix():
    assert set(FIGURES) == {
        "dense-predictions",
        "dense-coverage-layers",
        "dense-metrics",
        "dense-losses",
    }


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_prediction_panels_show_the_committed_label_maps(theme):
    results = load_results()
    figure = draw_predictions(theme, results)
    seed = results["config"]["seeds"][0]
    shown = results["shown_labels"]
    assert len(figure.axes) == 3 * len(shown)
    for row, truth in enumerate(shown):
        expected = [truth] + [_prediction(results, rates, seed, row) for rates in COMPARED]
        for column, rows in enumerate(expected):
            image = figure.axes[3 * row + column].get_images()[0].get_array()
            assert np.array_equal(np.asarray(image), _rgb(rows, theme))


def test_metric_dots_are_the_committed_values_and_bars_the_means():
    results = load_results()
    figure = draw_metrics(LIGHT, results)
    rows = summary(results)
    rate_lists = [tuple(r) for r in results["config"]["rate_lists"]]
    assert [axes.get_title() for axes in figure.axes] == [label for _, label in METRICS]
    for axes, (key, _) in zip(figure.axes, METRICS, strict=True):
        dots = [tuple(c.get_offsets()[:, 1]) for c in axes.collections]
        bars = [line for line in axes.get_lines() if len(line.get_xdata()) == 2]
        means = [line.get_ydata()[0] for line in bars if line.get_ydata()[0] == line.get_ydata()[1]]
        for position, rates in enumerate(rate_lists):
            assert dots[position] == pytest.approx(tuple(per_seed(results, rates, key)))
            assert rows[rates][key]["mean"] == pytest.approx(means[position])


def test_loss_panels_show_the_mean_curve_and_every_run():
    results = load_results()
    figure = draw_losses(LIGHT, results)
    curves, scatter = figure.axes
    rate_lists = [tuple(r) for r in results["config"]["rate_lists"]]
    for line, dots, rates in zip(curves.get_lines(), scatter.collections, rate_lists, strict=True):
        runs = [e["train_curve"] for e in results["runs"] if tuple(e["rates"]) == rates]
        assert tuple(line.get_ydata()) == pytest.approx(tuple(np.mean(runs, axis=0)))
        assert line.get_xdata()[-1] == results["config"]["steps"]
        points = dots.get_offsets()
        assert tuple(points[:, 0]) == pytest.approx(
            tuple(per_seed(results, rates, "loss", "train"))
        )
        assert tuple(points[:, 1]) == pytest.approx(tuple(per_seed(results, rates, "loss", "test")))


def test_coverage_panels_are_chapter_two_maps_after_each_layer():
    figure = draw_coverage_layers(LIGHT)
    titles = [axes.get_title() for axes in figure.axes]
    expected = []
    for rates in COMPARED:
        for layer in range(1, 4):
            cov = coverage(list(rates[:layer]))
            expected.append(f"{cov.used}/{cov.span}")
    assert [title.split()[-1] for title in titles] == expected


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_label_colors_are_distinct_for_every_label(theme):
    colors = label_colors(theme)
    assert set(colors) == {*range(11), IGNORE}
    assert len(set(colors.values())) == len(colors)


def test_label_colors_rejects_a_theme_name():
    with pytest.raises(TypeError, match="theme must be a Theme"):
        label_colors("dark")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_coverage_alt_text_gives_the_numbers_the_figure_shows(lang):
    from pathlib import Path

    page = Path(__file__).parent.parent / "docs" / lang / "dense-prediction.md"
    alt = next(
        line
        for line in page.read_text(encoding="utf-8").splitlines()
        if "dense-coverage-layers-light.svg" in line
    )
    for rates in COMPARED:
        shown = [coverage(list(rates[:layer])) for layer in range(1, 4)]
        assert (
            "、".join(f"{c.used}/{c.span}" for c in shown) in alt
            or ", ".join(f"{c.used}/{c.span}" for c in shown[:2])
            + f" and {shown[2].used}/{shown[2].span}"
            in alt
        )
