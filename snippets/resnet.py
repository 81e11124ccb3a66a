"""Residual blocks, shortcut options and plain/residual networks of a given depth.

Follows He et al., *Deep Residual Learning for Image Recognition* (CVPR 2016): the basic block
of Fig. 2 / Fig. 3, the shortcut options A and B of §3.3 (and C of Table 3), the CIFAR-style
networks of §4.2 (depth ``6n + 2``) and the ImageNet-style networks of Table 1. ``resnet18`` and
``resnet50`` use torchvision's module names, so a ``torchvision.models.resnet18/50`` state dict
loads into them unchanged; the bottleneck puts its stride on the 3x3 convolution, as
torchvision does ("ResNet v1.5").

Every shown idea is a private core (``_BasicBlock``, ``_Bottleneck``, ...) without argument
checks; the public name of the same idea checks its arguments and then calls the core.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

# --8<-- [start:imports]
import torch
import torch.nn.functional as F
from torch import nn

# --8<-- [end:imports]
# isort: split
from snippets.checks import check_int

SHORTCUT_OPTIONS = ("A", "B", "C")
STRIDE_POSITIONS = ("3x3", "1x1")


def _check_shortcut(shortcut: object) -> str:
    if shortcut not in SHORTCUT_OPTIONS:
        raise ValueError(f"shortcut must be one of {SHORTCUT_OPTIONS}, got {shortcut!r}")
    return shortcut


def _check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return value


def _check_dilate(value: object) -> tuple[bool, bool, bool]:
    if not isinstance(value, Sequence) or len(value) != 3:
        raise ValueError(f"replace_stride_with_dilation must hold 3 bools, got {value!r}")
    for flag in value:
        _check_bool("replace_stride_with_dilation[i]", flag)
    return tuple(value)


def conv3x3(in_channels: int, out_channels: int, stride: int = 1) -> nn.Conv2d:
    """A 3x3 convolution with padding 1 and no bias (the BN after it has one).

    ```python
    import torch
    from snippets.resnet import conv3x3

    print(conv3x3(16, 32, stride=2)(torch.zeros(1, 16, 8, 8)).shape)
    #> torch.Size([1, 32, 4, 4])
    ```

    Args:
        in_channels: input channels, >= 1.
        out_channels: output channels, >= 1.
        stride: step of the kernel, >= 1; 2 halves the height and width.

    Raises:
        TypeError: if an argument is not an integer.
        ValueError: if an argument is < 1.
    """
    check_int("in_channels", in_channels, 1)
    check_int("out_channels", out_channels, 1)
    check_int("stride", stride, 1)
    return nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)


# --8<-- [start:option_a]
class _ZeroPadShortcut(nn.Module):
    """Option A: keep every stride-th pixel, append all-zero channels; no parameters."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.extra_channels = out_channels - in_channels
        self.stride = stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x[:, :, :: self.stride, :: self.stride]  # the pixels a stride-s 1x1 conv sees
        return F.pad(x, (0, 0, 0, 0, 0, self.extra_channels))  # zeros for the new channels


# --8<-- [end:option_a]


class ZeroPadShortcut(_ZeroPadShortcut):
    """Option A: keep every ``stride``-th pixel and append all-zero channels. No parameters.

    ```python
    import torch
    from snippets.resnet import ZeroPadShortcut

    x = torch.ones(1, 64, 8, 8)
    y = ZeroPadShortcut(64, 128, stride=2)(x)
    print(tuple(y.shape), y[0, :64].sum().item(), y[0, 64:].sum().item())
    #> (1, 128, 4, 4) 1024.0 0.0
    ```

    Args:
        in_channels: channels of the input, >= 1.
        out_channels: channels of the output, >= ``in_channels``.
        stride: subsampling step, >= 1.

    Raises:
        TypeError: if an argument is not an integer.
        ValueError: if an argument is out of range.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        check_int("in_channels", in_channels, 1)
        check_int("out_channels", out_channels, in_channels)
        check_int("stride", stride, 1)
        super().__init__(in_channels, out_channels, stride)


# --8<-- [start:option_b]
def _projection_shortcut(in_channels: int, out_channels: int, stride: int = 1) -> nn.Sequential:
    """Option B: W_s x as a 1x1 convolution with the block's stride, then BN."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
        nn.BatchNorm2d(out_channels),
    )


