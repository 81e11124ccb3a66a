"""Figures for the dilated-convolution chapter (drawn from the functions in ``dilation``)."""

from __future__ import annotations

from functools import partial

from snippets.dilation import (
    conv_output_size,
    coverage,
    effective_kernel_size,
    receptive_field,
    valid_tap_share,
)
from snippets.plotting import Theme, new_figure

CANVAS = 7  # cells shown around each kernel in the kernel figure


def _grid(ax, n: int, theme: Theme, width: float = 0.8) -> None:
    for t in range(n + 1):
        ax.plot([t, t], [0, n], color=theme.grid, linewidth=width)
        ax.plot([0, n], [t, t], color=theme.grid, linewidth=width)
    ax.set_xlim(-0.05, n + 0.05)
    ax.set_ylim(n + 0.05, -0.05)
    ax.set_aspect("equal")
    ax.axis("off")


def draw_kernels(theme: Theme):
    """A 3x3 kernel at d = 1, 2, 3 on a 7x7 input patch: weights shaded, holes blank."""
    from matplotlib.patches import Rectangle

    figure = new_figure(theme, 7.5, 2.9)
    for index, d in enumerate((1, 2, 3)):
        ax = figure.add_subplot(1, 3, index + 1)
        _grid(ax, CANVAS, theme)
        start = (CANVAS - effective_kernel_size(3, d)) // 2
        span = effective_kernel_size(3, d)
        ax.add_patch(
            Rectangle(
                (start, start),
                span,
                span,
                fill=False,
                edgecolor=theme.muted,
                linewidth=1.2,
                linestyle="--",
            )
        )
        for row in range(3):
            for col in range(3):
                x, y = start + col * d, start + row * d
                ax.add_patch(Rectangle((x, y), 1, 1, color=theme.colors[0], alpha=0.85))
        ax.set_title(f"$d={d}$")
    figure.subplots_adjust(wspace=0.15)
    return figure


def draw_coverage(rates: tuple[int, ...], theme: Theme):
    """Coverage map of a stride-1 3x3 stack: shade = paths to the centre output, blank = 0."""
    import numpy as np
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.patches import Rectangle

    cov = coverage(list(rates), 3)
    counts = np.array(cov.counts, dtype=float)
    n = counts.shape[0]
    size = max(receptive_field(list(r)) for r in COVERAGE_RATES)
    pad = (size - n) // 2
    canvas = np.zeros((size, size))
    canvas[pad : pad + n, pad : pad + n] = counts
    shown = np.ma.masked_equal(canvas, 0.0)
    cmap = LinearSegmentedColormap.from_list("cov", [theme.colors[0] + "66", theme.colors[0]])
    figure = new_figure(theme, 3.4, 3.6)
    ax = figure.add_subplot()
    ax.imshow(shown, cmap=cmap, interpolation="nearest", extent=(0, size, size, 0))
    _grid(ax, size, theme, 0.4)
    ax.add_patch(Rectangle((pad, pad), n, n, fill=False, edgecolor=theme.colors[1], lw=1.5))
    centre = size / 2
    ax.plot([centre], [centre], marker="+", color=theme.colors[1], markersize=8)
    rate_text = ", ".join(map(str, rates))
    ax.set_title(f"$[{rate_text}]$   {cov.used}/{cov.span}")
    return figure


def draw_growth(theme: Theme):
    """Receptive field vs. number of 3x3 layers: rate 1 everywhere vs. rates 1, 2, 4, 8, ..."""
    figure = new_figure(theme, 5.6, 3.4)
    ax = figure.add_subplot()
    layers = list(range(1, 7))
    plain = [receptive_field([1] * n) for n in layers]
    doubling = [receptive_field([2**j for j in range(n)]) for n in layers]
    ax.plot(layers, plain, marker="o", color=theme.colors[0], label="$d=1$")
    ax.plot(layers, doubling, marker="s", color=theme.colors[1], label="$d=2^{l-1}$")
    for x, y in zip(layers, doubling, strict=True):
        if x > 1:
            ax.annotate(
                str(y),
                (x, y),
                textcoords="offset points",
                xytext=(-14, 4),
                fontsize=9,
                color=theme.colors[1],
            )
    for x, y in zip(layers, plain, strict=True):
        ax.annotate(
            str(y),
            (x, y),
            textcoords="offset points",
            xytext=(-3, -14),
            fontsize=9,
            color=theme.colors[0],
        )
    ax.set_xlabel("$l$")
    ax.set_ylabel("$r$")
    ax.set_xticks(layers)
    ax.set_ylim(-12, 140)
    ax.grid(True, linewidth=0.6)
    ax.legend(frameon=False, loc="upper left")
    return figure


