import pytest
import torch
from torch import nn

from snippets.params import count_parameters
from snippets.resnet import (
    BasicBlock,
    StageNet,
    ZeroPadShortcut,
    conv3x3,
    imagenet_resnet,
    projection_shortcut,
)


@pytest.mark.parametrize(
    ("cin", "cout", "stride", "shortcut", "kind"),
    [
        (16, 16, 1, "A", nn.Identity),
        (16, 16, 1, "B", nn.Identity),
        (16, 16, 1, "C", nn.Sequential),
        (16, 32, 2, "A", ZeroPadShortcut),
        (16, 32, 2, "B", nn.Sequential),
        (16, 16, 2, "B", nn.Sequential),
        (16, 32, 1, "B", nn.Sequential),
    ],
)
def test_block_shapes_and_shortcut_kind(cin, cout, stride, shortcut, kind):
    block = BasicBlock(cin, cout, stride, shortcut=shortcut)
    assert isinstance(block.shortcut, kind)
    y = block(torch.randn(2, cin, 8, 8))
    assert y.shape == (2, cout, 8 // stride, 8 // stride)
    assert (y >= 0).all()  # ends with a ReLU


def test_plain_block_has_no_shortcut_and_same_weights_as_residual():
    plain = BasicBlock(8, 16, 2, residual=False)
    residual = BasicBlock(8, 16, 2, shortcut="A")
    assert plain.shortcut is None
    assert count_parameters(plain) == count_parameters(residual)


def test_residual_block_adds_its_input():
    torch.manual_seed(0)
    block = BasicBlock(4, 4).eval()
    nn.init.zeros_(block.bn2.weight)  # F(x) = 0, so y = relu(x)
    x = torch.randn(1, 4, 5, 5)
    assert torch.allclose(block(x), torch.relu(x))


def test_option_a_is_subsample_plus_zero_channels():
    x = torch.arange(2 * 4 * 4, dtype=torch.float32).reshape(1, 2, 4, 4)
    y = ZeroPadShortcut(2, 5, stride=2)(x)
    assert torch.equal(y[:, :2], x[:, :, ::2, ::2])
    assert torch.equal(y[:, 2:], torch.zeros(1, 3, 2, 2))
    assert count_parameters(ZeroPadShortcut(2, 5, 2)) == 0


def test_projection_is_a_per_pixel_linear_map():
    proj = projection_shortcut(3, 2, stride=2)
    conv = proj[0]
    x = torch.randn(1, 3, 6, 6)
    y = conv(x)
    by_hand = torch.einsum("oc,bchw->bohw", conv.weight[:, :, 0, 0], x[:, :, ::2, ::2])
    assert torch.allclose(y, by_hand, atol=1e-6)
    assert count_parameters(projection_shortcut(64, 128, 2)) == 64 * 128 + 2 * 128


@pytest.mark.parametrize("depth", [8, 20, 56])
def test_stage_net_depth_counts_weighted_layers(depth):
    for residual in (False, True):
        net = StageNet(depth, residual=residual, widths=(4, 8, 8))
        assert len(net.weighted_layers()) == depth
        assert net(torch.zeros(2, 1, 8, 8)).shape == (2, 10)


def test_imagenet_resnets_match_torchvision_counts():
    # torchvision's resnet18 / resnet34 report these totals in their weights metadata.
    assert count_parameters(imagenet_resnet((2, 2, 2, 2))) == 11_689_512
    assert count_parameters(imagenet_resnet((3, 4, 6, 3))) == 21_797_672
    a = count_parameters(imagenet_resnet((3, 4, 6, 3), shortcut="A"))
    c = count_parameters(imagenet_resnet((3, 4, 6, 3), shortcut="C"))
    assert a < 21_797_672 < c


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: conv3x3(0, 4), ValueError, r"in_channels must be an integer >= 1, got 0"),
        (lambda: conv3x3(4, -1), ValueError, r"out_channels must be an integer >= 1"),
        (lambda: conv3x3(4, 4, stride=0), ValueError, r"stride must be an integer >= 1, got 0"),
        (lambda: conv3x3(4.0, 4), TypeError, r"in_channels must be an integer"),
        (lambda: BasicBlock(4, 4, shortcut="D"), ValueError, r"shortcut must be one of"),
        (lambda: BasicBlock(4, 4, residual=1), TypeError, r"residual must be a bool"),
        (lambda: ZeroPadShortcut(8, 4), ValueError, r"out_channels must be an integer >= 8"),
        (lambda: projection_shortcut(4, 8, 0), ValueError, r"stride must be an integer >= 1"),
        (lambda: StageNet(10), ValueError, r"depth must be 6n \+ 2"),
        (lambda: StageNet(2), ValueError, r"depth must be an integer >= 8"),
        (lambda: StageNet(8, widths=(4, 4)), ValueError, r"widths must hold 3"),
        (lambda: StageNet(8, widths=(4, 0, 4)), ValueError, r"widths\[i\] must be"),
        (lambda: StageNet(8, num_classes=1), ValueError, r"num_classes must be"),
        (lambda: imagenet_resnet((2, 2, 2)), ValueError, r"blocks_per_stage must hold 4"),
        (lambda: imagenet_resnet((2, 0, 2, 2)), ValueError, r"blocks_per_stage\[i\]"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