# --8<-- [end:option_b]


def projection_shortcut(in_channels: int, out_channels: int, stride: int = 1) -> nn.Sequential:
    """Option B: ``W_s x`` as a 1x1 convolution with the block's stride, followed by BN.

    ```python
    import torch
    from snippets.resnet import projection_shortcut

    y = projection_shortcut(64, 128, stride=2)(torch.randn(2, 64, 8, 8))
    print(tuple(y.shape))
    #> (2, 128, 4, 4)
    ```

    Args:
        in_channels: channels of the input, >= 1.
        out_channels: channels of the output, >= 1.
        stride: step of the 1x1 kernel, >= 1.

    Raises:
        TypeError: if an argument is not an integer.
        ValueError: if an argument is < 1.
    """
    check_int("in_channels", in_channels, 1)
    check_int("out_channels", out_channels, 1)
    check_int("stride", stride, 1)
    return _projection_shortcut(in_channels, out_channels, stride)


# --8<-- [start:basic_block]
class _BasicBlock(nn.Module):
    """conv3x3-BN-ReLU-conv3x3-BN, add the shortcut, ReLU (He et al. 2016, Fig. 2)."""

    expansion = 1  # output channels per "planes" (torchvision's name)

    def __init__(
        self, in_channels, out_channels, stride=1, *, shortcut="B", residual=True, dilation=1
    ):
        super().__init__()
        self.residual = residual
        d = dilation  # padding = dilation keeps the size
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, d, d, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, d, d, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU()
        self.downsample = None  # None: the shortcut is the identity
        if residual and (shortcut == "C" or stride != 1 or in_channels != out_channels):
            if shortcut == "A":
                self.downsample = _ZeroPadShortcut(in_channels, out_channels, stride)
            else:
                self.downsample = _projection_shortcut(in_channels, out_channels, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))  # F(x)
        if self.residual:
            out = out + (x if self.downsample is None else self.downsample(x))  # F(x) + x
        return self.relu(out)  # the ReLU after the addition (§3.2)


# --8<-- [end:basic_block]


