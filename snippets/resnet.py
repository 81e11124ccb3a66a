"""Residual blocks, shortcut options and residual networks, shown on the residual-networks page.

Follows He et al., *Deep Residual Learning for Image Recognition* (CVPR 2016): the basic block
of Fig. 2 / Fig. 3, the shortcut options A and B of §3.3 (and C of Table 3), the CIFAR-style
networks of §4.2 (depth ``6n + 2``) and the ImageNet-style networks of Table 1. ``ResNet``,
``resnet18`` and ``resnet50`` use torchvision's module names, so a
``torchvision.models.resnet18/50`` state dict loads into them unchanged; the bottleneck puts
its stride on the 3x3 convolution, as torchvision does ("ResNet v1.5"). The pre-activation unit
is that of He et al., *Identity Mappings in Deep Residual Networks* (ECCV 2016).
"""

from __future__ import annotations

# isort: split
# --8<-- [start:imports]
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

# --8<-- [end:imports]
# isort: split
from snippets.checks import check_bool, check_choice, check_int, check_int_list

SHORTCUT_OPTIONS = ("A", "B", "C")
STRIDE_POSITIONS = ("3x3", "1x1")


def _check_stride_with_dilation(value: object) -> None:
    """``replace_stride_with_dilation`` holds three bools, one for each of stages 2, 3 and 4."""
    if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != 3:
        raise ValueError(f"replace_stride_with_dilation must hold 3 bools, got {value!r}")
    for flag in value:
        check_bool("replace_stride_with_dilation[i]", flag)


# --8<-- [start:ZeroPadShortcut]
class ZeroPadShortcut(nn.Module):
    """Option A (§3.3): keep every stride-th pixel, append all-zero channels; no parameters."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        # --8<-- [end:ZeroPadShortcut]
        """The shortcut stays an identity: it subsamples like a stride-``stride`` 1x1 kernel and
        pads the ``out_channels - in_channels`` new channels with zeros.

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
        check_int("in_channels", in_channels, 1)
        check_int("out_channels", out_channels, in_channels)
        check_int("stride", stride, 1)
        # --8<-- [start:ZeroPadShortcut-body]
        super().__init__()
        self.extra_channels = out_channels - in_channels
        self.stride = stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x[:, :, :: self.stride, :: self.stride]  # the pixels a stride-s 1x1 conv sees
        return F.pad(x, (0, 0, 0, 0, 0, self.extra_channels))  # zeros for the new channels
        # --8<-- [end:ZeroPadShortcut-body]