STAGES = ("conv1", "maxpool", "layer1", "layer2", "layer3", "layer4")
CROP = 513  # DeepLab v3's crop size (Section 4.1)


def stage_sizes(input_size: int, output_stride: int) -> list[int]:
    """Side of each ResNet-50 stage's output when the strides of the last stages become rates.

    The stem (7x7 stride-2 conv, 3x3 stride-2 max pool) reaches stride 4; layer2, layer3 and
    layer4 each halve the map with a stride-2 3x3 conv, unless the output stride is reached,
    where the stride is 1 and dilation takes its place (the tests compare with torchvision).
    """
    side = conv_output_size(input_size, 7, stride=2, padding=3)
    sizes = [side, conv_output_size(side, 3, stride=2, padding=1)]
    sizes.append(sizes[-1])  # layer1 keeps the size
    stride = 4
    for _ in range(3):
        step = 2 if stride < output_stride else 1
        stride *= step
        sizes.append(conv_output_size(sizes[-1], 3, stride=step, padding=1))
    return sizes


def draw_output_stride(theme: Theme):
    """Feature-map side per ResNet-50 stage on a 513 x 513 crop, at output stride 32, 16, 8."""
    figure = new_figure(theme, 6.4, 3.6)
    ax = figure.add_subplot()
    positions = list(range(len(STAGES)))
    for index, (os, marker) in enumerate(((32, "o"), (16, "s"), (8, "^"))):
        sizes = stage_sizes(CROP, os)
        color = theme.colors[index]
        ax.plot(positions, sizes, marker=marker, color=color, label=f"OS {os}")
        ax.annotate(
            str(sizes[-1]),
            (positions[-1], sizes[-1]),
            textcoords="offset points",
            xytext=(8, -4),
            fontsize=10,
            color=color,
        )
    ax.set_yscale("log", base=2)
    ax.set_yticks([17, 33, 65, 129, 257])
    ax.set_yticklabels(["17", "33", "65", "129", "257"])
    ax.set_xticks(positions)
    ax.set_xticklabels(STAGES, fontsize=9)
    ax.set_xlim(-0.3, len(STAGES) - 0.4)
    ax.grid(True, linewidth=0.6)
    ax.legend(frameon=False, loc="upper right")
    return figure


ASPP_MAPS = ((33, (6, 12, 18)), (65, (12, 24, 36)))  # OS 16 and OS 8 on a 513 crop


def draw_aspp_taps(theme: Theme):
    """Share of a 3x3 kernel's taps inside a 33 x 33 and a 65 x 65 map vs. the rate."""
    figure = new_figure(theme, 6.4, 3.6)
    ax = figure.add_subplot()
    rates = list(range(1, 81))
    for index, (n, aspp_rates) in enumerate(ASPP_MAPS):
        color = theme.colors[index]
        ax.plot(
            rates, [valid_tap_share(n, r) for r in rates], color=color, label=f"${n}\\times{n}$"
        )
        shares = [valid_tap_share(n, r) for r in aspp_rates]
        ax.plot(aspp_rates, shares, linestyle="none", marker="o", color=color)
        for r, share in zip(aspp_rates, shares, strict=True):
            ax.annotate(
                f"{r}",
                (r, share),
                textcoords="offset points",
                xytext=(4, 5),
                fontsize=9,
                color=color,
            )
    ax.axhline(1 / 9, color=theme.muted, linestyle="--", linewidth=1)
    ax.set_xlabel("$r$")
    ax.set_ylim(0, 1.05)
    ax.set_yticks([1 / 9, 0.25, 0.5, 0.75, 1.0])
    ax.set_yticklabels(["1/9", "0.25", "0.5", "0.75", "1"])
    ax.grid(True, linewidth=0.6)
    ax.legend(frameon=False, loc="upper right")
    return figure


COVERAGE_RATES = ((2, 2, 2), (1, 2, 5), (1, 2, 4), (2, 4, 6))

FIGURES = {
    "dilation-kernels": draw_kernels,
    "dilation-growth": draw_growth,
    "dilation-output-stride": draw_output_stride,
    "dilation-aspp-taps": draw_aspp_taps,
    **{
        "dilation-coverage-" + "-".join(map(str, rates)): partial(draw_coverage, rates)
        for rates in COVERAGE_RATES
    },
}
