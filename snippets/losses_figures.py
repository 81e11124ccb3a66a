"""Draw the figures of the loss-functions chapter (the gradient a logit gets on the likelihood
page, the focal loss on the segmentation page); matplotlib is imported lazily."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from snippets.losses import logit_gradients, sigmoid_focal_loss

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from snippets.plotting import Theme


def draw_gradient(theme: Theme) -> Figure:
    """|dL/dz| against z for target y = 1: MSE vanishes where CE stays near 1."""
    from snippets.plotting import new_figure

    z = torch.linspace(-8.0, 8.0, 321, dtype=torch.float64)
    mse_grad, ce_grad = logit_gradients(z, target=1.0)
    figure = new_figure(theme, 6.4, 3.6)
    axes = figure.add_subplot()
    axes.plot(z.numpy(), ce_grad.numpy(), color=theme.colors[0], lw=2.2, label="CE")
    axes.plot(z.numpy(), mse_grad.numpy(), color=theme.colors[1], lw=2.2, label="MSE")
    point = torch.tensor([-6.0], dtype=torch.float64)
    mse_point, ce_point = logit_gradients(point, target=1.0)
    axes.plot([-6.0], ce_point.numpy(), "o", color=theme.colors[0])
    axes.plot([-6.0], mse_point.numpy(), "o", color=theme.colors[1])
    axes.annotate(
        f"{ce_point.item():.4f}",
        (-6.0, ce_point.item()),
        (6, -16),
        textcoords="offset points",
        color=theme.colors[0],
    )
    axes.annotate(
        f"{mse_point.item():.4f}",
        (-6.0, mse_point.item()),
        (6, 8),
        textcoords="offset points",
        color=theme.colors[1],
    )
    axes.set_xlabel("$z$  ($y = 1$)")
    axes.set_ylabel(r"$|\partial L / \partial z|$")
    axes.set_xlim(-8, 8)
    axes.set_ylim(0, 1.05)
    axes.grid(True, lw=0.6)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(loc="upper right", frameon=False)
    return figure


def draw_focal(theme: Theme) -> Figure:
    """Focal loss against p_t for several gamma (0 is cross-entropy), like Lin et al. Fig. 1."""
    from snippets.plotting import new_figure

    p_t = torch.linspace(0.005, 0.995, 199, dtype=torch.float64)
    logits = torch.log(p_t / (1 - p_t))  # target 1, so p_t = sigmoid(logit)
    target = torch.ones_like(logits)
    figure = new_figure(theme, 6.4, 3.6)
    axes = figure.add_subplot()
    for color, dash, gamma in zip(
        theme.colors,
        ("-", "--", "-.", ":", (0, (5, 1, 1, 1))),
        (0.0, 0.5, 1.0, 2.0, 5.0),
        strict=True,
    ):
        loss = sigmoid_focal_loss(logits, target, alpha=None, gamma=gamma)
        label = f"$\\gamma = {gamma:g}$" + (" (CE)" if gamma == 0 else "")
        axes.plot(p_t.numpy(), loss.numpy(), color=color, ls=dash, lw=2.0, label=label)
    axes.set_xlabel("$p_t$")
    axes.set_ylabel("$-(1 - p_t)^{\\gamma} \\log p_t$")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 5)
    axes.grid(True, lw=0.6)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(loc="upper right", frameon=False)
    return figure


FIGURES = {"losses-gradient": draw_gradient, "losses-focal": draw_focal}