class BasicBlock(_BasicBlock):
    """conv3x3-BN-ReLU-conv3x3-BN, add the shortcut, ReLU (He et al. 2016, Fig. 2).

    With ``residual=False`` the addition is dropped: the same two layers form a *plain* block.
    The shortcut is the identity when the shapes agree (``downsample`` is ``None``, as in
    torchvision); otherwise option ``"A"`` (zero-pad) or ``"B"`` (1x1 projection) in
    ``downsample``. Option ``"C"`` projects on every block. The module names are torchvision's.

    ```python
    import torch
    from snippets.resnet import BasicBlock

    block = BasicBlock(64, 64)
    print(tuple(block(torch.randn(2, 64, 8, 8)).shape), block.downsample)
    #> (2, 64, 8, 8) None
    ```

    Args:
        in_channels: channels of the input, >= 1.
        out_channels: channels of the output, >= 1.
        stride: stride of the first convolution, >= 1.
        shortcut: ``"A"``, ``"B"`` or ``"C"``.
        residual: add the shortcut (``True``) or build a plain block (``False``).
        dilation: dilation of both 3x3 convolutions, >= 1 (padding = dilation keeps the size).

    Raises:
        TypeError: if a size is not an integer or ``residual`` is not a bool.
        ValueError: if a size is < 1, ``shortcut`` is unknown, or option A is asked to
            reduce the number of channels.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        stride: int = 1,
        *,
        shortcut: str = "B",
        residual: bool = True,
        dilation: int = 1,
    ) -> None:
        _check_shortcut(shortcut)
        _check_bool("residual", residual)
        check_int("in_channels", in_channels, 1)
        check_int("out_channels", out_channels, 1)
        check_int("stride", stride, 1)
        check_int("dilation", dilation, 1)
        if residual and shortcut == "A" and out_channels < in_channels:
            raise ValueError(
                f"out_channels must be >= in_channels ({in_channels}) for option A, "
                f"got {out_channels}"
            )
        super().__init__(
            in_channels,
            out_channels,
            stride,
            shortcut=shortcut,
            residual=residual,
            dilation=dilation,
        )


# --8<-- [start:bottleneck]
class _Bottleneck(nn.Module):
    """1x1 reduce, 3x3, 1x1 expand (x4), add the shortcut, ReLU (He et al. 2016, Fig. 5)."""

    expansion = 4

    def __init__(self, in_channels, planes, stride=1, *, dilation=1, stride_on="3x3"):
        super().__init__()
        out_channels = planes * self.expansion
        s1, s3 = (stride, 1) if stride_on == "1x1" else (1, stride)  # torchvision: "3x3"
        self.conv1 = nn.Conv2d(in_channels, planes, 1, s1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, s3, dilation, dilation, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, out_channels, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU()
        self.downsample = None  # None: the shortcut is the identity
        if stride != 1 or in_channels != out_channels:
            self.downsample = _projection_shortcut(in_channels, out_channels, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))  # F(x)
        shortcut = x if self.downsample is None else self.downsample(x)
        return self.relu(out + shortcut)


# --8<-- [end:bottleneck]


class Bottleneck(_Bottleneck):
    """The bottleneck block of ResNet-50/101/152 (He et al. 2016, Fig. 5 right), as torchvision.

    A 1x1 convolution reduces the channels to ``planes``, a 3x3 convolution works at that width,
    a 1x1 convolution expands to ``4 * planes``; each is followed by BN, the first two by ReLU;
    then the shortcut is added and a ReLU follows. The shortcut is the identity when the shapes
    agree (``downsample`` is ``None``), otherwise a 1x1 projection (option B). torchvision puts
    the stride on the 3x3 convolution ("ResNet v1.5"); ``stride_on="1x1"`` puts it on the first
    1x1 convolution instead, as the original implementation does. ``dilation`` applies to the
    3x3 convolution (padding = dilation keeps the size), as in torchvision.

    ```python
    import torch
    from snippets.resnet import Bottleneck

    block = Bottleneck(256, 128, stride=2)
    print(tuple(block(torch.randn(1, 256, 8, 8)).shape), block.conv2.stride)
    #> (1, 512, 4, 4) (2, 2)
    ```

    Args:
        in_channels: channels of the input, >= 1.
        planes: channels inside the block, >= 1; the block outputs ``4 * planes``.
        stride: stride of the block, >= 1.
        dilation: dilation of the 3x3 convolution, >= 1.
        stride_on: ``"3x3"`` (torchvision, v1.5) or ``"1x1"`` (the original v1).

    Raises:
        TypeError: if a size is not an integer.
        ValueError: if a size is < 1 or ``stride_on`` is unknown.
    """

    def __init__(
        self,
        in_channels: int,
        planes: int,
        stride: int = 1,
        *,
        dilation: int = 1,
        stride_on: str = "3x3",
    ) -> None:
        check_int("in_channels", in_channels, 1)
        check_int("planes", planes, 1)
        check_int("stride", stride, 1)
        check_int("dilation", dilation, 1)
        if stride_on not in STRIDE_POSITIONS:
            raise ValueError(f"stride_on must be one of {STRIDE_POSITIONS}, got {stride_on!r}")
        super().__init__(in_channels, planes, stride, dilation=dilation, stride_on=stride_on)


# --8<-- [start:preact_block]
class _PreActBlock(nn.Module):
    """Full pre-activation unit (He et al., ECCV 2016, Fig. 4e): nothing after the addition."""

    def __init__(self, channels):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv1(self.relu(self.bn1(x)))  # BN and ReLU come before each weight layer
        out = self.conv2(self.relu(self.bn2(out)))  # F(x)
        return x + out  # x_{l+1} = x_l + F(x_l): the shortcut stays a clean identity


# --8<-- [end:preact_block]


class PreActBlock(_PreActBlock):
    """The full pre-activation residual unit of He et al. (ECCV 2016, Fig. 4e and §4).

    ``x + conv(ReLU(BN(conv(ReLU(BN(x))))))``: BN and ReLU move in front of each 3x3
    convolution, and nothing follows the addition, so ``x_{l+1} = x_l + F(x_l)`` holds exactly
    (the paper's Eq. 3). The unit keeps the shape of its input.

    ```python
    import torch
    from snippets.resnet import PreActBlock

    block = PreActBlock(16)
    x = torch.randn(2, 16, 8, 8)
    print(tuple(block(x).shape), bool((block(x) < 0).any()))  # no ReLU at the end
    #> (2, 16, 8, 8) True
    ```

    Args:
        channels: channels of the input and the output, >= 1.

    Raises:
        TypeError: if ``channels`` is not an integer.
        ValueError: if ``channels`` < 1.
    """

    def __init__(self, channels: int) -> None:
        check_int("channels", channels, 1)
        super().__init__(channels)


# --8<-- [start:resnet]
class _ResNet(nn.Module):
    """Stem, four stages of blocks, pooling, classifier; torchvision's names and dilation."""

    def __init__(self, block, layers, num_classes=1000, dilate=(False, False, False)):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        channels, dilation = 64, 1
        for stage, (planes, count) in enumerate(zip((64, 128, 256, 512), layers, strict=True)):
            stride, first_dilation = (1 if stage == 0 else 2), dilation
            if stage > 0 and dilate[stage - 1]:  # trade the stride for dilation
                dilation, stride = dilation * stride, 1
            blocks = [block(channels, planes, stride, dilation=first_dilation)]
            channels = planes * block.expansion
            blocks += [block(channels, planes, dilation=dilation) for _ in range(count - 1)]
            self.add_module(f"layer{stage + 1}", nn.Sequential(*blocks))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


# --8<-- [end:resnet]


class ResNet(_ResNet):
    """An ImageNet ResNet laid out and named as ``torchvision.models.ResNet``.

    A 7x7/2 stem convolution, BN, ReLU and 3x3/2 max pooling (``conv1``, ``bn1``, ``relu``,
    ``maxpool``); four stages ``layer1`` ... ``layer4`` of ``layers[i]`` blocks with 64, 128,
    256 and 512 ``planes`` (stride 2 at the start of stages 2-4); global average pooling
    (``avgpool``) and a linear classifier (``fc``). With ``replace_stride_with_dilation[i]``
    the stride of stage ``i + 2`` becomes 1 and the dilation of its 3x3 convolutions doubles
    instead; its first block keeps the dilation of the stage before, as in torchvision.

    ```python
    import torch
    from snippets.resnet import Bottleneck, ResNet

    model = ResNet(Bottleneck, (1, 1, 1, 1), num_classes=10).eval()
    print(tuple(model(torch.zeros(1, 3, 64, 64)).shape))
    #> (1, 10)
    ```

    Args:
        block: [`BasicBlock`][BasicBlock] or [`Bottleneck`][Bottleneck].
        layers: four block counts, each >= 1.
        num_classes: outputs of the classifier, >= 1.
        replace_stride_with_dilation: three bools, for stages 2, 3 and 4.

    Raises:
        TypeError: if ``block`` is not one of the two blocks, or a flag is not a bool.
        ValueError: if the counts or flags are malformed, or dilation is asked of
            [`BasicBlock`][BasicBlock] (torchvision's ``BasicBlock`` does not support it either).
    """

    def __init__(
        self,
        block: type[BasicBlock] | type[Bottleneck],
        layers: Sequence[int],
        num_classes: int = 1000,
        replace_stride_with_dilation: Sequence[bool] = (False, False, False),
    ) -> None:
        if block not in (BasicBlock, Bottleneck):
            raise TypeError(f"block must be BasicBlock or Bottleneck, got {block!r}")
        if not isinstance(layers, Sequence) or len(layers) != 4:
            raise ValueError(f"layers must hold 4 block counts, got {layers!r}")
        for count in layers:
            check_int("layers[i]", count, 1)
        check_int("num_classes", num_classes, 1)
        dilate = _check_dilate(replace_stride_with_dilation)
        if block is BasicBlock and any(dilate):
            raise ValueError(
                "replace_stride_with_dilation must be (False, False, False) with BasicBlock: "
                "like torchvision, only Bottleneck networks take dilation"
            )
        super().__init__(block, tuple(layers), num_classes, dilate)


def resnet18(
    num_classes: int = 1000,
    replace_stride_with_dilation: Sequence[bool] = (False, False, False),
) -> ResNet:
    """ResNet-18 (He et al. 2016, Table 1) of [`BasicBlock`][BasicBlock], with torchvision's names.

    ``torchvision.models.resnet18(weights=None).state_dict()`` loads into it with
    ``strict=True``, and then both compute the same outputs (``tests/test_resnet.py``).

    ```python
    from snippets.params import count_parameters
    from snippets.resnet import resnet18

    print(f"{count_parameters(resnet18()):,}")
    #> 11,689,512
    ```

    Args:
        num_classes: outputs of the classifier, >= 1.
        replace_stride_with_dilation: must stay ``(False, False, False)``: torchvision's
            ``BasicBlock`` has no dilated form, and this function follows it.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if ``num_classes`` < 1 or dilation is asked for.
    """
    return ResNet(BasicBlock, (2, 2, 2, 2), num_classes, replace_stride_with_dilation)


def resnet50(
    num_classes: int = 1000,
    replace_stride_with_dilation: Sequence[bool] = (False, False, False),
) -> ResNet:
    """ResNet-50 (He et al. 2016, Table 1) of [`Bottleneck`][Bottleneck], with torchvision's names.

    The stride of each down-sampling block is on its 3x3 convolution, as in torchvision
    ("ResNet v1.5"). ``torchvision.models.resnet50(weights=None, replace_stride_with_dilation=
    ...)`` state dicts load into it with ``strict=True``, and then both compute the same outputs.
    ``replace_stride_with_dilation=(False, True, True)`` gives DeepLab's output stride 8.

    ```python
    import torch
    from snippets.resnet import resnet50

    model = resnet50(replace_stride_with_dilation=(False, True, True)).eval()
    features = torch.nn.Sequential(*list(model.children())[:-2])  # up to layer4
    print(tuple(features(torch.zeros(1, 3, 64, 64)).shape))  # 64 / 8 = 8
    #> (1, 2048, 8, 8)
    ```

    Args:
        num_classes: outputs of the classifier, >= 1.
        replace_stride_with_dilation: three bools: replace the stride 2 of stages 2, 3, 4 by
            dilation.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if ``num_classes`` < 1 or the flags are not three bools.
    """
    return ResNet(Bottleneck, (3, 4, 6, 3), num_classes, replace_stride_with_dilation)


class _StageNet(nn.Module):
    """CIFAR-style net of depth 6n + 2 (§4.2): stem, 3 stages of n blocks, pool, linear."""

    def __init__(
        self,
        depth,
        *,
        residual=True,
        widths=(16, 32, 64),
        shortcut="A",
        in_channels=1,
        num_classes=10,
    ):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, widths[0], 3, padding=1, bias=False),
            nn.BatchNorm2d(widths[0]),
            nn.ReLU(),
        )
        blocks, channels = [], widths[0]
        for stage, width in enumerate(widths):
            for index in range((depth - 2) // 6):
                stride = 2 if stage > 0 and index == 0 else 1
                blocks.append(
                    _BasicBlock(channels, width, stride, shortcut=shortcut, residual=residual)
                )
                channels = width
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.blocks(self.stem(x)))

    def weighted_layers(self) -> list[nn.Module]:
        """The depth convolutions and the linear layer, input to output (no shortcuts)."""
        convs = [self.stem[0]] + [c for b in self.blocks for c in (b.conv1, b.conv2)]
        return [*convs, self.head[2]]


