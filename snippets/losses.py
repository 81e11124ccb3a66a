"""Loss functions written from scratch in plain torch, checked against ``torch.nn``.

Each function validates its arguments and raises an error that names the argument, so a
mistake such as float targets for cross-entropy fails loudly instead of training quietly on
nonsense. ``tests/test_losses.py`` compares every function with its ``torch.nn`` twin.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math

import torch

# --8<-- [end:imports]

REDUCTIONS = ("mean", "sum", "none")


def _check_tensor(name: str, value: object) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    return value


def _check_float(name: str, value: torch.Tensor) -> None:
    if not value.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got {value.dtype}")


def _check_number(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a float, got {type(value).__name__}")


def _check_reduction(reduction: object) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of 'mean', 'sum', 'none', got {reduction!r}")


def _check_same_shape(input: torch.Tensor, target: torch.Tensor) -> None:
    if input.shape != target.shape:
        raise ValueError(
            f"target must have the same shape as input, got target {tuple(target.shape)} "
            f"and input {tuple(input.shape)}"
        )


def _check_not_empty(input: torch.Tensor) -> None:
    if input.numel() == 0:
        raise ValueError(f"input must hold at least one element, got shape {tuple(input.shape)}")


def _check_logits_and_target(logits: object, target: object) -> None:
    """Checks shared by the losses on logits: float tensors of one shape, not empty."""
    _check_tensor("logits", logits)
    _check_tensor("target", target)
    _check_float("logits", logits)
    _check_float("target", target)
    if logits.shape != target.shape:
        raise ValueError(
            f"target must have the same shape as logits, got target {tuple(target.shape)} "
            f"and logits {tuple(logits.shape)}"
        )
    if logits.numel() == 0:
        raise ValueError(f"logits must hold at least one element, got {tuple(logits.shape)}")


def _check_elementwise(input: object, target: object, reduction: object) -> None:
    """Checks shared by the element-wise losses: float tensors of one shape, a known reduction."""
    _check_tensor("input", input)
    _check_tensor("target", target)
    _check_float("input", input)
    _check_float("target", target)
    _check_same_shape(input, target)
    _check_not_empty(input)
    _check_reduction(reduction)


# --8<-- [start:reduce]
def _reduce(losses: torch.Tensor, reduction: str) -> torch.Tensor:
    """Combine per-element losses: 'mean', 'sum' or 'none'."""
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


# --8<-- [end:reduce]


# --8<-- [start:mse]
def _mse(input: torch.Tensor, target: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """Mean squared error, no argument checks."""
    return _reduce((input - target) ** 2, reduction)


# --8<-- [end:mse]


def mse(input: torch.Tensor, target: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
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
    _check_elementwise(input, target, reduction)
    return _mse(input, target, reduction)


# --8<-- [start:cross_entropy]
def _cross_entropy(
    logits: torch.Tensor,
    target: torch.Tensor,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
    *,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
) -> torch.Tensor:
    """Cross-entropy over dim 1 of (N, C) or (N, C, d1, ..., dk) logits, no argument checks."""
    c = logits.shape[1]
    # log softmax, stable: subtract the log-sum-exp instead of dividing exponentials
    log_p = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    w = torch.ones(c, dtype=logits.dtype) if weight is None else weight.to(logits.dtype)
    w_dim1 = w.view(1, c, *[1] * (logits.dim() - 2))  # class weights along dim 1
    smooth = -(w_dim1 * log_p).sum(dim=1) / c  # the uniform part of a smoothed target
    if target.is_floating_point():  # class probabilities, same shape as logits
        losses = -(w_dim1 * target * log_p).sum(dim=1)
        losses = (1 - label_smoothing) * losses + label_smoothing * smooth
        denominator = torch.tensor(losses.numel(), dtype=logits.dtype)
    else:  # class indices, shape (N, d1, ..., dk); ignored positions count for nothing
        keep = target != ignore_index
        safe = torch.where(keep, target, 0)
        w_y = w[safe] * keep  # weight of each position's true class, 0 if ignored
        nll = -log_p.gather(1, safe.unsqueeze(1)).squeeze(1) * w_y
        losses = (1 - label_smoothing) * nll + label_smoothing * smooth * keep
        denominator = w_y.sum()  # 'mean' divides by the summed weights: 0/0 = nan if all ignored
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else losses.sum() / denominator


# --8<-- [end:cross_entropy]


def cross_entropy(
    logits: torch.Tensor,
    target: torch.Tensor,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
    *,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
) -> torch.Tensor:
    """Cross-entropy from raw logits, like ``torch.nn.CrossEntropyLoss``.

    The classes are along dim 1: ``logits`` has shape ``(N, C)``, or ``(N, C, d1, ..., dk)``
    for dense prediction (a segmentation map is ``(N, C, H, W)``). ``target`` is either
    class indices (integer, shape ``(N,)`` or ``(N, d1, ..., dk)``) or class probabilities
    (floating point, the shape of ``logits``).

    With class indices and ``reduction="mean"`` the sum of the losses is divided by the sum
    of ``weight[target]`` over the positions that are not ``ignore_index``; when every
    position is ignored that is 0 / 0 and the result is ``nan``, as in PyTorch.

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
            gradient (only for class-index targets); default -100.

    Raises:
        TypeError: if the tensors have the wrong dtype (e.g. float indices, integer
            probabilities), ``label_smoothing`` is not a number or ``ignore_index`` not an
            integer.
        ValueError: for wrong shapes, an empty batch, indices outside ``[0, C)`` that are not
            ``ignore_index``, a probability target outside ``[0, 1]``, a ``weight`` of the
            wrong shape or an unknown ``reduction``.
    """
    _check_tensor("logits", logits)
    _check_tensor("target", target)
    _check_float("logits", logits)
    if logits.dim() < 2:
        raise ValueError(
            f"logits must have shape (N, C) or (N, C, d1, ..., dk), got {tuple(logits.shape)}"
        )
    n, c = logits.shape[:2]
    if logits.numel() == 0:
        raise ValueError(
            f"logits must hold at least one sample and one class, got {tuple(logits.shape)}"
        )
    _check_number("label_smoothing", label_smoothing)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing}")
    _check_reduction(reduction)
    if weight is not None:
        _check_tensor("weight", weight)
        _check_float("weight", weight)
        if weight.shape != (c,):
            raise ValueError(f"weight must have shape (C,) = ({c},), got {tuple(weight.shape)}")
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, int):
        raise TypeError(f"ignore_index must be an integer, got {type(ignore_index).__name__}")

    dense = logits.dim() > 2
    index_shape = (n, *logits.shape[2:])
    index_name = "(N, d1, ..., dk)" if dense else "(N,)"
    if target.shape == index_shape:
        if target.is_floating_point() or target.dtype == torch.bool:
            raise TypeError(
                f"target of shape {index_name} must hold class indices as torch.long, "
                f"got {target.dtype}"
            )
        counted = target[target != ignore_index]
        if counted.numel() and (counted.min() < 0 or counted.max() >= c):
            raise ValueError(
                f"target class indices must be in [0, {c}) or equal ignore_index "
                f"({ignore_index}), got {sorted(set(counted.tolist()))}"
            )
        target = target.long()
    elif target.shape == logits.shape:
        if not target.is_floating_point():
            raise TypeError(
                f"target of shape {'(N, C, d1, ..., dk)' if dense else '(N, C)'} must hold "
                f"class probabilities as floats, got {target.dtype}; for class indices "
                f"pass shape {index_name}"
            )
        if target.min() < 0 or target.max() > 1:
            raise ValueError("target probabilities must be in [0, 1]")
        target = target.to(logits.dtype)
    else:
        raise ValueError(
            f"target must have shape {index_name} = {index_shape} or "
            f"{'(N, C, d1, ..., dk)' if dense else '(N, C)'} = {tuple(logits.shape)}, "
            f"got {tuple(target.shape)}"
        )
    return _cross_entropy(
        logits, target, label_smoothing, reduction, weight=weight, ignore_index=ignore_index
    )


# --8<-- [start:binary_cross_entropy]
def _binary_cross_entropy(
    input: torch.Tensor, target: torch.Tensor, reduction: str = "mean"
) -> torch.Tensor:
    """Binary cross-entropy of probabilities, each log clamped at -100 as BCELoss does."""
    log_p = torch.log(input).clamp(min=-100)
    log_not_p = torch.log(1 - input).clamp(min=-100)
    return _reduce(-(target * log_p + (1 - target) * log_not_p), reduction)


# --8<-- [end:binary_cross_entropy]


def binary_cross_entropy(
    input: torch.Tensor, target: torch.Tensor, reduction: str = "mean"
) -> torch.Tensor:
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
    _check_elementwise(input, target, reduction)
    if input.min() < 0 or input.max() > 1 or input.isnan().any():
        raise ValueError(
            "input must hold probabilities in [0, 1]; pass logits to the *_logits form"
        )
    if target.min() < 0 or target.max() > 1:
        raise ValueError("target must hold values in [0, 1]")
    return _binary_cross_entropy(input, target, reduction)


# --8<-- [start:binary_cross_entropy_with_logits]
def _binary_cross_entropy_with_logits(
    logits: torch.Tensor,
    target: torch.Tensor,
    pos_weight: torch.Tensor | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    """Binary cross-entropy of logits, stable for any logit, no argument checks."""
    # -log(sigmoid(x)) and -log(1 - sigmoid(x)) without computing exp of a large number
    neg_log_p = torch.clamp(-logits, min=0) + torch.log1p(torch.exp(-logits.abs()))
    neg_log_not_p = neg_log_p + logits
    if pos_weight is not None:
        neg_log_p = pos_weight * neg_log_p
    return _reduce(target * neg_log_p + (1 - target) * neg_log_not_p, reduction)


# --8<-- [end:binary_cross_entropy_with_logits]


def binary_cross_entropy_with_logits(
    logits: torch.Tensor,
    target: torch.Tensor,
    pos_weight: torch.Tensor | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
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
    _check_logits_and_target(logits, target)
    _check_reduction(reduction)
    if target.min() < 0 or target.max() > 1:
        raise ValueError("target must hold values in [0, 1]")
    if pos_weight is not None:
        _check_tensor("pos_weight", pos_weight)
        _check_float("pos_weight", pos_weight)
        if (pos_weight < 0).any():
            raise ValueError("pos_weight must be >= 0")
        try:
            torch.broadcast_shapes(pos_weight.shape, logits.shape)
        except RuntimeError:
            raise ValueError(
                f"pos_weight must broadcast to logits {tuple(logits.shape)}, "
                f"got {tuple(pos_weight.shape)}"
            ) from None
    return _binary_cross_entropy_with_logits(logits, target, pos_weight, reduction)


# --8<-- [start:sigmoid_focal_loss]
def _sigmoid_focal_loss(
    logits: torch.Tensor,
    target: torch.Tensor,
    alpha: float | None = 0.25,
    gamma: float = 2.0,
    reduction: str = "none",
) -> torch.Tensor:
    """Focal loss of Lin et al. (2017), Eq. 4 and 5, from logits; no argument checks."""
    p = torch.sigmoid(logits)
    p_t = target * p + (1 - target) * (1 - p)  # probability of the true class (Eq. 2)
    ce = _binary_cross_entropy_with_logits(logits, target, reduction="none")  # -log p_t, stable
    losses = (1 - p_t) ** gamma * ce  # Eq. 4: easy examples (p_t near 1) fade out
    if alpha is not None:
        losses = (target * alpha + (1 - target) * (1 - alpha)) * losses  # Eq. 5
    return _reduce(losses, reduction)


# --8<-- [end:sigmoid_focal_loss]


def sigmoid_focal_loss(
    logits: torch.Tensor,
    target: torch.Tensor,
    alpha: float | None = 0.25,
    gamma: float = 2.0,
    reduction: str = "none",
) -> torch.Tensor:
    """Sigmoid focal loss (Lin et al., 2017), like ``torchvision.ops.sigmoid_focal_loss``.

    $\\mathrm{FL}(p_t) = -\\alpha_t (1 - p_t)^\\gamma \\log p_t$, where $p_t$ is the predicted
    probability of the true class. With ``gamma=0`` and ``alpha=None`` it is
    ``BCEWithLogitsLoss``. The defaults are the paper's and torchvision's (``reduction``
    ``"none"`` as in torchvision; ``alpha=None`` plays the role of torchvision's ``-1``).

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
    _check_logits_and_target(logits, target)
    if target.min() < 0 or target.max() > 1:
        raise ValueError("target must hold values in [0, 1]")
    if alpha is not None:
        _check_number("alpha", alpha)
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"alpha must be in [0, 1] or None, got {alpha}")
    _check_number("gamma", gamma)
    if gamma < 0:
        raise ValueError(f"gamma must be >= 0, got {gamma}")
    _check_reduction(reduction)
    return _sigmoid_focal_loss(logits, target, alpha, gamma, reduction)


