"""Dilated (atrous) convolution: sizes, receptive fields and coverage of stacked layers.

The arithmetic functions are pure Python on integers (no torch), so that the same numbers can
be reproduced anywhere; the torch helpers measure the same quantities on real ``nn.Conv2d``
layers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return value


def _check_int_list(name: str, values: object, minimum: int) -> list[int]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of integers >= {minimum}, got {values!r}")
    if len(values) == 0:
        raise ValueError(f"{name} must contain at least one integer >= {minimum}, got []")
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must contain integers >= {minimum}, got {value!r}")
        if value < minimum:
            raise ValueError(f"{name} must contain integers >= {minimum}, got {value}")
    return list(values)


# --8<-- [start:arithmetic]
def effective_kernel_size(kernel_size: int, dilation: int = 1) -> int:
    """Width of the input window a dilated kernel spans: ``k + (k - 1)(d - 1)``.

    ```python
    from snippets.dilation import effective_kernel_size

    print([effective_kernel_size(3, d) for d in (1, 2, 3)])
    #> [3, 5, 7]
    ```

    Args:
        kernel_size: number of weights along one axis, ``k >= 1``.
        dilation: dilation rate ``d >= 1``; ``d - 1`` holes sit between neighbouring weights.

    Returns:
        The effective kernel size ``k + (k - 1)(d - 1)``.

    Raises:
        TypeError: if an argument is not an integer.
        ValueError: if an argument is smaller than 1.
    """
    k = _check_int("kernel_size", kernel_size, 1)
    d = _check_int("dilation", dilation, 1)
    return k + (k - 1) * (d - 1)


def conv_output_size(
    input_size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    """Output length along one axis: ``floor((i + 2p - k - (k - 1)(d - 1)) / s) + 1``.

    ```python
    from snippets.dilation import conv_output_size

    # i = 7, k = 3, s = 1, p = 0 (Dumoulin & Visin, Figure 5.1)
    print(conv_output_size(7, 3, dilation=1), conv_output_size(7, 3, dilation=2))
    #> 5 3
    ```

    Args:
        input_size: input length ``i >= 1``.
        kernel_size: kernel length ``k >= 1``.
        stride: step ``s >= 1``.
        padding: zeros added on each side, ``p >= 0``.
        dilation: dilation rate ``d >= 1``.

    Returns:
        The output length, at least 1.

    Raises:
        TypeError: if an argument is not an integer.
        ValueError: if an argument is out of range, or the padded input is shorter than the
            effective kernel (the output would be empty).
    """
    i = _check_int("input_size", input_size, 1)
    s = _check_int("stride", stride, 1)
    p = _check_int("padding", padding, 0)
    k_eff = effective_kernel_size(kernel_size, dilation)
    if i + 2 * p < k_eff:
        raise ValueError(
            f"input_size + 2 * padding must be >= the effective kernel size {k_eff}, "
            f"got {i + 2 * p}"
        )
    return (i + 2 * p - k_eff) // s + 1


# --8<-- [end:arithmetic]


# --8<-- [start:receptive_field]
def receptive_field(
    dilations: Sequence[int], kernel_size: int = 3, strides: Sequence[int] | None = None
) -> int:
    """Receptive field of a stack of convolutions (Araujo et al. 2019, dilation included).

    ``r = 1 + sum_l (k_eff_l - 1) * s_1 * ... * s_(l-1)`` with ``k_eff_l`` the effective
    kernel size of layer ``l``.

    ```python
    from snippets.dilation import receptive_field

    print(receptive_field([1, 1, 1, 1]), receptive_field([1, 2, 4, 8]))
    #> 9 31
    ```

    Args:
        dilations: dilation rate of each layer, first layer first, each ``>= 1``.
        kernel_size: kernel size shared by all layers, ``>= 1``.
        strides: stride of each layer (default: all 1), same length as ``dilations``.

    Returns:
        The receptive field size along one axis, in input pixels.

    Raises:
        TypeError: if a rate, stride or the kernel size is not an integer.
        ValueError: if a value is smaller than 1 or the lengths differ.
    """
    rates = _check_int_list("dilations", dilations, 1)
    _check_int("kernel_size", kernel_size, 1)
    steps = [1] * len(rates) if strides is None else _check_int_list("strides", strides, 1)
    if len(steps) != len(rates):
        raise ValueError(f"strides must have one entry per layer ({len(rates)}), got {len(steps)}")
    field, jump = 1, 1
    for rate, step in zip(rates, steps, strict=True):
        field += (effective_kernel_size(kernel_size, rate) - 1) * jump
        jump *= step
    return field


# --8<-- [end:receptive_field]


# --8<-- [start:coverage]
@dataclass(frozen=True)
class Coverage:
    """Which input pixels of a stride-1 stack reach one output pixel.

    Attributes:
        counts: ``counts[y][x]`` is the number of paths from input offset ``(y, x)`` of the
            receptive field to the output (0 means the pixel is never used).
        used: number of input pixels with at least one path.
        span: number of pixels in the receptive field square.
    """

    counts: tuple[tuple[int, ...], ...]
    used: int
    span: int


def coverage_1d(dilations: Sequence[int], kernel_size: int = 3) -> list[int]:
    """Paths from each input offset to one output, along one axis, for stride-1 layers.

    ```python
    from snippets.dilation import coverage_1d

    print(coverage_1d([2, 2]))
    #> [1, 0, 2, 0, 3, 0, 2, 0, 1]
    ```

    Args:
        dilations: dilation rate of each layer, each ``>= 1``.
        kernel_size: kernel size shared by all layers, ``>= 1``.

    Returns:
        One count per offset of the receptive field, left to right.

    Raises:
        TypeError: if a rate or the kernel size is not an integer.
        ValueError: if a value is smaller than 1.
    """
    rates = _check_int_list("dilations", dilations, 1)
    k = _check_int("kernel_size", kernel_size, 1)
    counts = [1]
    for rate in rates:
        grown = [0] * (len(counts) + (k - 1) * rate)
        for offset, paths in enumerate(counts):
            for tap in range(k):
                grown[offset + tap * rate] += paths
        counts = grown
    return counts


def coverage(dilations: Sequence[int], kernel_size: int = 3) -> Coverage:
    """Coverage map of a stack of stride-1 ``k x k`` layers, with pixels used out of span.

    ```python
    from snippets.dilation import coverage

    cov = coverage([2, 2, 2])
    print(f"{cov.used}/{cov.span}")
    #> 49/169
    ```

    Args:
        dilations: dilation rate of each layer, each ``>= 1``.
        kernel_size: kernel size shared by all layers, ``>= 1``.

    Returns:
        A :class:`Coverage`; the map is the outer product of :func:`coverage_1d` with itself.

    Raises:
        TypeError: if a rate or the kernel size is not an integer.
        ValueError: if a value is smaller than 1.
    """
    line = coverage_1d(dilations, kernel_size)
    counts = tuple(tuple(a * b for b in line) for a in line)
    used_1d = sum(1 for value in line if value > 0)
    return Coverage(counts=counts, used=used_1d * used_1d, span=len(line) * len(line))


# --8<-- [end:coverage]


# --8<-- [start:spread_kernel]
def spread_kernel(weight: torch.Tensor, dilation: int) -> torch.Tensor:
    """Insert ``dilation - 1`` zeros between neighbouring taps of a conv weight.

    ```python
    import torch
    from snippets.dilation import spread_kernel

    w = torch.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    print(spread_kernel(w, 2)[0, 0].int().tolist())
    #> [[1, 0, 2, 0, 3], [0, 0, 0, 0, 0], [4, 0, 5, 0, 6], [0, 0, 0, 0, 0], [7, 0, 8, 0, 9]]
    ```

    Args:
        weight: a conv weight of shape ``(out, in, kh, kw)``.
        dilation: dilation rate ``>= 1``.

    Returns:
        A weight of shape ``(out, in, kh + (kh-1)(d-1), kw + (kw-1)(d-1))``.

    Raises:
        TypeError: if ``weight`` is not a tensor or ``dilation`` is not an integer.
        ValueError: if ``weight`` is not 4-D or ``dilation`` is smaller than 1.
    """
    if not isinstance(weight, torch.Tensor):
        raise TypeError(f"weight must be a torch.Tensor, got {type(weight).__name__}")
    if weight.dim() != 4:
        raise ValueError(f"weight must have 4 dimensions (out, in, kh, kw), got {weight.dim()}")
    d = _check_int("dilation", dilation, 1)
    out_c, in_c, kh, kw = weight.shape
    spread = weight.new_zeros(
        out_c, in_c, effective_kernel_size(kh, d), effective_kernel_size(kw, d)
    )
    spread[:, :, ::d, ::d] = weight
    return spread


# --8<-- [end:spread_kernel]


# --8<-- [start:measure]
def ones_stack(
    dilations: Sequence[int], kernel_size: int = 3, strides: Sequence[int] | None = None
) -> nn.Sequential:
    """A real stack of 1-channel ``nn.Conv2d`` layers (no padding) with all weights 1.

    With positive weights no gradients cancel, so the gradient of an output with respect to
    the input counts the paths between them.

    ```python
    import torch
    from snippets.dilation import ones_stack

    stack = ones_stack([1, 2])
    print([conv.dilation for conv in stack], tuple(stack(torch.ones(1, 1, 7, 7).double()).shape))
    #> [(1, 1), (2, 2)] (1, 1, 1, 1)
    ```

    Args:
        dilations: dilation rate of each layer, each ``>= 1``.
        kernel_size: kernel size shared by all layers, ``>= 1``.
        strides: stride of each layer (default: all 1).

    Returns:
        An ``nn.Sequential`` in float64 without biases.

    Raises:
        TypeError: if a value is not an integer.
        ValueError: if a value is smaller than 1 or the lengths differ.
    """
    receptive_field(dilations, kernel_size, strides)  # validates every argument
    steps = [1] * len(dilations) if strides is None else list(strides)
    layers = []
    for rate, step in zip(dilations, steps, strict=True):
        conv = nn.Conv2d(1, 1, kernel_size, stride=step, dilation=rate, bias=False)
        nn.init.ones_(conv.weight)
        layers.append(conv.double())
    return nn.Sequential(*layers)


def measure_coverage(model: nn.Module, input_size: int) -> torch.Tensor:
    """Gradient of the centre output pixel with respect to a 1-channel input.

    Runs ``model`` on a zero ``input_size x input_size`` image, puts a one-hot gradient on
    the centre pixel of the output's first channel and returns the input gradient. Non-zero
    entries are the input pixels that can influence that output.

    ```python
    from snippets.dilation import measure_coverage, ones_stack

    grad = measure_coverage(ones_stack([1, 2, 4, 8]), 31)
    print(tuple(grad.shape), int((grad != 0).sum()))
    #> (31, 31) 961
    ```

    Args:
        model: a module mapping ``(1, C, H, W)`` to ``(1, C', H', W')``.
        input_size: height and width of the input, ``>= 1``.

    Returns:
        A ``(input_size, input_size)`` tensor (summed over input channels).

    Raises:
        TypeError: if ``model`` is not an ``nn.Module`` or ``input_size`` is not an integer.
        ValueError: if ``input_size`` is smaller than 1.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    n = _check_int("input_size", input_size, 1)
    first = next((m for m in model.modules() if isinstance(m, nn.Conv2d)), None)
    channels = first.in_channels if first is not None else 1
    dtype = first.weight.dtype if first is not None else torch.float32
    x = torch.zeros(1, channels, n, n, dtype=dtype, requires_grad=True)
    y = model(x)
    seed = torch.zeros_like(y)
    seed[0, 0, y.shape[2] // 2, y.shape[3] // 2] = 1.0
    y.backward(seed)
    return x.grad[0].sum(dim=0)


# --8<-- [end:measure]


# --8<-- [start:aspp]
class ASPP(nn.Module):
    """Atrous spatial pyramid pooling in the style of DeepLab v3 (without batch norm).

    Parallel branches look at the same feature map at several rates: one 1x1 convolution,
    one 3x3 convolution per rate (padding = rate keeps the size), and optionally an image-level
    branch (global average pool, 1x1 conv, broadcast back). The branches are concatenated and
    mixed by a 1x1 convolution.

    ```python
    import torch
    from snippets.dilation import ASPP

    aspp = ASPP(in_channels=64, out_channels=32, rates=(6, 12, 18))
    print(tuple(aspp(torch.zeros(2, 64, 33, 33)).shape))
    #> (2, 32, 33, 33)
    ```

    Args:
        in_channels: channels of the input feature map, ``>= 1``.
        out_channels: channels of every branch and of the output, ``>= 1``.
        rates: dilation rates of the 3x3 branches, each ``>= 1``.
        image_pooling: add the image-level (global average) branch.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if a channel count or rate is smaller than 1.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        rates: Sequence[int] = (6, 12, 18),
        image_pooling: bool = True,
    ) -> None:
        super().__init__()
        _check_int("in_channels", in_channels, 1)
        _check_int("out_channels", out_channels, 1)
        rates = _check_int_list("rates", rates, 1)
        if not isinstance(image_pooling, bool):
            raise TypeError(f"image_pooling must be a bool, got {type(image_pooling).__name__}")
        self.branches = nn.ModuleList([nn.Conv2d(in_channels, out_channels, 1)])
        for rate in rates:
            self.branches.append(
                nn.Conv2d(in_channels, out_channels, 3, padding=rate, dilation=rate)
            )
        self.pool = nn.Conv2d(in_channels, out_channels, 1) if image_pooling else None
        n_branches = len(self.branches) + (1 if image_pooling else 0)
        self.project = nn.Conv2d(n_branches * out_channels, out_channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outs = [F.relu(branch(x)) for branch in self.branches]
        if self.pool is not None:
            pooled = F.relu(self.pool(F.adaptive_avg_pool2d(x, 1)))
            outs.append(pooled.expand(-1, -1, x.shape[2], x.shape[3]))
        return F.relu(self.project(torch.cat(outs, dim=1)))


# --8<-- [end:aspp]
