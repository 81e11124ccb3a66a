"""Draw the site's figures in a light and a dark variant, reproducibly.

A chapter module that has figures defines a module-level ``FIGURES`` dict mapping a figure
name to a function ``draw(theme) -> matplotlib.figure.Figure``. This module finds every such
dict in the ``snippets`` package and writes ``docs/assets/figures/<name>-light.svg`` and
``<name>-dark.svg``; pages show them with Material's ``#only-light`` / ``#only-dark``. To
regenerate every figure:

```{.bash .no-run}
python -m snippets.plotting
```

Figures carry no words (only symbols and numbers), so one file serves both languages; each
page writes its alt text in its own language. ``tests/test_plotting.py`` fails when a
committed figure differs from what the code draws now.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

FIGURES_DIR = Path(__file__).resolve().parent.parent / "docs" / "assets" / "figures"


@dataclass(frozen=True)
class Theme:
    """Colours for one colour scheme; backgrounds stay transparent."""

    name: str
    foreground: str
    muted: str
    grid: str
    colors: tuple[str, ...]


LIGHT = Theme(
    name="light",
    foreground="#1f2328",
    muted="#6e7781",
    grid="#d0d7de",
    colors=("#3f51b5", "#d1495b", "#2a9d8f", "#e9a03b", "#7b4fa0"),
)
DARK = Theme(
    name="dark",
    foreground="#e6edf3",
    muted="#9da7b3",
    grid="#3d444d",
    colors=("#8c9eff", "#ff7b8a", "#4fd1c5", "#f6c177", "#c39bd3"),
)
THEMES = (LIGHT, DARK)

Draw = Callable[[Theme], Figure]


def style(theme: Theme) -> dict[str, object]:
    """matplotlib settings that make text, axes, ticks and lines follow ``theme``."""
    return {
        "text.color": theme.foreground,
        "axes.labelcolor": theme.foreground,
        "axes.edgecolor": theme.muted,
        "xtick.color": theme.foreground,
        "ytick.color": theme.foreground,
        "grid.color": theme.grid,
        "axes.prop_cycle": matplotlib.cycler(color=list(theme.colors)),
        "legend.frameon": False,
        "axes.facecolor": "none",
        "figure.facecolor": "none",
        "font.size": 11,
        "svg.fonttype": "path",
    }


def new_figure(theme: Theme, width: float = 6.4, height: float = 4.0) -> Figure:
    """A figure with a transparent background; ``save`` draws it under ``style(theme)``.

    Not registered with pyplot, so a figure nobody saves is freed like any other object.
    """
    with plt.rc_context(style(theme)):
        figure = Figure(figsize=(width, height))
    figure.patch.set_alpha(0.0)
    return figure


def all_figures() -> dict[str, Draw]:
    """Every ``FIGURES`` entry in the ``snippets`` package, by figure name."""
    import snippets

    found: dict[str, Draw] = {}
    for module_info in pkgutil.iter_modules(snippets.__path__):
        module = importlib.import_module(f"snippets.{module_info.name}")
        for name, draw in getattr(module, "FIGURES", {}).items():
            if name in found:
                raise ValueError(f"figure name {name!r} is defined twice")
            found[name] = draw
    return found


def save(name: str, draw: Draw, directory: Path = FIGURES_DIR) -> list[Path]:
    """Write ``<name>-light.svg`` and ``<name>-dark.svg``; return their paths."""
    if not name or not name.replace("-", "").isalnum():
        raise ValueError(f"name must be letters, digits and '-', got {name!r}")
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for theme in THEMES:
        with plt.rc_context({**style(theme), "svg.hashsalt": name}):
            figure = draw(theme)
            path = directory / f"{name}-{theme.name}.svg"
            figure.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
        paths.append(path)
    return paths


def main() -> None:
    for name, draw in sorted(all_figures().items()):
        for path in save(name, draw):
            print(path.relative_to(FIGURES_DIR.parent.parent.parent))


if __name__ == "__main__":
    # Draw through the package's own module, not this __main__ copy of it: the figure modules
    # import Theme from snippets.plotting, and a second Theme class fails their type checks.
    from snippets.plotting import main as draw_all

    draw_all()
