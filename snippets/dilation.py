"""Dilated (atrous) convolution: sizes, receptive fields and coverage of stacked layers, and
DeepLab's output stride and ASPP, as the dilated-convolution chapter shows them.

The arithmetic functions are pure Python on integers (no torch), so that the same numbers can
be reproduced anywhere; the torch functions measure the same quantities on real ``nn.Conv2d``
layers.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypedDict

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

# --8<-- [end:imports]
# isort: split
from snippets.checks import check_bool, check_int, check_int_list, check_tensor, check_type


# --8<-- [start:effective_kernel_size]
def effective_kernel_size(kernel_size: int, dilation: int = 1) -> int:
    # --8<-- [end:effective_kernel_size]
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
    check_int("kernel_size", kernel_size, 1)
    check_int("dilation", dilation, 1)
    # --8<-- [start:effective_kernel_size-body]
    return kernel_size + (kernel_size - 1) * (dilation - 1)
    # --8<-- [end:effective_kernel_size-body]


# --8<-- [start:conv_output_size]
def conv_output_size(
    input_size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    # --8<-- [end:conv_output_size]
    """Output length along one axis: ``floor((i + 2p - k - (k - 1)(d - 1)) / s) + 1``.

    The letters are those of Dumoulin & Visin's Relationship 15: ``i`` is ``input_size``,
    ``k`` ``kernel_size``, ``s`` ``stride``, ``p`` ``padding`` and ``d`` ``dilation``.

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
    check_int("input_size", input_size, 1)
    check_int("kernel_size", kernel_size, 1)
    check_int("stride", stride, 1)
    check_int("padding", padding, 0)
    check_int("dilation", dilation, 1)
    if input_size + 2 * padding < effective_kernel_size(kernel_size, dilation):
        raise ValueError(
            "input_size + 2 * padding must be >= the effective kernel size "
            f"{effective_kernel_size(kernel_size, dilation)}, got {input_size + 2 * padding}"
        )
    # --8<-- [start:conv_output_size-body]
    k_hat = effective_kernel_size(kernel_size, dilation)
    return (input_size + 2 * padding - k_hat) // stride + 1
    # --8<-- [end:conv_output_size-body]


def _check_layers(dilations: object, kernel_size: object, strides: object) -> None:
    """Checks shared by the functions that take a stack of layers: rates, kernel, strides."""
    check_int_list("dilations", dilations, 1)
    check_int("kernel_size", kernel_size, 1)
    if strides is not None and len(check_int_list("strides", strides, 1)) != len(dilations):
        raise ValueError(
            f"strides must have one entry per layer ({len(dilations)}), got {len(strides)}"
        )


# --8<-- [start:receptive_field]
def receptive_field(
    dilations: Sequence[int], kernel_size: int = 3, strides: Sequence[int] | None = None
) -> int:
    # --8<-- [end:receptive_field]
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
    _check_layers(dilations, kernel_size, strides)
    # --8<-- [start:receptive_field-body]
    if strides is None:
        strides = [1] * len(dilations)
    field, jump = 1, 1  # jump: input pixels between neighbouring pixels this layer reads
    for rate, stride in zip(dilations, strides, strict=True):
        field += (effective_kernel_size(kernel_size, rate) - 1) * jump
        jump *= stride
    return field
    # --8<-- [end:receptive_field-body]


# --8<-- [start:Coverage]
@dataclass(frozen=True)
class Coverage:
    # --8<-- [end:Coverage]
    """Which input pixels of a stride-1 stack reach one output pixel.

    Attributes:
        counts: ``counts[y][x]`` is the number of paths from input offset ``(y, x)`` of the
            receptive field to the output (0 means the pixel is never used).
        used: number of input pixels with at least one path.
        span: number of pixels in the receptive field square.
    """

    # --8<-- [start:Coverage-body]
    counts: tuple[tuple[int, ...], ...]
    used: int
    span: int
    # --8<-- [end:Coverage-body]


# --8<-- [start:coverage_1d]
def coverage_1d(dilations: Sequence[int], kernel_size: int = 3) -> list[int]:
    # --8<-- [end:coverage_1d]
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
    check_int_list("dilations", dilations, 1)
    check_int("kernel_size", kernel_size, 1)
    # --8<-- [start:coverage_1d-body]
    counts = [1]  # one path from the output to itself
    for rate in dilations:
        grown = [0] * (len(counts) + (kernel_size - 1) * rate)
        for offset, paths in enumerate(counts):
            for tap in range(kernel_size):
                grown[offset + tap * rate] += paths
        counts = grown
    return counts
    # --8<-- [end:coverage_1d-body]


