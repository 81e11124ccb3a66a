"""Figures of the dense-prediction page, drawn from the committed results of its experiment.

The results file is ``snippets/results/dense-prediction.json``, read with
``snippets.dense_experiment.load_results``. Regenerate the figures with
``python -m snippets.plotting`` after ``python -m snippets.dense_experiment``.
The coverage maps come from ``snippets.dilation.coverage``, as in the dilated-convolution chapter.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from snippets.checks import check_type
from snippets.dense_experiment import decode, load_results, per_seed, summary
from snippets.dilation import coverage
from snippets.plotting import Theme, new_figure
from snippets.segmentation import IGNORE

COMPARED = ((2, 2, 2), (1, 2, 3))  # the pair with the same receptive field
# Ten digit colours (colour-blind friendly order from matplotlib's tab10), background and rim.
DIGIT_COLORS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


def label_colors(theme: Theme) -> dict[int, str]:
    """Colour of every label in the scene figure: background, the ten digits, and ``IGNORE``.

    ```python
    from snippets.dense_figures import label_colors
    from snippets.plotting import LIGHT
    from snippets.segmentation import IGNORE

    colors = label_colors(LIGHT)
    print(len(colors), colors[0], colors[IGNORE])
    #> 12 #d0d7de #ffffff
    ```

    Args:
        theme: the colour scheme. Background takes its grid colour; the ignored rim is white in
            the light scheme and black in the dark one, so it reads as "no label".

    Raises:
        TypeError: if ``theme`` is not a [`Theme`][snippets.plotting.Theme].
    """
    check_type("theme", theme, Theme)
    rim = "#ffffff" if theme.name == "light" else "#000000"
    return {0: theme.grid, **{k + 1: c for k, c in enumerate(DIGIT_COLORS)}, IGNORE: rim}


def _rgb(rows: list[str], theme: Theme):
    import numpy as np
    from matplotlib.colors import to_rgb

    colors = label_colors(theme)
    labels = decode(rows).numpy()
    image = np.zeros((*labels.shape, 3))
    for value, color in colors.items():
        image[labels == value] = to_rgb(color)
    return image


def _prediction(results: dict, rates: tuple[int, ...], seed: int, index: int) -> list[str]:
    for entry in results["runs"]:
        if tuple(entry["rates"]) == rates and entry["seed"] == seed:
            return entry["predictions"][index]
    raise KeyError(f"no run for rates {rates} and seed {seed}")


def _rates_text(rates: tuple[int, ...]) -> str:
    return "$[" + ", ".join(map(str, rates)) + "]$"


def draw_predictions(theme: Theme, results: dict | None = None) -> Figure:
    """Test scenes: true labels, then the predictions of [2, 2, 2] and [1, 2, 3] (first seed)."""
    results = results or load_results()
    seed = results["config"]["seeds"][0]
    shown = results["shown_labels"]
    figure = new_figure(theme, 6.0, 2.0 * len(shown) + 0.4)
    columns = [None, *COMPARED]
    for row, truth in enumerate(shown):
        for column, rates in enumerate(columns):
            axes = figure.add_subplot(len(shown), 3, 3 * row + column + 1)
            rows = truth if rates is None else _prediction(results, rates, seed, row)
            axes.imshow(_rgb(rows, theme), interpolation="nearest")
            axes.set_xticks([])
            axes.set_yticks([])
            if row == 0:
                axes.set_title("$y$" if rates is None else _rates_text(rates))
    figure.subplots_adjust(wspace=0.06, hspace=0.06)
    return figure


def draw_coverage_layers(theme: Theme) -> Figure:
    """Coverage map after each layer of [2, 2, 2] and of [1, 2, 3] (chapter 2's maps)."""
    import numpy as np
    from matplotlib.colors import LinearSegmentedColormap

    size = 13  # the receptive field of both rate lists after three layers
    cmap = LinearSegmentedColormap.from_list("cov", [theme.colors[0] + "55", theme.colors[0]])
    figure = new_figure(theme, 6.0, 4.2)
    for row, rates in enumerate(COMPARED):
        for layer in range(1, len(rates) + 1):
            cov = coverage(list(rates[:layer]))
            counts = np.array(cov.counts, dtype=float)
            pad = (size - counts.shape[0]) // 2
            canvas = np.zeros((size, size))
            canvas[pad : pad + counts.shape[0], pad : pad + counts.shape[0]] = counts
            axes = figure.add_subplot(2, 3, 3 * row + layer)
            axes.imshow(np.ma.masked_equal(canvas, 0.0), cmap=cmap, interpolation="nearest")
            axes.set_xticks(np.arange(-0.5, size, 1), minor=True)
            axes.set_yticks(np.arange(-0.5, size, 1), minor=True)
            axes.grid(which="minor", lw=0.4)
            axes.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
            axes.set_title(f"{_rates_text(rates[:layer])}  {cov.used}/{cov.span}", fontsize=10)
    figure.subplots_adjust(wspace=0.12, hspace=0.3)
    return figure


METRICS = (("miou", "mIoU"), ("disagreement", "$D$"), ("parity_gap", "$D_1 - D_2$"))


def draw_metrics(theme: Theme, results: dict | None = None) -> Figure:
    """mIoU, stroke disagreement and parity gap per rate list on the test scenes.

    One dot per seed, a bar at the mean; thin lines join the runs of one seed, which share
    their initial parameters and batches.
    """
    results = results or load_results()
    rows = summary(results)
    rate_lists = [tuple(r) for r in results["config"]["rate_lists"]]
    figure = new_figure(theme, 7.6, 3.0)
    for panel, (key, label) in enumerate(METRICS):
        axes = figure.add_subplot(1, len(METRICS), panel + 1)
        values = [per_seed(results, rates, key) for rates in rate_lists]
        for seed_values in zip(*values, strict=True):
            axes.plot(range(len(rate_lists)), seed_values, color=theme.muted, lw=0.5, alpha=0.5)
        for position, rates in enumerate(rate_lists):
            color = theme.colors[position % len(theme.colors)]
            dots = values[position]
            axes.scatter([position] * len(dots), dots, color=color, s=14, zorder=3)
            mean = rows[rates][key]["mean"]
            axes.plot([position - 0.3, position + 0.3], [mean, mean], color=color, lw=2.2)
        if key == "parity_gap":
            axes.axhline(0.0, color=theme.foreground, lw=0.8)
        axes.set_xticks(range(len(rate_lists)))
        axes.set_xticklabels([_rates_text(r) for r in rate_lists], fontsize=8, rotation=30)
        axes.set_title(label, fontsize=11)
        axes.grid(True, axis="y", lw=0.5)
    figure.subplots_adjust(wspace=0.45)
    return figure


def draw_losses(theme: Theme, results: dict | None = None) -> Figure:
    """Training loss against step (mean over seeds), and each run's training and test loss.

    Left: the stored curve (mean loss of each window of steps) of every rate list, averaged
    over the seeds, at the last step of each window. Right: one dot per run, its loss on the
    training scenes against its loss on the test scenes (both in eval mode, after training),
    with the diagonal where the two are equal.
    """
    results = results or load_results()
    config = results["config"]
    rate_lists = [tuple(r) for r in config["rate_lists"]]
    figure = new_figure(theme, 7.2, 3.2)
    curves = figure.add_subplot(1, 2, 1)
    scatter = figure.add_subplot(1, 2, 2)
    low, high = float("inf"), 0.0
    for position, rates in enumerate(rate_lists):
        color = theme.colors[position % len(theme.colors)]
        runs = [e for e in results["runs"] if tuple(e["rates"]) == rates]
        mean = [sum(c) / len(c) for c in zip(*(e["train_curve"] for e in runs), strict=True)]
        steps = [min((i + 1) * config["curve_every"], config["steps"]) for i in range(len(mean))]
        curves.plot(steps, mean, color=color, lw=1.6, label=_rates_text(rates))
        train = per_seed(results, rates, "loss", "train")
        test = per_seed(results, rates, "loss", "test")
        scatter.scatter(train, test, color=color, s=14, zorder=3)
        low, high = min(low, *train, *test), max(high, *train, *test)
    curves.set_xlabel("$t$")
    curves.set_ylabel("$L$")
    curves.set_ylim(0, None)
    curves.grid(True, lw=0.5)
    curves.legend(fontsize=8)
    margin = 0.05 * (high - low)
    limits = (low - margin, high + margin)
    scatter.plot(limits, limits, color=theme.muted, lw=0.8, ls="--")
    scatter.set_xlim(*limits)
    scatter.set_ylim(*limits)
    scatter.set_aspect("equal")
    scatter.set_xlabel(r"$L_{\mathrm{train}}$")
    scatter.set_ylabel(r"$L_{\mathrm{test}}$")
    scatter.grid(True, lw=0.5)
    figure.subplots_adjust(wspace=0.35)
    return figure


FIGURES = {
    "dense-predictions": draw_predictions,
    "dense-coverage-layers": draw_coverage_layers,
    "dense-metrics": draw_metrics,
    "dense-losses": draw_losses,
}