class StageNet(_StageNet):
    """A CIFAR-style network (He et al. 2016, §4.2): ``depth = 6n + 2`` weighted layers.

    A 3x3 stem convolution, three stages of ``n`` blocks (two 3x3 convolutions each) whose
    widths are ``widths``; the first block of stages 2 and 3 has stride 2. Global average
    pooling and one linear layer finish it. ``residual=False`` gives the plain twin: the same
    layers without the additions.

    ```python
    import torch
    from snippets.resnet import StageNet

    net = StageNet(20, residual=True)
    print(len(net.weighted_layers()), tuple(net(torch.zeros(4, 1, 8, 8)).shape))
    #> 20 (4, 10)
    ```

    Args:
        depth: number of weighted layers, ``6n + 2`` with ``n >= 1`` (8, 14, 20, ..., 56, ...).
        residual: add shortcuts (ResNet) or not (plain network).
        widths: channels of the three stages, each >= 1.
        shortcut: option used where a stage changes the shape (``"A"``, ``"B"`` or ``"C"``).
        in_channels: channels of the input image, >= 1.
        num_classes: outputs of the last layer, >= 2.

    Raises:
        TypeError: if an integer argument is not an integer.
        ValueError: if ``depth`` is not ``6n + 2``, or another argument is out of range.
    """

    def __init__(
        self,
        depth: int,
        *,
        residual: bool = True,
        widths: tuple[int, int, int] = (16, 32, 64),
        shortcut: str = "A",
        in_channels: int = 1,
        num_classes: int = 10,
    ) -> None:
        check_int("depth", depth, 8)
        if (depth - 2) % 6:
            raise ValueError(f"depth must be 6n + 2 with n >= 1 (8, 14, 20, ...), got {depth}")
        _check_bool("residual", residual)
        if len(widths) != 3:
            raise ValueError(f"widths must hold 3 stage widths, got {len(widths)}")
        for width in widths:
            check_int("widths[i]", width, 1)
        if any(b < a for a, b in itertools.pairwise(widths)) and shortcut == "A":
            raise ValueError(f"widths must not decrease with option A, got {widths}")
        _check_shortcut(shortcut)
        check_int("in_channels", in_channels, 1)
        check_int("num_classes", num_classes, 2)
        super().__init__(
            depth,
            residual=residual,
            widths=tuple(widths),
            shortcut=shortcut,
            in_channels=in_channels,
            num_classes=num_classes,
        )


