"""The figures of the residual-networks page, drawn from the committed results and live probes.

The loss and gradient-norm figures read ``snippets/results/resnet-digits.json``; the shortcut
share and the gradient correlation are computed when drawn. Regenerate with
``python -m snippets.plotting`` (after ``python -m snippets.resnet_experiment`` for new results).
"""

from __future__ import annotations

import functools

import torch
from matplotlib.figure import Figure
from torch import nn

from snippets.checks import check_int
from snippets.plotting import Theme, new_figure
from snippets.resnet import BasicBlock, PreActBlock
from snippets.resnet_experiment import gradient_correlations, load_results, shortcut_share

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
        TypeError: if ``window`` is not an integer.
        ValueError: if ``window`` < 1.
    """
    check_int("window", window, 1)
    out = []
    for i in range(len(values)):
        chunk = values[max(0, i - window + 1) : i + 1]
        out.append(sum(chunk) / len(chunk))
    return out


def _label(kind: str, depth: int) -> str:
    return f"{kind}-{depth}"  # the page's names: plain-56, residual-56


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


def identity_path_shares(units: int = 30, channels: int = 16) -> dict[str, list[float]]:
    """[`shortcut_share`][snippets.resnet_experiment.shortcut_share] of the page's stacks (seed 0).

    ```python
    from snippets.resnet_figures import identity_path_shares

    shares = identity_path_shares(units=3, channels=4)
    print(shares["preact"])
    #> [1.0, 1.0, 1.0]
    ```

    Args:
        units: residual units per stack, >= 1.
        channels: channels of every unit, >= 1.

    Raises:
        TypeError: if an argument is not an integer.
        ValueError: if an argument is < 1.
    """
    check_int("units", units, 1)
    check_int("channels", channels, 1)
    torch.manual_seed(0)
    x = torch.randn(8, channels, 8, 8)
    original = nn.Sequential(*[BasicBlock(channels, channels) for _ in range(units)])
    preact = nn.Sequential(*[PreActBlock(channels) for _ in range(units)])
    torch.manual_seed(1)
    share_original = shortcut_share(original, x.relu())  # a ReLU came before the first unit
    torch.manual_seed(1)
    return {"original": share_original, "preact": shortcut_share(preact, x)}


def draw_shortcut_share(theme: Theme, shares: dict[str, list[float]] | None = None) -> Figure:
    """Share of dE/dx_L reaching unit l along the shortcuts: original vs pre-activation."""
    shares = shares or _default_shares()
    figure = new_figure(theme, 6.4, 3.4)
    axes = figure.add_subplot(facecolor="none")
    for color, (key, style) in zip(
        theme.colors, (("preact", "-"), ("original", "--")), strict=False
    ):
        values = shares[key]
        axes.plot(
            range(len(values)),
            values,
            style,
            color=color,
            lw=1.8,
            marker="o",
            ms=3,
            label="pre-activation" if key == "preact" else "original",
        )
    axes.set_xlabel("$l$")
    axes.set_ylabel(
        r"$\|\partial E/\partial x_l\|_{\mathrm{shortcut}} / \|\partial E/\partial x_L\|$"
    )
    axes.set_ylim(0, 1.1)
    axes.grid(True, lw=0.5)
    axes.legend(fontsize=9, loc="lower right")
    return figure


def draw_gradient_correlation(theme: Theme, result: dict[str, list] | None = None) -> Figure:
    """Correlation of df/dx at neighbouring grid points against depth: plain vs residual."""
    result = result or _default_correlations()
    figure = new_figure(theme, 6.4, 3.4)
    axes = figure.add_subplot(facecolor="none")
    for color, (kind, style) in zip(
        theme.colors, (("residual", "-"), ("plain", "--")), strict=False
    ):
        axes.plot(
            result["depths"], result[kind], style, color=color, lw=1.8, marker="o", ms=4, label=kind
        )
    axes.set_xscale("log", base=2)
    axes.set_xlabel("$L$")
    axes.set_ylabel(r"$\rho$")
    axes.axhline(0.0, color=theme.muted, lw=0.8)
    axes.set_ylim(-0.2, 1.05)
    axes.grid(True, lw=0.5)
    axes.legend(fontsize=9, loc="center left")
    return figure


@functools.cache
def _default_shares() -> dict[str, list[float]]:
    return identity_path_shares()  # computed once for the light and the dark figure


@functools.cache
def _default_correlations() -> dict[str, list]:
    return gradient_correlations()


FIGURES = {
    "resnet-loss-curves": draw_loss_curves,
    "resnet-grad-norms": draw_gradient_norms,
    "resnet-shortcut-share": draw_shortcut_share,
    "resnet-gradient-correlation": draw_gradient_correlation,
}
