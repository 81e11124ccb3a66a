"""Loss functions written from scratch in plain torch, each checked against ``torch.nn``: the
pages of the loss-functions chapter show them, under the names a reader imports.

Each function checks its arguments and raises an error that names the argument, so a mistake
such as float targets for cross-entropy fails loudly instead of training quietly on nonsense.
``tests/test_losses.py`` compares every loss with its ``torch.nn`` or torchvision twin.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math

import torch

# --8<-- [end:imports]
# isort: split
from snippets.checks import (
    check_choice,
    check_int,
    check_not_empty,
    check_number,
    check_same_shape,
    check_tensor,
    check_type,
)

REDUCTIONS = ("mean", "sum", "none")
INT64 = torch.iinfo(torch.int64)  # the range of a class index held as torch.long


# --8<-- [start:reduce_losses]
def reduce_losses(
    losses: torch.Tensor,
    *,
    reduction: str = "mean",
) -> torch.Tensor:
    # --8<-- [end:reduce_losses]
    """Combine per-element losses as the ``reduction`` argument of ``torch.nn`` losses does.

    ```python
    import torch
    from snippets.losses import reduce_losses

    losses = torch.tensor([0.25, 0.25, 0.0, 1.0])
    print(reduce_losses(losses).item(), reduce_losses(losses, reduction="sum").item())
    #> 0.375 1.5
    ```

    Args:
        losses: one loss per element, a tensor of any shape.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (``losses`` unchanged).

    Raises:
        TypeError: if ``losses`` is not a tensor.
        ValueError: if ``reduction`` is unknown.
    """
    check_tensor("losses", losses)
    check_choice("reduction", reduction, REDUCTIONS)
    # --8<-- [start:reduce_losses-body]
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses
    # --8<-- [end:reduce_losses-body]


# --8<-- [start:mse]
def mse(
    input: torch.Tensor,
    target: torch.Tensor,
    *,
    reduction: str = "mean",
) -> torch.Tensor:
    # --8<-- [end:mse]
    """Mean squared error, like ``torch.nn.MSELoss``.

    ```python
    import torch
    from snippets.losses import mse

    prediction = torch.tensor([2.5, 0.0, 2.0])
    target = torch.tensor([3.0, -0.5, 2.0])
    print(f"{mse(prediction, target).item():.4f}")
    #> 0.1667
    ```

    Args:
        input: predictions, a floating-point tensor of any non-empty shape.
        target: true values, same shape and floating-point too.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (one loss per element).

    Raises:
        TypeError: if ``input`` or ``target`` is not a floating-point tensor.
        ValueError: if the shapes differ, ``input`` is empty or ``reduction`` is unknown.
    """
    check_tensor("input", input, floating=True)
    check_tensor("target", target, floating=True)
    check_same_shape("target", target, "input", input)
    check_not_empty("input", input)
    check_choice("reduction", reduction, REDUCTIONS)
    # --8<-- [start:mse-body]
    return reduce_losses((input - target) ** 2, reduction=reduction)
    # --8<-- [end:mse-body]


# --8<-- [start:cross_entropy]
def cross_entropy(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
) -> torch.Tensor:
    # --8<-- [end:cross_entropy]
    """Cross-entropy from raw logits, like ``torch.nn.CrossEntropyLoss``.

    The classes are along dim 1: ``logits`` has shape ``(N, C)``, or ``(N, C, d1, ..., dk)``
    for dense prediction (a segmentation map is ``(N, C, H, W)``). ``target`` is either
    class indices (integer, shape ``(N,)`` or ``(N, d1, ..., dk)``) or class probabilities
    (floating point, the shape of ``logits``).

    With class indices and ``reduction="mean"`` the sum of the losses is divided by the sum
    of ``weight[target]`` over the positions that are not ``ignore_index``. When every
    position is ignored that is 0 / 0: the loss is ``nan`` and its gradient is 0, both as in
    PyTorch (only the counted positions enter the sum, as PyTorch's kernels skip the
    ignored ones, so autograd never multiplies a zero derivative by 1 / 0).

    ```python
    import torch
    from snippets.losses import cross_entropy

    logits = torch.tensor([[2.0, 0.5, -1.0]])
    print(f"{cross_entropy(logits, torch.tensor([0])).item():.4f}")
    #> 0.2413
    print(f"{cross_entropy(logits, torch.tensor([[1.0, 0.0, 0.0]])).item():.4f}")
    #> 0.2413
    pixels = torch.zeros(1, 3, 2, 2)  # (N, C, H, W)
    labels = torch.tensor([[[0, 1], [2, 255]]])  # (N, H, W), one unlabelled pixel
    print(f"{cross_entropy(pixels, labels, ignore_index=255).item():.4f}")
    #> 1.0986
    ```

    Args:
        logits: raw scores of shape ``(N, C)`` or ``(N, C, d1, ..., dk)``, NOT softmax
            probabilities.
        target: class indices ``(N, d1, ..., dk)`` or class probabilities (shape of ``logits``).
        label_smoothing: in ``[0, 1]``; mixes the target with the uniform distribution.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (one loss per position).
        weight: optional floating-point weight per class, shape ``(C,)``.
        ignore_index: a class index whose positions add nothing to the loss or to the
            gradient (only for class-index targets); default -100, as in PyTorch.

    Raises:
        TypeError: if the tensors have the wrong dtype (e.g. float indices, integer
            probabilities), ``label_smoothing`` is not a number or ``ignore_index`` not an
            integer.
        ValueError: for wrong shapes, an empty batch, indices outside ``[0, C)`` that are not
            ``ignore_index``, a probability target outside ``[0, 1]``, a ``weight`` of the
            wrong shape or an unknown ``reduction``.
    """
    check_tensor("logits", logits, floating=True)
    check_tensor("target", target)
    if logits.dim() < 2:
        raise ValueError(
            f"logits must have shape (N, C) or (N, C, d1, ..., dk), got {tuple(logits.shape)}"
        )
    if logits.numel() == 0:
        raise ValueError(
            f"logits must hold at least one sample and one class, got {tuple(logits.shape)}"
        )
    check_number("label_smoothing", label_smoothing, 0.0, 1.0)
    check_choice("reduction", reduction, REDUCTIONS)
    n, c = logits.shape[:2]
    if weight is not None:
        check_tensor("weight", weight, floating=True)
        if weight.shape != (c,):
            raise ValueError(f"weight must have shape (C,) = ({c},), got {tuple(weight.shape)}")
    check_int("ignore_index", ignore_index, INT64.min, INT64.max)
    dense = logits.dim() > 2
    index_shape = (n, *logits.shape[2:])
    index_name = "(N, d1, ..., dk)" if dense else "(N,)"
    probability_name = "(N, C, d1, ..., dk)" if dense else "(N, C)"
    if target.shape == index_shape:
        if target.is_floating_point() or target.dtype == torch.bool:
            raise TypeError(
                f"target of shape {index_name} must hold class indices as torch.long, "
                f"got {target.dtype}"
            )
        labelled = target[target != ignore_index]
        if labelled.numel() and (labelled.min() < 0 or labelled.max() >= c):
            raise ValueError(
                f"target class indices must be in [0, {c}) or equal ignore_index "
                f"({ignore_index}), got {sorted(set(labelled.tolist()))}"
            )
    elif target.shape == logits.shape:
        if not target.is_floating_point():
            raise TypeError(
                f"target of shape {probability_name} must hold class probabilities as floats, "
                f"got {target.dtype}; for class indices pass shape {index_name}"
            )
        if target.min() < 0 or target.max() > 1:
            raise ValueError("target probabilities must be in [0, 1]")
    else:
        raise ValueError(
            f"target must have shape {index_name} = {index_shape} or "
            f"{probability_name} = {tuple(logits.shape)}, got {tuple(target.shape)}"
        )
    # --8<-- [start:cross_entropy-body]
    c = logits.shape[1]  # number of classes
    # stable log-softmax: subtract the log-sum-exp, never divide exponentials
    log_p = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    w = (torch.ones(c) if weight is None else weight).to(logits.dtype)
    w_dim1 = w.view(1, c, *[1] * (logits.dim() - 2))  # class weights along dim 1
    smooth = -(w_dim1 * log_p).sum(dim=1) / c  # label smoothing's uniform part
    if target.is_floating_point():  # class probabilities, same shape as logits
        losses = -(w_dim1 * target * log_p).sum(dim=1)
        losses = (1 - label_smoothing) * losses + label_smoothing * smooth
        counted, denominator = losses, losses.numel()
    else:  # class indices (N, d1, ..., dk); ignored positions count for nothing
        keep = target != ignore_index
        safe = torch.where(keep, target, 0).long()  # class 0 where ignored
        w_y = w[safe] * keep  # the true class's weight, 0 where ignored
        nll = -log_p.gather(dim=1, index=safe.unsqueeze(1)).squeeze(1) * w_y
        losses = (1 - label_smoothing) * nll + label_smoothing * smooth * keep
        # sum the counted positions only: none counted gives 0 / 0 = nan, but a zero gradient
        counted, denominator = losses[keep], w_y.sum()
    if reduction == "none":
        return losses
    return counted.sum() if reduction == "sum" else counted.sum() / denominator
    # --8<-- [end:cross_entropy-body]


# --8<-- [start:binary_cross_entropy]
LOG_MIN = -100.0  # BCELoss clamps each log here: no sample costs more than 100


def binary_cross_entropy(
    input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean"
) -> torch.Tensor:
    # --8<-- [end:binary_cross_entropy]
    """Binary cross-entropy from probabilities, like ``torch.nn.BCELoss``.

    As in PyTorch, each logarithm is clamped at -100, so one sample never costs more
    than 100.

    ```python
    import torch
    from snippets.losses import binary_cross_entropy

    p = torch.tensor([0.9, 0.2])
    y = torch.tensor([1.0, 0.0])
    print(f"{binary_cross_entropy(p, y).item():.4f}")
    #> 0.1643
    ```

    Args:
        input: probabilities in ``[0, 1]`` (after a sigmoid), any non-empty shape.
        target: floating-point labels in ``[0, 1]``, same shape as ``input``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Raises:
        TypeError: if a tensor is not floating point.
        ValueError: if shapes differ, ``input`` is empty, a value lies outside ``[0, 1]``
            or ``reduction`` is unknown.
    """
    check_tensor("input", input, floating=True)
    check_tensor("target", target, floating=True)
    check_same_shape("target", target, "input", input)
    check_not_empty("input", input)
    check_choice("reduction", reduction, REDUCTIONS)
    if input.min() < 0 or input.max() > 1 or input.isnan().any():
        raise ValueError(
            "input must hold probabilities in [0, 1]; pass logits to the *_logits form"
        )
    if target.min() < 0 or target.max() > 1:
        raise ValueError("target must hold values in [0, 1]")
    # --8<-- [start:binary_cross_entropy-body]
    log_p = torch.log(input).clamp(min=LOG_MIN)
    log_not_p = torch.log(1 - input).clamp(min=LOG_MIN)
    losses = -(target * log_p + (1 - target) * log_not_p)
    return reduce_losses(losses, reduction=reduction)
    # --8<-- [end:binary_cross_entropy-body]


# --8<-- [start:binary_cross_entropy_with_logits]
def binary_cross_entropy_with_logits(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    pos_weight: torch.Tensor | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    # --8<-- [end:binary_cross_entropy_with_logits]
    """Binary cross-entropy from logits, stable, like ``torch.nn.BCEWithLogitsLoss``.

    Uses $-\\log\\sigma(x) = \\max(-x, 0) + \\log(1 + e^{-|x|})$, which never overflows.

    ```python
    import torch
    from snippets.losses import binary_cross_entropy_with_logits

    x = torch.tensor([-200.0])  # the model is certain of the wrong class
    y = torch.tensor([1.0])
    print(f"{binary_cross_entropy_with_logits(x, y).item():.4f}")
    #> 200.0000
    ```

    Args:
        logits: raw scores, any non-empty shape (one logit per binary label).
        target: floating-point labels in ``[0, 1]``, same shape as ``logits``.
        pos_weight: optional weight of the positive term, broadcast over the last
            dimension (one value per label); e.g. negatives / positives.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Raises:
        TypeError: if a tensor is not floating point.
        ValueError: if shapes differ, ``logits`` is empty, ``target`` leaves ``[0, 1]``,
            ``pos_weight`` is negative or does not broadcast, or ``reduction`` is unknown.
    """
    check_tensor("logits", logits, floating=True)
    check_tensor("target", target, floating=True)
    check_same_shape("target", target, "logits", logits)
    check_not_empty("logits", logits)
    if target.min() < 0 or target.max() > 1:
        raise ValueError("target must hold values in [0, 1]")
    if pos_weight is not None:
        check_tensor("pos_weight", pos_weight, floating=True)
        if (pos_weight < 0).any():
            raise ValueError("pos_weight must be >= 0")
        try:
            torch.broadcast_shapes(pos_weight.shape, logits.shape)
        except RuntimeError:
            raise ValueError(
                f"pos_weight must broadcast to logits {tuple(logits.shape)}, "
                f"got {tuple(pos_weight.shape)}"
            ) from None
    check_choice("reduction", reduction, REDUCTIONS)
    # --8<-- [start:binary_cross_entropy_with_logits-body]
    # -log(sigmoid(x)) and -log(1 - sigmoid(x)), never exp of a large number
    neg_log_p = (-logits).clamp(min=0) + torch.log1p(torch.exp(-logits.abs()))
    neg_log_not_p = neg_log_p + logits
    if pos_weight is not None:
        neg_log_p = pos_weight * neg_log_p
    losses = target * neg_log_p + (1 - target) * neg_log_not_p
    return reduce_losses(losses, reduction=reduction)
    # --8<-- [end:binary_cross_entropy_with_logits-body]


# --8<-- [start:sigmoid_focal_loss]
def sigmoid_focal_loss(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    alpha: float | None = 0.25,
    gamma: float = 2.0,
    reduction: str = "none",
) -> torch.Tensor:
    # --8<-- [end:sigmoid_focal_loss]
    """Sigmoid focal loss (Lin et al., 2017), like ``torchvision.ops.sigmoid_focal_loss``.

    $\\mathrm{FL}(p_t) = -\\alpha_t (1 - p_t)^\\gamma \\log p_t$, where $p_t$ is the predicted
    probability of the true class (the paper's Eq. 2, 4 and 5). With ``gamma=0`` and
    ``alpha=None`` it is ``BCEWithLogitsLoss``. The defaults are the paper's and
    torchvision's (``reduction`` ``"none"`` as in torchvision; ``alpha=None`` plays the role
    of torchvision's ``-1``).

    ```python
    import torch
    from snippets.losses import sigmoid_focal_loss

    logits = torch.tensor([2.1972, -2.1972])  # p = 0.9 and 0.1
    target = torch.tensor([1.0, 1.0])  # an easy positive and a hard one
    print([round(v, 4) for v in sigmoid_focal_loss(logits, target).tolist()])
    #> [0.0003, 0.4663]
    ```

    Args:
        logits: raw scores, any non-empty floating-point shape (one logit per binary label).
        target: floating-point labels in ``[0, 1]``, same shape as ``logits``.
        alpha: weight of the positive class in ``[0, 1]`` (negatives get ``1 - alpha``), or
            ``None`` for no class weighting.
        gamma: focusing parameter, ``>= 0``; 0 gives plain (alpha-weighted) cross-entropy.
        reduction: ``"none"`` (default), ``"mean"`` or ``"sum"``.

    Raises:
        TypeError: if a tensor is not floating point or ``alpha``/``gamma`` is not a number.
        ValueError: if shapes differ, ``logits`` is empty, ``target`` leaves ``[0, 1]``,
            ``alpha`` leaves ``[0, 1]``, ``gamma`` < 0 or ``reduction`` is unknown.
    """
    check_tensor("logits", logits, floating=True)
    check_tensor("target", target, floating=True)
    check_same_shape("target", target, "logits", logits)
    check_not_empty("logits", logits)
    if target.min() < 0 or target.max() > 1:
        raise ValueError("target must hold values in [0, 1]")
    if alpha is not None:
        check_number("alpha", alpha, 0.0, 1.0)
    check_number("gamma", gamma, 0.0)
    check_choice("reduction", reduction, REDUCTIONS)
    # --8<-- [start:sigmoid_focal_loss-body]
    p = torch.sigmoid(logits)
    p_t = target * p + (1 - target) * (1 - p)  # p of the true class (Eq. 2)
    # -log p_t, computed stably from the logits
    ce = binary_cross_entropy_with_logits(logits, target, reduction="none")
    losses = (1 - p_t) ** gamma * ce  # Eq. 4: easy examples (p_t near 1) fade out
    if alpha is not None:
        losses = (target * alpha + (1 - target) * (1 - alpha)) * losses  # Eq. 5
    return reduce_losses(losses, reduction=reduction)
    # --8<-- [end:sigmoid_focal_loss-body]


# --8<-- [start:pos_weight_from_counts]
def pos_weight_from_counts(target: torch.Tensor) -> torch.Tensor:
    # --8<-- [end:pos_weight_from_counts]
    """``pos_weight`` for ``BCEWithLogitsLoss``: negatives / positives, per label.

    ```python
    import torch
    from snippets.losses import pos_weight_from_counts

    labels = torch.tensor([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    print(pos_weight_from_counts(labels).tolist())
    #> [3.0, 1.0]
    ```

    Args:
        target: 0/1 labels of shape ``(N,)`` or ``(N, L)`` (``L`` labels per sample).

    Raises:
        TypeError: if ``target`` is not a tensor.
        ValueError: if ``target`` is empty, holds values other than 0 and 1, or some
            label has no positive example.
    """
    check_tensor("target", target)
    if target.numel() == 0 or target.dim() not in (1, 2):
        raise ValueError(
            f"target must have shape (N,) or (N, L) with N >= 1, got {tuple(target.shape)}"
        )
    if not ((target == 0) | (target == 1)).all():
        raise ValueError("target must hold only 0 and 1")
    if (target.float().sum(dim=0) == 0).any():
        raise ValueError("target must hold at least one positive example per label")
    # --8<-- [start:pos_weight_from_counts-body]
    positives = target.float().sum(dim=0)
    negatives = target.shape[0] - positives
    return negatives / positives
    # --8<-- [end:pos_weight_from_counts-body]


def double_softmax_floor(num_classes: int) -> float:
    """Smallest loss of ``CrossEntropyLoss(softmax(z), y)``: $\\log(1 + (C-1)/e)$.

    With a softmax in front, the best the network can feed the loss is a one-hot vector,
    and cross-entropy of the logits $(1, 0, \\dots, 0)$ is not 0.

    ```python
    from snippets.losses import double_softmax_floor

    print(f"{double_softmax_floor(10):.4f}")
    #> 1.4612
    ```

    Args:
        num_classes: number of classes $C$, an integer >= 2.

    Raises:
        TypeError: if ``num_classes`` is not an integer.
        ValueError: if ``num_classes`` < 2.
    """
    check_int("num_classes", num_classes, 2)
    return math.log1p((num_classes - 1) / math.e)


def house_prices(
    *, n: int = 50, outliers: int = 0, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Synthetic houses: size (100 m²) -> price, true line ``price = 2 * size + 1``.

    ``outliers`` of the prices are replaced by 20 (say, a typo that added a digit).

    ```python
    from snippets.losses import house_prices

    size, price = house_prices(n=4, seed=0)
    print(size.shape, price.shape)
    #> torch.Size([4, 1]) torch.Size([4, 1])
    ```

    Args:
        n: number of houses, >= 2.
        outliers: how many prices to corrupt, in ``[0, n - 1]``.
        seed: seed of the random generator, >= 0 (same seed, same data).

    Raises:
        TypeError: if an argument is not an integer.
        ValueError: if ``n`` < 2, ``outliers`` is outside ``[0, n - 1]`` or ``seed`` < 0.
    """
    check_int("n", n, 2)
    check_int("outliers", outliers, 0, n - 1)
    check_int("seed", seed, 0)
    generator = torch.Generator().manual_seed(seed)
    size = 0.5 + 1.5 * torch.rand(n, 1, generator=generator)  # 50 to 200 m²
    price = 2.0 * size + 1.0 + 0.1 * torch.randn(n, 1, generator=generator)
    price[torch.randperm(n, generator=generator)[:outliers]] = 20.0
    return size, price


# --8<-- [start:fit_line]
def fit_line(
    x: torch.Tensor,
    y: torch.Tensor,
    loss_fn: torch.nn.Module,
    *,
    steps: int = 1000,
    learning_rate: float = 0.5,
    momentum: float = 0.9,
) -> tuple[float, float]:
    # --8<-- [end:fit_line]
    """Fit ``y ≈ w * x + b`` by full-batch gradient descent on ``loss_fn``; return (w, b).

    Plain gradient descent with momentum and a learning rate that decays along a cosine from
    ``learning_rate`` to 0, written out by hand so that every step is visible.

    ```python
    import torch
    from snippets.losses import fit_line, house_prices

    size, price = house_prices(seed=0)
    w, b = fit_line(size, price, torch.nn.MSELoss())
    print(f"w = {w:.2f}, b = {b:.2f}")
    #> w = 2.05, b = 0.95
    ```

    Args:
        x: inputs, a floating-point tensor of shape ``(N, 1)``.
        y: targets, a floating-point tensor of shape ``(N, 1)``.
        loss_fn: a loss module such as ``torch.nn.MSELoss()``.
        steps: number of gradient steps, >= 1.
        learning_rate: the learning rate of the first step, > 0.
        momentum: the share of the previous step kept in the next one, in ``[0, 1]``.

    Raises:
        TypeError: if a tensor is not floating point, ``loss_fn`` is not an ``nn.Module``,
            ``steps`` not an integer or ``learning_rate``/``momentum`` not a number.
        ValueError: if the shapes are not ``(N, 1)``, ``steps`` < 1, ``learning_rate`` <= 0
            or ``momentum`` is outside ``[0, 1]``.
    """
    check_tensor("x", x, floating=True)
    check_tensor("y", y, floating=True)
    if x.dim() != 2 or x.shape[1] != 1 or x.shape != y.shape:
        raise ValueError(
            f"x and y must both have shape (N, 1), got {tuple(x.shape)} and {tuple(y.shape)}"
        )
    check_type("loss_fn", loss_fn, torch.nn.Module)
    check_int("steps", steps, 1)
    check_number("learning_rate", learning_rate, 0.0, above=True)
    check_number("momentum", momentum, 0.0, 1.0)
    # --8<-- [start:fit_line-body]
    x_mean = x.mean()
    w = torch.zeros(1, requires_grad=True)
    c = torch.zeros(1, requires_grad=True)  # prediction at x = mean(x)
    velocity = [torch.zeros(1), torch.zeros(1)]
    for step in range(steps):
        # cosine decay from learning_rate to 0
        rate = learning_rate * (1 + math.cos(math.pi * step / steps)) / 2
        loss = loss_fn(w * (x - x_mean) + c, y)
        gradients = torch.autograd.grad(loss, inputs=(w, c))
        with torch.no_grad():
            for param, v, grad in zip((w, c), velocity, gradients, strict=True):
                v.mul_(momentum).add_(grad)
                param -= rate * v
    return w.item(), (c - w * x_mean).item()
    # --8<-- [end:fit_line-body]


# --8<-- [start:logit_gradients]
def logit_gradients(
    z: torch.Tensor,
    *,
    target: float = 1.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    # --8<-- [end:logit_gradients]
    """|dL/dz| of one sigmoid output $a = \\sigma(z)$ under MSE and under cross-entropy.

    MSE is ``torch.nn.MSELoss`` on $a$ (so $L = (a - y)^2$); cross-entropy is
    ``torch.nn.BCEWithLogitsLoss`` on $z$. Both gradients come from autograd, one per
    element of ``z``.

    ```python
    import torch
    from snippets.losses import logit_gradients

    mse_grad, ce_grad = logit_gradients(torch.tensor([-6.0, 0.0]), target=1.0)
    print([round(g, 4) for g in mse_grad.tolist()], [round(g, 4) for g in ce_grad.tolist()])
    #> [0.0049, 0.25] [0.9975, 0.5]
    ```

    Args:
        z: logits, a 1-D floating-point tensor.
        target: the label $y$, 0.0 or 1.0.

    Raises:
        TypeError: if ``z`` is not a floating-point tensor.
        ValueError: if ``z`` is not 1-D or ``target`` is not 0.0 or 1.0.
    """
    check_tensor("z", z, floating=True, dims=(1,))
    check_choice("target", target, (0.0, 1.0))
    # --8<-- [start:logit_gradients-body]
    y = torch.full_like(z, target)
    z = z.detach().requires_grad_(True)  # a leaf of its own for autograd
    # reduction="sum": each z_i gets the gradient of its own loss
    mse_loss = torch.nn.MSELoss(reduction="sum")(torch.sigmoid(z), y)
    ce_loss = torch.nn.BCEWithLogitsLoss(reduction="sum")(z, y)
    (mse_grad,) = torch.autograd.grad(mse_loss, inputs=z)
    (ce_grad,) = torch.autograd.grad(ce_loss, inputs=z)
    return mse_grad.abs(), ce_grad.abs()
    # --8<-- [end:logit_gradients-body]
