"""Residual blocks, shortcut options and plain/residual networks of a given depth.

Follows He et al., *Deep Residual Learning for Image Recognition* (CVPR 2016): the basic block
of Fig. 2 / Fig. 3, the shortcut options A and B of §3.3 (and C of Table 3), the CIFAR-style
networks of §4.2 (depth ``6n + 2``) and the ImageNet-style networks of Table 1.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

SHORTCUT_OPTIONS = ("A", "B", "C")


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return value


def _check_shortcut(shortcut: object) -> str:
    if shortcut not in SHORTCUT_OPTIONS:
        raise ValueError(f"shortcut must be one of {SHORTCUT_OPTIONS}, got {shortcut!r}")
    return shortcut


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
    _check_int("in_channels", in_channels, 1)
    _check_int("out_channels", out_channels, 1)
    _check_int("stride", stride, 1)
    return nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)


# --8<-- [start:option_a]
class ZeroPadShortcut(nn.Module):
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
        super().__init__()
        _check_int("in_channels", in_channels, 1)
        _check_int("out_channels", out_channels, in_channels)
        self.extra_channels = out_channels - in_channels
        self.stride = _check_int("stride", stride, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x[:, :, :: self.stride, :: self.stride]  # subsample: same pixels a stride-s 1x1 sees
        return F.pad(x, (0, 0, 0, 0, 0, self.extra_channels))  # zeros for the new channels


# --8<-- [end:option_a]


# --8<-- [start:option_b]
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
    _check_int("in_channels", in_channels, 1)
    _check_int("out_channels", out_channels, 1)
    _check_int("stride", stride, 1)
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
        nn.BatchNorm2d(out_channels),
    )


# --8<-- [end:option_b]


# --8<-- [start:basic_block]
class BasicBlock(nn.Module):
    """conv3x3-BN-ReLU-conv3x3-BN, add the shortcut, ReLU (He et al. 2016, Fig. 2).

    With ``residual=False`` the addition is dropped: the same two layers form a *plain* block.
    The shortcut is the identity when the shapes agree; otherwise option ``"A"`` (zero-pad) or
    ``"B"`` (1x1 projection). Option ``"C"`` projects on every block.

    ```python
    import torch
    from snippets.resnet import BasicBlock

    block = BasicBlock(64, 64)
    print(tuple(block(torch.randn(2, 64, 8, 8)).shape), type(block.shortcut).__name__)
    #> (2, 64, 8, 8) Identity
    ```

    Args:
        in_channels: channels of the input, >= 1.
        out_channels: channels of the output, >= 1.
        stride: stride of the first convolution, >= 1.
        shortcut: ``"A"``, ``"B"`` or ``"C"``.
        residual: add the shortcut (``True``) or build a plain block (``False``).

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
    ) -> None:
        super().__init__()
        _check_shortcut(shortcut)
        if not isinstance(residual, bool):
            raise TypeError(f"residual must be a bool, got {type(residual).__name__}")
        self.residual = residual
        self.conv1 = conv3x3(in_channels, out_channels, stride)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = conv3x3(out_channels, out_channels)
        self.bn2 = nn.BatchNorm2d(out_channels)
        same_shape = stride == 1 and in_channels == out_channels
        if not residual:
            self.shortcut = None
        elif shortcut == "C" or (shortcut == "B" and not same_shape):
            self.shortcut = projection_shortcut(in_channels, out_channels, stride)
        elif shortcut == "A" and not same_shape:
            self.shortcut = ZeroPadShortcut(in_channels, out_channels, stride)
        else:
            self.shortcut = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))  # F(x)
        if self.shortcut is not None:
            out = out + self.shortcut(x)  # F(x) + x  (or F(x) + W_s x)
        return F.relu(out)


# --8<-- [end:basic_block]


# --8<-- [start:stage_net]
class StageNet(nn.Module):
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
        super().__init__()
        _check_int("depth", depth, 8)
        if (depth - 2) % 6:
            raise ValueError(f"depth must be 6n + 2 with n >= 1 (8, 14, 20, ...), got {depth}")
        if len(widths) != 3:
            raise ValueError(f"widths must hold 3 stage widths, got {len(widths)}")
        for width in widths:
            _check_int("widths[i]", width, 1)
        _check_int("num_classes", num_classes, 2)
        blocks_per_stage = (depth - 2) // 6
        self.stem = nn.Sequential(
            conv3x3(in_channels, widths[0]), nn.BatchNorm2d(widths[0]), nn.ReLU()
        )
        blocks, channels = [], widths[0]
        for stage, width in enumerate(widths):
            for index in range(blocks_per_stage):
                stride = 2 if stage > 0 and index == 0 else 1
                blocks.append(
                    BasicBlock(channels, width, stride, shortcut=shortcut, residual=residual)
                )
                channels = width
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.blocks(self.stem(x)))

    def weighted_layers(self) -> list[nn.Module]:
        """The ``depth`` convolutions and the linear layer, input to output (no shortcuts)."""
        convs = [self.stem[0]]
        for block in self.blocks:
            convs += [block.conv1, block.conv2]
        return [*convs, self.head[2]]


# --8<-- [end:stage_net]


def imagenet_resnet(
    blocks_per_stage: tuple[int, int, int, int] = (2, 2, 2, 2),
    *,
    shortcut: str = "B",
    num_classes: int = 1000,
) -> nn.Sequential:
    """An ImageNet ResNet of He et al. 2016, Table 1, built from :class:`BasicBlock`.

    ``(2, 2, 2, 2)`` is ResNet-18 and ``(3, 4, 6, 3)`` ResNet-34: a 7x7/2 stem convolution,
    BN, ReLU and 3x3/2 max pooling; four stages of widths 64, 128, 256, 512 (stride 2 at the
    start of stages 2-4); global average pooling and a linear classifier.

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
        _check_int("blocks_per_stage[i]", count, 1)
    _check_shortcut(shortcut)
    _check_int("num_classes", num_classes, 2)
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