# --8<-- [start:projection_shortcut]
def projection_shortcut(in_channels: int, out_channels: int, stride: int = 1) -> nn.Sequential:
    # --8<-- [end:projection_shortcut]
    """Option B (§3.3): ``W_s x`` as a 1x1 convolution with the block's stride, followed by BN.

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
    # --8<-- [start:projection_shortcut-body]
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
        nn.BatchNorm2d(out_channels),
    )
    # --8<-- [end:projection_shortcut-body]


# --8<-- [start:BasicBlock]
class BasicBlock(nn.Module):
    """conv3x3-BN-ReLU-conv3x3-BN, add the shortcut, ReLU (He et al. 2016, Fig. 2)."""

    expansion = 1  # output channels per "planes" (torchvision's name)

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
        # --8<-- [end:BasicBlock]
        """With ``residual=False`` the addition is dropped: the same two layers form a *plain*
        block. The shortcut is the identity when the shapes agree (``downsample`` is ``None``,
        as in torchvision); otherwise option ``"A"`` ([`ZeroPadShortcut`][ZeroPadShortcut]) or
        ``"B"`` ([`projection_shortcut`][projection_shortcut]) in ``downsample``. Option ``"C"``
        projects on every block. The module names are torchvision's.

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
        check_int("in_channels", in_channels, 1)
        check_int("out_channels", out_channels, 1)
        check_int("stride", stride, 1)
        check_choice("shortcut", shortcut, SHORTCUT_OPTIONS)
        check_bool("residual", residual)
        check_int("dilation", dilation, 1)
        if residual and shortcut == "A" and out_channels < in_channels:
            raise ValueError(
                f"out_channels must be >= in_channels ({in_channels}) for option A, "
                f"got {out_channels}"
            )
        # --8<-- [start:BasicBlock-body]
        super().__init__()
        self.residual = residual
        self.conv1 = nn.Conv2d(
            in_channels,
            out_channels,
            kernel_size=3,
            stride=stride,
            padding=dilation,  # padding = dilation keeps the size
            dilation=dilation,
            bias=False,
        )
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(
            out_channels,
            out_channels,
            kernel_size=3,
            padding=dilation,
            dilation=dilation,
            bias=False,
        )
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU()
        self.downsample = None  # None: the shortcut is the identity
        if residual and (shortcut == "C" or stride != 1 or in_channels != out_channels):
            if shortcut == "A":
                self.downsample = ZeroPadShortcut(in_channels, out_channels, stride)
            else:
                self.downsample = projection_shortcut(in_channels, out_channels, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv1(x)
        out = self.bn1(out)
        out = self.relu(out)
        out = self.conv2(out)
        out = self.bn2(out)  # F(x)
        if self.residual:
            identity = x if self.downsample is None else self.downsample(x)
            out = out + identity  # F(x) + x
        return self.relu(out)  # the ReLU after the addition (§3.2)
        # --8<-- [end:BasicBlock-body]


# --8<-- [start:Bottleneck]
class Bottleneck(nn.Module):
    """1x1 reduce, 3x3, 1x1 expand (x4), add the shortcut, ReLU (He et al. 2016, Fig. 5)."""

    expansion = 4  # output channels per "planes"

    def __init__(
        self,
        in_channels: int,
        planes: int,
        stride: int = 1,
        *,
        shortcut: str = "B",
        dilation: int = 1,
        stride_on: str = "3x3",
    ) -> None:
        # --8<-- [end:Bottleneck]
        """The block of ResNet-50/101/152 (Fig. 5 right), as torchvision builds it.

        A 1x1 convolution reduces the channels to ``planes``, a 3x3 convolution works at that
        width, a 1x1 convolution expands to ``4 * planes``; each is followed by BN, the first two
        by ReLU; then the shortcut is added and a ReLU follows. The shortcut is the identity when
        the shapes agree (``downsample`` is ``None``), otherwise option ``"B"``, a 1x1 projection,
        as in torchvision (or ``"A"``, zero-padding; ``"C"`` projects on every block).
        torchvision puts the stride on the 3x3 convolution ("ResNet v1.5"); ``stride_on="1x1"``
        puts it on the first 1x1 convolution instead, as the original implementation does.
        ``dilation`` applies to the 3x3 convolution (padding = dilation keeps the size), as in
        torchvision.

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
            shortcut: ``"A"``, ``"B"`` or ``"C"``.
            dilation: dilation of the 3x3 convolution, >= 1.
            stride_on: ``"3x3"`` (torchvision, v1.5) or ``"1x1"`` (the original v1).

        Raises:
            TypeError: if a size is not an integer.
            ValueError: if a size is < 1, ``shortcut`` or ``stride_on`` is unknown, or option A
                is asked to reduce the number of channels.
        """
        check_int("in_channels", in_channels, 1)
        check_int("planes", planes, 1)
        check_int("stride", stride, 1)
        check_choice("shortcut", shortcut, SHORTCUT_OPTIONS)
        check_int("dilation", dilation, 1)
        check_choice("stride_on", stride_on, STRIDE_POSITIONS)
        if shortcut == "A" and planes * self.expansion < in_channels:
            raise ValueError(
                f"planes must be >= {-(-in_channels // self.expansion)} for option A "
                f"(4 * planes >= in_channels), got {planes}"
            )
        # --8<-- [start:Bottleneck-body]
        super().__init__()
        out_channels = planes * self.expansion
        stride_1x1, stride_3x3 = (stride, 1) if stride_on == "1x1" else (1, stride)
        self.conv1 = nn.Conv2d(in_channels, planes, kernel_size=1, stride=stride_1x1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(
            planes,
            planes,
            kernel_size=3,
            stride=stride_3x3,
            padding=dilation,
            dilation=dilation,
            bias=False,
        )
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, out_channels, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU()
        self.downsample = None  # None: the shortcut is the identity
        if shortcut == "C" or stride != 1 or in_channels != out_channels:
            if shortcut == "A":
                self.downsample = ZeroPadShortcut(in_channels, out_channels, stride)
            else:
                self.downsample = projection_shortcut(in_channels, out_channels, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv1(x)
        out = self.bn1(out)
        out = self.relu(out)
        out = self.conv2(out)
        out = self.bn2(out)
        out = self.relu(out)
        out = self.conv3(out)
        out = self.bn3(out)  # F(x)
        identity = x if self.downsample is None else self.downsample(x)
        out = out + identity
        return self.relu(out)
        # --8<-- [end:Bottleneck-body]


# --8<-- [start:PreActBlock]
class PreActBlock(nn.Module):
    """Full pre-activation unit (He et al., ECCV 2016, Fig. 4e): nothing after the addition."""

    def __init__(self, channels: int) -> None:
        # --8<-- [end:PreActBlock]
        """``x + conv(ReLU(BN(conv(ReLU(BN(x))))))``: BN and ReLU move in front of each 3x3
        convolution, and nothing follows the addition, so ``x_{l+1} = x_l + F(x_l)`` holds
        exactly (the paper's Eq. 3 and §4). The unit keeps the shape of its input.

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
        check_int("channels", channels, 1)
        # --8<-- [start:PreActBlock-body]
        super().__init__()
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1, bias=False)
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.bn1(x)  # BN and ReLU come before each weight layer
        out = self.relu(out)
        out = self.conv1(out)
        out = self.bn2(out)
        out = self.relu(out)
        out = self.conv2(out)  # F(x)
        return x + out  # x_{l+1} = x_l + F(x_l): the shortcut stays a clean identity
        # --8<-- [end:PreActBlock-body]


# --8<-- [start:ResNet]
class ResNet(nn.Module):
    """Stem, four stages of blocks, pooling, classifier (He et al. 2016, Table 1; torchvision)."""

    def __init__(
        self,
        block: type[BasicBlock | Bottleneck],
        layers: Sequence[int],
        num_classes: int = 1000,
        replace_stride_with_dilation: Sequence[bool] = (False, False, False),
        *,
        shortcut: str = "B",
    ) -> None:
        # --8<-- [end:ResNet]
        """An ImageNet ResNet laid out and named as ``torchvision.models.ResNet``.

        A 7x7/2 stem convolution, BN, ReLU and 3x3/2 max pooling (``conv1``, ``bn1``, ``relu``,
        ``maxpool``); four stages ``layer1`` ... ``layer4`` of ``layers[i]`` blocks with 64,
        128, 256 and 512 ``planes`` (stride 2 at the start of stages 2-4), each built by
        [`make_stage`][snippets.resnet.ResNet.make_stage]; global average pooling
        (``avgpool``) and a linear classifier (``fc``). ``ResNet(BasicBlock, (3, 4, 6, 3))``
        is ResNet-34, and ``shortcut`` picks the paper's option for every block (Table 3).
        With ``replace_stride_with_dilation[i]`` the stride of stage ``i + 2`` becomes 1 and
        the dilation of its 3x3 convolutions doubles instead; its first block keeps the
        dilation of the stage before, as in torchvision.

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
            shortcut: ``"A"``, ``"B"`` (torchvision) or ``"C"``, for every block.

        Raises:
            TypeError: if ``block`` is not one of the two blocks, a count is not an integer or a
                flag is not a bool.
            ValueError: if the counts or flags are malformed, ``shortcut`` is unknown, or
                dilation is asked of [`BasicBlock`][BasicBlock] (torchvision's ``BasicBlock``
                does not support it either).
        """
        if block not in (BasicBlock, Bottleneck):
            raise TypeError(f"block must be BasicBlock or Bottleneck, got {block!r}")
        check_int_list("layers", layers, 1)
        if len(layers) != 4:
            raise ValueError(f"layers must hold 4 block counts, got {layers!r}")
        check_int("num_classes", num_classes, 1)
        _check_stride_with_dilation(replace_stride_with_dilation)
        check_choice("shortcut", shortcut, SHORTCUT_OPTIONS)
        if block is BasicBlock and any(replace_stride_with_dilation):
            raise ValueError(
                "replace_stride_with_dilation must be (False, False, False) with BasicBlock: "
                "like torchvision, only Bottleneck networks take dilation"
            )
        # --8<-- [start:ResNet-body]
        super().__init__()
        self.shortcut = shortcut
        self.in_channels = 64  # channels entering the next stage
        self.dilation = 1
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        dilate = replace_stride_with_dilation
        self.layer1 = self.make_stage(block, 64, layers[0])
        self.layer2 = self.make_stage(block, 128, layers[1], stride=2, dilate=dilate[0])
        self.layer3 = self.make_stage(block, 256, layers[2], stride=2, dilate=dilate[1])
        self.layer4 = self.make_stage(block, 512, layers[3], stride=2, dilate=dilate[2])
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512 * block.expansion, num_classes)

    def make_stage(
        self,
        block: type[BasicBlock | Bottleneck],
        planes: int,
        blocks: int,
        stride: int = 1,
        dilate: bool = False,
    ) -> nn.Sequential:
        """One stage of ``blocks`` blocks; only the first one changes the shape."""
        first_dilation = self.dilation
        if dilate:  # trade the stride for dilation
            self.dilation *= stride
            stride = 1
        first = block(
            self.in_channels, planes, stride, shortcut=self.shortcut, dilation=first_dilation
        )
        self.in_channels = planes * block.expansion
        rest = [
            block(self.in_channels, planes, shortcut=self.shortcut, dilation=self.dilation)
            for _ in range(1, blocks)
        ]
        return nn.Sequential(first, *rest)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(x)
        x = self.bn1(x)
        x = self.relu(x)
        x = self.maxpool(x)
        x = self.layer1(x)
        x = self.layer2(x)
        x = self.layer3(x)
        x = self.layer4(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.fc(x)
        # --8<-- [end:ResNet-body]


def resnet18(
    num_classes: int = 1000,
    replace_stride_with_dilation: Sequence[bool] = (False, False, False),
    *,
    shortcut: str = "B",
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
        shortcut: ``"A"``, ``"B"`` (torchvision) or ``"C"`` (Table 3).

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if ``num_classes`` < 1, ``shortcut`` is unknown or dilation is asked for.
    """
    return ResNet(
        BasicBlock, (2, 2, 2, 2), num_classes, replace_stride_with_dilation, shortcut=shortcut
    )


def resnet50(
    num_classes: int = 1000,
    replace_stride_with_dilation: Sequence[bool] = (False, False, False),
    *,
    shortcut: str = "B",
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
        shortcut: ``"A"``, ``"B"`` (torchvision) or ``"C"``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if ``num_classes`` < 1, ``shortcut`` is unknown or the flags are not three
            bools.
    """
    return ResNet(
        Bottleneck, (3, 4, 6, 3), num_classes, replace_stride_with_dilation, shortcut=shortcut
    )


class StageNet(nn.Module):
    """A CIFAR-style network (He et al. 2016, §4.2): ``depth = 6n + 2`` weighted layers."""

    def __init__(
        self,
        depth: int,
        *,
        residual: bool = True,
        widths: Sequence[int] = (16, 32, 64),
        shortcut: str = "A",
        in_channels: int = 1,
        num_classes: int = 10,
    ) -> None:
        """A 3x3 stem convolution, three stages of ``n`` [`BasicBlock`][BasicBlock]s (two 3x3
        convolutions each) whose widths are ``widths``; the first block of stages 2 and 3 has
        stride 2. Global average pooling and one linear layer finish it. ``residual=False``
        gives the plain twin: the same layers without the additions.

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
            TypeError: if an integer argument is not an integer, or ``residual`` not a bool.
            ValueError: if ``depth`` is not ``6n + 2``, or another argument is out of range.
        """
        check_int("depth", depth, 8)
        if (depth - 2) % 6:
            raise ValueError(f"depth must be 6n + 2 with n >= 1 (8, 14, 20, ...), got {depth}")
        check_bool("residual", residual)
        check_int_list("widths", widths, 1)
        if len(widths) != 3:
            raise ValueError(f"widths must hold 3 stage widths, got {len(widths)}")
        check_choice("shortcut", shortcut, SHORTCUT_OPTIONS)
        if shortcut == "A" and list(widths) != sorted(widths):
            raise ValueError(f"widths must not decrease with option A, got {widths}")
        check_int("in_channels", in_channels, 1)
        check_int("num_classes", num_classes, 2)
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, widths[0], kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(widths[0]),
            nn.ReLU(),
        )
        blocks_per_stage = (depth - 2) // 6
        blocks, channels = [], widths[0]
        for stage, width in enumerate(widths):
            for index in range(blocks_per_stage):
                stride = 2 if stage > 0 and index == 0 else 1
                block = BasicBlock(channels, width, stride, shortcut=shortcut, residual=residual)
                blocks.append(block)
                channels = width
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        x = self.blocks(x)
        return self.head(x)

    def weighted_layers(self) -> list[nn.Module]:
        """The depth convolutions and the linear layer, input to output (no shortcuts)."""
        convs = [self.stem[0]] + [c for b in self.blocks for c in (b.conv1, b.conv2)]
        return [*convs, self.head[2]]
