"""Figures of the residual-network chapter, drawn from ``docs/assets/data/resnet-digits.json``.

Regenerate with ``python -m snippets.plotting`` after ``python -m snippets.resnet_experiment``.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from snippets.plotting import Theme, new_figure
from snippets.resnet_experiment import load_results

SMOOTHING = 10  # steps in the moving average of the loss curves


def moving_average(values: list[float], window: int = SMOOTHING) -> list[float]:
    """Mean of the last ``window`` values at every position (fewer at the start).

    ```python
    from snippets.resnet_figures import moving_average

    print(moving_average([1.0, 3.0, 5.0, 7.0], window=2))
    #> [1.0, 2.0, 4.0, 6.0]
    ```

    Args:
        values: the sequence to smooth.
        window: how many values to average, >= 1.

    Raises:
        ValueError: if ``window`` < 1.
    """
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ValueError(f"window must be an integer >= 1, got {window!r}")
    out = []
    for i in range(len(values)):
        chunk = values[max(0, i - window + 1) : i + 1]
        out.append(sum(chunk) / len(chunk))
    return out


def _label(kind: str, depth: int) -> str:
    return f"{'ResNet' if kind == 'residual' else 'plain'}-{depth}"


def _mean_over_seeds(results: dict, kind: str, depth: int, key: str) -> list[float]:
    rows = [r[key] for r in results["runs"] if r["kind"] == kind and r["depth"] == depth]
    return [sum(column) / len(column) for column in zip(*rows, strict=True)]


def _plot_per_run(theme: Theme, results: dict, key: str, smooth: bool):
    """A figure with one line per (depth, kind) of ``results[key]``; plain dashed."""
    figure = new_figure(theme, 6.4, 3.8)
    axes = figure.add_subplot(facecolor="none")  # transparent: the page's colour shows
    depths = results["config"]["depths"]
    for color, depth in zip(theme.colors, depths, strict=False):
        for kind, style in (("plain", "--"), ("residual", "-")):
            values = _mean_over_seeds(results, kind, depth, key)
            if smooth:
                values = moving_average(values)
            positions = range(1, len(values) + 1)
            axes.plot(positions, values, style, color=color, lw=1.6, label=_label(kind, depth))
    return figure, axes


def draw_loss_curves(theme: Theme, results: dict | None = None) -> Figure:
    """Training loss $L$ against SGD step $t$ (mean over seeds, smoothed); plain dashed."""
    figure, axes = _plot_per_run(theme, results or load_results(), "losses", smooth=True)
    axes.set_xlabel("$t$")
    axes.set_ylabel("$L$")
    axes.set_ylim(0, None)
    axes.grid(True, lw=0.5)
    axes.legend(ncols=3, fontsize=9)
    return figure


def draw_gradient_norms(theme: Theme, results: dict | None = None) -> Figure:
    """Gradient norm of each layer's weight at initialization (mean over seeds), log scale."""
    figure, axes = _plot_per_run(theme, results or load_results(), "grad_norms", smooth=False)
    axes.set_yscale("log")
    axes.set_xlabel("$l$")
    axes.set_ylabel(r"$\|\partial L/\partial W_l\|$")
    axes.grid(True, lw=0.5)
    axes.legend(ncols=3, fontsize=9)
    return figure


FIGURES = {
    "resnet-loss-curves": draw_loss_curves,
    "resnet-grad-norms": draw_gradient_norms,
}