# --8<-- [start:pos_weight_from_counts]
def _pos_weight_from_counts(target: torch.Tensor) -> torch.Tensor:
    """Negatives / positives per label of 0/1 targets (N,) or (N, L), no checks."""
    positives = target.float().sum(dim=0)
    negatives = target.shape[0] - positives
    return negatives / positives


# --8<-- [end:pos_weight_from_counts]


def pos_weight_from_counts(target: torch.Tensor) -> torch.Tensor:
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
    _check_tensor("target", target)
    if target.numel() == 0 or target.dim() not in (1, 2):
        raise ValueError(f"target must have shape (N,) or (N, L) with N >= 1, got {target.shape}")
    if not ((target == 0) | (target == 1)).all():
        raise ValueError("target must hold only 0 and 1")
    if (target.float().sum(dim=0) == 0).any():
        raise ValueError("target must hold at least one positive example per label")
    return _pos_weight_from_counts(target)


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
    if isinstance(num_classes, bool) or not isinstance(num_classes, int):
        raise TypeError(f"num_classes must be an integer, got {type(num_classes).__name__}")
    if num_classes < 2:
        raise ValueError(f"num_classes must be an integer >= 2, got {num_classes}")
    return math.log1p((num_classes - 1) / math.e)


def house_prices(
    n: int = 50, outliers: int = 0, seed: int = 0
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
        outliers: how many prices to corrupt, in ``[0, n)``.
        seed: seed of the random generator (same seed, same data).

    Raises:
        TypeError: if an argument is not an integer.
        ValueError: if ``n`` < 2 or ``outliers`` is outside ``[0, n)``.
    """
    for name, value in (("n", n), ("outliers", outliers), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n}")
    if not 0 <= outliers < n:
        raise ValueError(f"outliers must be in [0, n) = [0, {n}), got {outliers}")
    generator = torch.Generator().manual_seed(seed)
    size = 0.5 + 1.5 * torch.rand(n, 1, generator=generator)
    price = 2.0 * size + 1.0 + 0.1 * torch.randn(n, 1, generator=generator)
    price[torch.randperm(n, generator=generator)[:outliers]] = 20.0
    return size, price


# --8<-- [start:fit_line]
def _fit_line(
    x: torch.Tensor, y: torch.Tensor, loss_fn: torch.nn.Module, steps: int = 1000
) -> tuple[float, float]:
    """Fit y = w * x + b by full-batch gradient descent with momentum, no checks."""
    x_mean = x.mean()
    w = torch.zeros(1, requires_grad=True)
    c = torch.zeros(1, requires_grad=True)  # intercept at x = mean(x): better conditioned
    velocity = [torch.zeros(1), torch.zeros(1)]
    for step in range(steps):
        learning_rate = 0.25 * (1 + math.cos(math.pi * step / steps))
        gradients = torch.autograd.grad(loss_fn(w * (x - x_mean) + c, y), (w, c))
        with torch.no_grad():
            for parameter, v, gradient in zip((w, c), velocity, gradients, strict=True):
                v.mul_(0.9).add_(gradient)
                parameter -= learning_rate * v
    return w.item(), (c - w * x_mean).item()


# --8<-- [end:fit_line]


def fit_line(
    x: torch.Tensor, y: torch.Tensor, loss_fn: torch.nn.Module, steps: int = 1000
) -> tuple[float, float]:
    """Fit ``y ≈ w * x + b`` by full-batch gradient descent on ``loss_fn``; return (w, b).

    Plain gradient descent with momentum 0.9 and a cosine-decaying learning rate from 0.5,
    written out by hand so that every step is visible.

    ```python
    import torch
    from snippets.losses import fit_line, house_prices

    size, price = house_prices(seed=0)
    w, b = fit_line(size, price, torch.nn.MSELoss())
    print(f"w = {w:.2f}, b = {b:.2f}")
    #> w = 2.05, b = 0.95
    ```

    Args:
        x: inputs of shape ``(N, 1)``.
        y: targets of shape ``(N, 1)``.
        loss_fn: a loss module such as ``torch.nn.MSELoss()``.
        steps: number of gradient steps, >= 1.

    Raises:
        TypeError: if ``loss_fn`` is not an ``nn.Module`` or ``steps`` not an integer.
        ValueError: if the shapes are not ``(N, 1)`` or ``steps`` < 1.
    """
    _check_tensor("x", x)
    _check_tensor("y", y)
    if x.dim() != 2 or x.shape[1] != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must both have shape (N, 1), got {x.shape} and {y.shape}")
    if not isinstance(loss_fn, torch.nn.Module):
        raise TypeError(f"loss_fn must be a torch.nn.Module, got {type(loss_fn).__name__}")
    if isinstance(steps, bool) or not isinstance(steps, int):
        raise TypeError(f"steps must be an integer, got {type(steps).__name__}")
    if steps < 1:
        raise ValueError(f"steps must be an integer >= 1, got {steps}")
    return _fit_line(x, y, loss_fn, steps)