# --8<-- [start:coverage]
def coverage(dilations: Sequence[int], kernel_size: int = 3) -> Coverage:
    # --8<-- [end:coverage]
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
        A [`Coverage`][Coverage]; the map is the outer product of
        [`coverage_1d`][coverage_1d] with itself.

    Raises:
        TypeError: if a rate or the kernel size is not an integer.
        ValueError: if a value is smaller than 1.
    """
    check_int_list("dilations", dilations, 1)
    check_int("kernel_size", kernel_size, 1)
    # --8<-- [start:coverage-body]
    line = coverage_1d(dilations, kernel_size)
    used_1d = sum(1 for paths in line if paths > 0)
    return Coverage(
        counts=tuple(tuple(a * b for b in line) for a in line),
        used=used_1d * used_1d,
        span=len(line) * len(line),
    )
    # --8<-- [end:coverage-body]


# --8<-- [start:residual_coverage]
def residual_coverage(dilations: Sequence[int], kernel_size: int = 3) -> Coverage:
    # --8<-- [end:residual_coverage]
    """Coverage map of a stack of stride-1 residual units ``x + conv(x)``, ``k x k`` kernels.

    A path through the stack either passes through each unit's convolution, at one of its
    ``k * k`` taps, or takes the unit's identity shortcut, which is offset ``(0, 0)``: the
    offset of the kernel's centre tap. The shortcuts therefore add paths but never a new
    offset, so the pixels used, and the holes, are exactly those of
    [`coverage`][coverage] for the plain stack. The map is not an outer product of 1-D
    counts, because a shortcut adds one path at the centre, not a whole row.

    ```python
    from snippets.dilation import coverage, residual_coverage

    plain, residual = coverage([2, 2, 2]), residual_coverage([2, 2, 2])
    print(f"{plain.used}/{plain.span}", f"{residual.used}/{residual.span}")
    #> 49/169 49/169
    print(plain.counts[6][6], residual.counts[6][6])
    #> 49 80
    ```

    Args:
        dilations: dilation rate of each unit's convolution, each ``>= 1``.
        kernel_size: odd kernel size shared by all units, ``>= 1`` (a centred kernel, whose
            middle tap is the shortcut's offset 0).

    Returns:
        A [`Coverage`][Coverage] whose ``counts`` are the paths through the residual units.

    Raises:
        TypeError: if a rate or the kernel size is not an integer.
        ValueError: if a value is smaller than 1 or ``kernel_size`` is even.
    """
    check_int_list("dilations", dilations, 1)
    check_int("kernel_size", kernel_size, 1, odd=True)
    # --8<-- [start:residual_coverage-body]
    paths = Counter({(0, 0): 1})  # offset (dy, dx) -> number of paths
    for rate in dilations:
        taps = [rate * (t - kernel_size // 2) for t in range(kernel_size)]
        grown: Counter[tuple[int, int]] = Counter()
        for (y, x), n in paths.items():
            for dy in taps:
                for dx in taps:
                    grown[y + dy, x + dx] += n  # through the convolution
            grown[y, x] += n  # through the shortcut: offset (0, 0)
        paths = grown
    half = (receptive_field(dilations, kernel_size) - 1) // 2
    offsets = range(-half, half + 1)
    return Coverage(
        counts=tuple(tuple(paths[y, x] for x in offsets) for y in offsets),
        used=len(paths),
        span=len(offsets) * len(offsets),
    )
    # --8<-- [end:residual_coverage-body]


# --8<-- [start:spread_kernel]
def spread_kernel(weight: torch.Tensor, dilation: int) -> torch.Tensor:
    # --8<-- [end:spread_kernel]
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
    check_tensor("weight", weight, dims=(4,))
    check_int("dilation", dilation, 1)
    # --8<-- [start:spread_kernel-body]
    out_channels, in_channels, height, width = weight.shape
    spread = weight.new_zeros(
        out_channels,
        in_channels,
        effective_kernel_size(height, dilation),
        effective_kernel_size(width, dilation),
    )
    spread[:, :, ::dilation, ::dilation] = weight
    return spread
    # --8<-- [end:spread_kernel-body]


# --8<-- [start:ones_stack]
def ones_stack(
    dilations: Sequence[int], kernel_size: int = 3, strides: Sequence[int] | None = None
) -> nn.Sequential:
    # --8<-- [end:ones_stack]
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
        strides: stride of each layer (default: all 1), same length as ``dilations``.

    Returns:
        An ``nn.Sequential`` in float64 without biases.

    Raises:
        TypeError: if a value is not an integer.
        ValueError: if a value is smaller than 1 or the lengths differ.
    """
    _check_layers(dilations, kernel_size, strides)
    # --8<-- [start:ones_stack-body]
    if strides is None:
        strides = [1] * len(dilations)
    layers = []
    for rate, stride in zip(dilations, strides, strict=True):
        conv = nn.Conv2d(1, 1, kernel_size=kernel_size, stride=stride, dilation=rate, bias=False)
        nn.init.ones_(conv.weight)
        layers.append(conv.double())
    return nn.Sequential(*layers)
    # --8<-- [end:ones_stack-body]


# --8<-- [start:measure_coverage]
def measure_coverage(model: nn.Module, input_size: int) -> torch.Tensor:
    # --8<-- [end:measure_coverage]
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
    check_type("model", model, nn.Module)
    check_int("input_size", input_size, 1)
    # --8<-- [start:measure_coverage-body]
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    channels = convs[0].in_channels if convs else 1
    dtype = convs[0].weight.dtype if convs else torch.float32
    x = torch.zeros(1, channels, input_size, input_size, dtype=dtype, requires_grad=True)
    y = model(x)
    seed = torch.zeros_like(y)  # one-hot: the centre pixel of the first output channel
    seed[0, 0, y.shape[2] // 2, y.shape[3] // 2] = 1.0
    y.backward(seed)
    return x.grad[0].sum(dim=0)
    # --8<-- [end:measure_coverage-body]


# --8<-- [start:OutputStrideCost]
class OutputStrideCost(TypedDict):
    # --8<-- [end:OutputStrideCost]
    """What one forward pass of a backbone costs, as [`output_stride_cost`][output_stride_cost]
    measures it.

    Attributes:
        sizes: stage name to ``(H, W)`` of its output, in the order the stages ran.
        parameters: number of scalar parameters of the model.
        flops: floating-point operations of the forward pass, 2 per multiply-add (the ResNet
            paper and torchvision's model tables count 1 per multiply-add).
        activation_bytes: bytes of every ``nn.Conv2d`` output: a proxy for the memory a
            training step keeps for the backward pass, and a lower bound on it, since batch
            norm and ReLU save tensors of their own. Compare it between models, as a ratio.
    """

    # --8<-- [start:OutputStrideCost-body]
    sizes: dict[str, tuple[int, ...]]
    parameters: int
    flops: int
    activation_bytes: int
    # --8<-- [end:OutputStrideCost-body]


# --8<-- [start:output_stride_cost]
def output_stride_cost(
    model: nn.Module,
    x: torch.Tensor,
    stages: Sequence[str] = ("conv1", "maxpool", "layer1", "layer2", "layer3", "layer4"),
) -> OutputStrideCost:
    # --8<-- [end:output_stride_cost]
    """Measure what a backbone's output stride costs: stage sizes, parameters, FLOPs, memory.

    Runs ``model`` once on ``x`` without gradients, under
    ``torch.utils.flop_counter.FlopCounterMode`` (which counts a multiply-add as 2 FLOPs, where
    the ResNet paper and torchvision's model tables count 1), with forward hooks that record
    the spatial size of each named stage and the bytes of every ``nn.Conv2d`` output (a lower
    bound on what a training step keeps for the backward pass: batch norm and ReLU keep more).

    ```python
    import torch
    from torch import nn
    from snippets.dilation import output_stride_cost

    net = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.Conv2d(8, 8, 3, padding=1))
    cost = output_stride_cost(net, torch.zeros(1, 3, 32, 32), stages=["0", "1"])
    print(cost["sizes"], cost["parameters"], cost["flops"], cost["activation_bytes"])
    #> {'0': (16, 16), '1': (16, 16)} 808 405504 16384
    ```

    Args:
        model: the network; its forward pass runs once, as it is (call ``model.eval()`` first
            for batch norm in inference mode). Only shapes enter the counts, so ``model`` and
            ``x`` may live on the meta device (``torch.device("meta")``): the same counts,
            without the arithmetic.
        x: the input batch, a tensor with at least 3 dimensions (``(N, C, H, W)`` for 2-D).
        stages: names of submodules (as ``model.get_submodule`` takes them) whose output size
            to record; the default fits a torchvision-style ResNet.

    Returns:
        An [`OutputStrideCost`][OutputStrideCost] (a dict): ``sizes``, ``parameters``,
        ``flops`` and ``activation_bytes``.

    Raises:
        TypeError: if ``model`` is not an ``nn.Module``, ``x`` not a tensor, or a stage name
            not a string.
        ValueError: if ``x`` has fewer than 3 dimensions or a stage name is not a submodule.
    """
    check_type("model", model, nn.Module)
    check_tensor("x", x)
    if x.dim() < 3:
        raise ValueError(f"x must have at least 3 dimensions (N, C, ...), got {x.dim()}")
    if isinstance(stages, str) or not isinstance(stages, Sequence):
        raise TypeError(f"stages must be a sequence of submodule names, got {stages!r}")
    names = dict(model.named_modules())
    for name in stages:
        if not isinstance(name, str):
            raise TypeError(f"stages must contain submodule names (str), got {name!r}")
        if name not in names:
            raise ValueError(f"stages must name submodules of model, got {name!r}")
    # --8<-- [start:output_stride_cost-body]
    sizes: dict[str, tuple[int, ...]] = {}
    written: list[int] = []

    def keep_size(
        name: str, module: nn.Module, inputs: tuple[torch.Tensor, ...], out: torch.Tensor
    ) -> None:
        sizes[name] = tuple(out.shape[-2:])

    def keep_bytes(module: nn.Module, inputs: tuple[torch.Tensor, ...], out: torch.Tensor) -> None:
        written.append(out.numel() * out.element_size())

    hooks = []
    for name in stages:
        hooks.append(model.get_submodule(name).register_forward_hook(partial(keep_size, name)))
    for conv in [m for m in model.modules() if isinstance(m, nn.Conv2d)]:
        hooks.append(conv.register_forward_hook(keep_bytes))
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(x)
    for hook in hooks:
        hook.remove()
    return OutputStrideCost(
        sizes=sizes,
        parameters=sum(p.numel() for p in model.parameters()),
        flops=counter.get_total_flops(),
        activation_bytes=sum(written),
    )
    # --8<-- [end:output_stride_cost-body]


# --8<-- [start:valid_tap_share]
def valid_tap_share(map_size: int, rate: int, kernel_size: int = 3) -> float:
    # --8<-- [end:valid_tap_share]
    """Average share of a dilated kernel's taps that fall inside the feature map.

    A "same"-padded ``k x k`` convolution at rate ``r`` puts its taps at offsets
    ``-r(k-1)/2, ..., r(k-1)/2`` around every output pixel; the taps outside the map multiply
    padding zeros. Averaged over all pixels of an ``n x n`` map, the 2-D share is the square
    of the 1-D share (the two axes are independent). DeepLab v3 (Section 3.3) describes the
    extreme: with ``r`` close to ``n``, only the centre weight is effective.

    ```python
    from snippets.dilation import valid_tap_share

    print([round(valid_tap_share(33, rate), 2) for rate in (6, 18, 40)])
    #> [0.77, 0.4, 0.11]
    ```

    Args:
        map_size: side ``n >= 1`` of the square feature map.
        rate: dilation rate ``r >= 1``.
        kernel_size: odd kernel size ``k >= 1``.

    Returns:
        The share, between ``1 / k**2`` and 1.

    Raises:
        TypeError: if an argument is not an integer.
        ValueError: if an argument is smaller than 1 or ``kernel_size`` is even.
    """
    check_int("map_size", map_size, 1)
    check_int("rate", rate, 1)
    check_int("kernel_size", kernel_size, 1, odd=True)
    # --8<-- [start:valid_tap_share-body]
    half = kernel_size // 2
    taps = [t * rate for t in range(-half, half + 1)]  # offsets of one row of the kernel
    inside = sum(0 <= x + t < map_size for x in range(map_size) for t in taps)
    return (inside / (len(taps) * map_size)) ** 2
    # --8<-- [end:valid_tap_share-body]


# --8<-- [start:conv_bn_relu]
def conv_bn_relu(
    in_channels: int, out_channels: int, kernel_size: int, dilation: int = 1
) -> nn.Sequential:
    # --8<-- [end:conv_bn_relu]
    """One ASPP branch: a convolution without bias, batch norm, ReLU; the size is kept.

    The padding ``dilation * (kernel_size // 2)`` keeps the height and width of the input
    ("same" padding) for an odd kernel at stride 1.

    ```python
    import torch
    from snippets.dilation import conv_bn_relu

    branch = conv_bn_relu(16, 8, kernel_size=3, dilation=6).eval()
    print(branch[0].padding, tuple(branch(torch.zeros(1, 16, 33, 33)).shape))
    #> (6, 6) (1, 8, 33, 33)
    ```

    Args:
        in_channels: channels of the input, ``>= 1``.
        out_channels: channels of the output, ``>= 1``.
        kernel_size: odd kernel size, ``>= 1``.
        dilation: dilation rate, ``>= 1``.

    Returns:
        ``nn.Sequential(conv, bn, relu)``, with the submodule names ``0``, ``1``, ``2`` that
        torchvision's ASPP branches have.

    Raises:
        TypeError: if an argument is not an integer.
        ValueError: if an argument is smaller than 1 or ``kernel_size`` is even.
    """
    check_int("in_channels", in_channels, 1)
    check_int("out_channels", out_channels, 1)
    check_int("kernel_size", kernel_size, 1, odd=True)
    check_int("dilation", dilation, 1)
    # --8<-- [start:conv_bn_relu-body]
    conv = nn.Conv2d(
        in_channels,
        out_channels,
        kernel_size=kernel_size,
        padding=dilation * (kernel_size // 2),
        dilation=dilation,
        bias=False,
    )
    return nn.Sequential(conv, nn.BatchNorm2d(out_channels), nn.ReLU())
    # --8<-- [end:conv_bn_relu-body]


# --8<-- [start:ASPP]
class ASPP(nn.Module):
    """DeepLab v3's ASPP, with torchvision's ReLU and dropout."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        rates: Sequence[int] = (6, 12, 18),
        image_pooling: bool = True,
    ) -> None:
        # --8<-- [end:ASPP]
        """Parallel branches look at the same feature map (Chen et al. 2017, Section 3.3): one
        1x1 convolution, one 3x3 convolution per rate (padding = rate keeps the size) and an
        image-level branch (global average pooling, 1x1 convolution, broadcast back to the
        map's size). Every convolution is followed by batch normalization; the branches are
        concatenated and mixed by one more 1x1 convolution with batch normalization. The rates
        are (6, 12, 18) at output stride 16 and are doubled, (12, 24, 36), at output stride 8.

        Two parts come from ``torchvision.models.segmentation.deeplabv3.ASPP``, not from the
        paper, which names neither: the ReLU after every batch norm, and the dropout 0.5 after
        the final mix (DeepLab's own TensorFlow code has the ReLU and a dropout of 0.1). The
        layout of submodules (``convs``, ``project``) is also torchvision's, so its
        ``state_dict`` loads as it is.

        ```python
        import torch
        from snippets.dilation import ASPP

        aspp = ASPP(in_channels=64, out_channels=32, rates=(6, 12, 18)).eval()
        print(tuple(aspp(torch.zeros(2, 64, 33, 33)).shape))
        #> (2, 32, 33, 33)
        ```

        Args:
            in_channels: channels of the input feature map, ``>= 1``.
            out_channels: channels of every branch and of the output, ``>= 1`` (256 in the
                paper).
            rates: dilation rates of the 3x3 branches, each ``>= 1``.
            image_pooling: add the image-level (global average pooling) branch.

        Raises:
            TypeError: if an argument has the wrong type.
            ValueError: if a channel count or rate is smaller than 1.
        """
        check_int("in_channels", in_channels, 1)
        check_int("out_channels", out_channels, 1)
        check_int_list("rates", rates, 1)
        check_bool("image_pooling", image_pooling)
        # --8<-- [start:ASPP-body]
        super().__init__()
        branches = [conv_bn_relu(in_channels, out_channels, kernel_size=1)]
        for rate in rates:
            branches.append(conv_bn_relu(in_channels, out_channels, kernel_size=3, dilation=rate))
        if image_pooling:  # global average pool to 1 x 1, 1x1 conv, BN, ReLU
            pool = conv_bn_relu(in_channels, out_channels, kernel_size=1)
            branches.append(nn.Sequential(nn.AdaptiveAvgPool2d(output_size=1), *pool))
        self.image_pooling = image_pooling
        self.convs = nn.ModuleList(branches)
        mix = conv_bn_relu(len(branches) * out_channels, out_channels, kernel_size=1)
        self.project = nn.Sequential(*mix, nn.Dropout(p=0.5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outs = [branch(x) for branch in self.convs]
        if self.image_pooling:  # broadcast the 1 x 1 features back to H x W
            outs[-1] = outs[-1].expand(-1, -1, x.shape[-2], x.shape[-1])
        return self.project(torch.cat(outs, dim=1))
        # --8<-- [end:ASPP-body]