def imagenet_resnet(
    blocks_per_stage: tuple[int, int, int, int] = (2, 2, 2, 2),
    *,
    shortcut: str = "B",
    num_classes: int = 1000,
) -> nn.Sequential:
    """An ImageNet ResNet of He et al. 2016, Table 1, built from [`BasicBlock`][BasicBlock].

    ``(2, 2, 2, 2)`` is ResNet-18 and ``(3, 4, 6, 3)`` ResNet-34: a 7x7/2 stem convolution,
    BN, ReLU and 3x3/2 max pooling; four stages of widths 64, 128, 256, 512 (stride 2 at the
    start of stages 2-4); global average pooling and a linear classifier. Unlike
    [`resnet18`][resnet18], it takes any shortcut option (for Table 3) and returns one
    ``nn.Sequential``.

    ```python
    from snippets.params import count_parameters
    from snippets.resnet import imagenet_resnet

    print(f"{count_parameters(imagenet_resnet((2, 2, 2, 2))):,}")
    #> 11,689,512
    ```

    Args:
        blocks_per_stage: four counts, each >= 1.
        shortcut: ``"A"``, ``"B"`` or ``"C"`` (Table 3).
        num_classes: outputs of the classifier, >= 2.

    Raises:
        TypeError: if a count is not an integer.
        ValueError: if there are not four counts, a count is < 1 or ``shortcut`` is unknown.
    """
    if len(blocks_per_stage) != 4:
        raise ValueError(f"blocks_per_stage must hold 4 counts, got {len(blocks_per_stage)}")
    for count in blocks_per_stage:
        check_int("blocks_per_stage[i]", count, 1)
    _check_shortcut(shortcut)
    check_int("num_classes", num_classes, 2)
    layers: list[nn.Module] = [
        nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False),
        nn.BatchNorm2d(64),
        nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    ]
    channels = 64
    for stage, (width, count) in enumerate(zip((64, 128, 256, 512), blocks_per_stage, strict=True)):
        for index in range(count):
            stride = 2 if stage > 0 and index == 0 else 1
            layers.append(BasicBlock(channels, width, stride, shortcut=shortcut))
            channels = width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes)]
    return nn.Sequential(*layers)
