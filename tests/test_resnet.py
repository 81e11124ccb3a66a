"""`snippets.resnet`: the paper's blocks and shortcuts, weight for weight with torchvision."""

import pytest
import torch
from torch import nn

from snippets.params import count_parameters
from snippets.resnet import (
    BasicBlock,
    Bottleneck,
    PreActBlock,
    ResNet,
    StageNet,
    ZeroPadShortcut,
    projection_shortcut,
    resnet18,
    resnet50,
)
from snippets.resnet_experiment import identity_path_errors
from tests.torchvision_compat import torchvision


@pytest.mark.parametrize(
    ("cin", "cout", "stride", "shortcut", "kind"),
    [
        (16, 16, 1, "A", type(None)),
        (16, 16, 1, "B", type(None)),
        (16, 16, 1, "C", nn.Sequential),
        (16, 32, 2, "A", ZeroPadShortcut),
        (16, 32, 2, "B", nn.Sequential),
        (16, 16, 2, "B", nn.Sequential),
        (16, 32, 1, "B", nn.Sequential),
    ],
)
def test_block_shapes_and_shortcut_kind(cin, cout, stride, shortcut, kind):
    block = BasicBlock(cin, cout, stride, shortcut=shortcut)
    assert isinstance(block.downsample, kind)
    y = block(torch.randn(2, cin, 8, 8))
    assert y.shape == (2, cout, 8 // stride, 8 // stride)
    assert (y >= 0).all()  # ends with a ReLU


def test_plain_block_has_no_shortcut_and_same_weights_as_residual():
    plain = BasicBlock(8, 16, 2, residual=False)
    residual = BasicBlock(8, 16, 2, shortcut="A")
    assert plain.downsample is None and not plain.residual
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


def test_stage_net_is_built_of_the_public_basic_block():
    net = StageNet(20)
    assert all(type(block) is BasicBlock for block in net.blocks)
    torch.manual_seed(0)
    errors = identity_path_errors(net.blocks[:3], torch.randn(2, 16, 8, 8).relu())
    assert len(errors) == 3 and min(errors) > 0.05  # the ReLU after each addition breaks Eq. 5


def test_imagenet_resnet_counts_match_torchvision_and_grow_from_option_a_to_c():
    # torchvision's resnet18 / resnet34 report these totals in their weights metadata.
    assert count_parameters(resnet18()) == 11_689_512
    resnet34 = {o: count_parameters(ResNet(BasicBlock, (3, 4, 6, 3), shortcut=o)) for o in "ABC"}
    assert resnet34["A"] < resnet34["B"] == 21_797_672 < resnet34["C"]


@pytest.mark.parametrize("shortcut", ["A", "B", "C"])
@pytest.mark.parametrize("builder", [resnet18, resnet50])
def test_every_shortcut_option_gives_a_working_imagenet_resnet(builder, shortcut):
    model = builder(num_classes=5, shortcut=shortcut).eval()
    kinds = {type(block.downsample) for stage in (model.layer1, model.layer2) for block in stage}
    expected = {"A": ZeroPadShortcut, "B": nn.Sequential, "C": nn.Sequential}[shortcut]
    assert expected in kinds and (shortcut == "C") == (type(None) not in kinds)
    with torch.no_grad():
        assert model(torch.zeros(1, 3, 32, 32)).shape == (1, 5)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: BasicBlock(0, 4), ValueError, r"in_channels must be an integer >= 1, got 0"),
        (lambda: BasicBlock(4, -1), ValueError, r"out_channels must be an integer >= 1"),
        (lambda: BasicBlock(4, 4, stride=0), ValueError, r"stride must be an integer >= 1, got 0"),
        (lambda: BasicBlock(4.0, 4), TypeError, r"in_channels must be an integer"),
        (lambda: BasicBlock(4, 4, shortcut="D"), ValueError, r"shortcut must be one of"),
        (lambda: BasicBlock(4, 4, residual=1), TypeError, r"residual must be a bool"),
        (lambda: ZeroPadShortcut(8, 4), ValueError, r"out_channels must be an integer >= 8"),
        (lambda: projection_shortcut(4, 8, 0), ValueError, r"stride must be an integer >= 1"),
        (lambda: StageNet(10), ValueError, r"depth must be 6n \+ 2"),
        (lambda: StageNet(2), ValueError, r"depth must be an integer >= 8"),
        (lambda: StageNet(8, widths=(4, 4)), ValueError, r"widths must hold 3"),
        (lambda: StageNet(8, widths=(4, 0, 4)), ValueError, r"widths must contain integers >= 1"),
        (lambda: StageNet(8, num_classes=1), ValueError, r"num_classes must be"),
        (lambda: resnet18(shortcut="D"), ValueError, r"shortcut must be one of"),
        (lambda: resnet50(shortcut="b"), ValueError, r"shortcut must be one of"),
        (lambda: BasicBlock(8, 4, shortcut="A"), ValueError, r"out_channels must be >= in_"),
        (lambda: BasicBlock(4, 4, dilation=0), ValueError, r"dilation must be an integer >= 1"),
        (lambda: Bottleneck(0, 4), ValueError, r"in_channels must be an integer >= 1"),
        (lambda: Bottleneck(4, 4, dilation=0), ValueError, r"dilation must be an integer >= 1"),
        (lambda: Bottleneck(4, 4, stride_on="3"), ValueError, r"stride_on must be one of"),
        (lambda: Bottleneck(4, 4, shortcut="D"), ValueError, r"shortcut must be one of"),
        (lambda: Bottleneck(64, 8, shortcut="A"), ValueError, r"planes must be >= 16 for option A"),
        (lambda: Bottleneck(4, 4.0), TypeError, r"planes must be an integer"),
        (lambda: ResNet(nn.Conv2d, (1, 1, 1, 1)), TypeError, r"block must be BasicBlock or"),
        (lambda: ResNet(Bottleneck, (1, 1, 1)), ValueError, r"layers must hold 4"),
        (lambda: ResNet(Bottleneck, (1, 0, 1, 1)), ValueError, r"layers must contain integers"),
        (lambda: ResNet(Bottleneck, (1, 1.0, 1, 1)), TypeError, r"layers must contain integers"),
        (lambda: resnet50(num_classes=0), ValueError, r"num_classes must be an integer >= 1"),
        (lambda: resnet50(replace_stride_with_dilation=(True,)), ValueError, r"must hold 3"),
        (lambda: resnet50(replace_stride_with_dilation="TTT"), ValueError, r"must hold 3 bools"),
        (
            lambda: resnet50(replace_stride_with_dilation=(0, 1, 1)),
            TypeError,
            r"replace_stride_with_dilation\[i\] must be a bool",
        ),
        (lambda: StageNet(8, residual=1), TypeError, r"residual must be a bool"),
        (lambda: StageNet(8, widths=(8, 4, 4)), ValueError, r"widths must not decrease"),
        (lambda: StageNet(8, shortcut="D"), ValueError, r"shortcut must be one of"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def _same_outputs(ours: nn.Module, theirs: nn.Module, x: torch.Tensor) -> bool:
    ours.eval()
    theirs.eval()
    with torch.no_grad():
        return torch.allclose(ours(x), theirs(x), rtol=1e-4, atol=1e-5)


def _perturbed_state_dict(model: nn.Module) -> dict[str, torch.Tensor]:
    """torchvision's weights with non-trivial BN statistics, so every tensor matters."""
    generator = torch.Generator().manual_seed(0)
    state = model.state_dict()
    for name, tensor in state.items():
        if name.endswith("running_var"):
            tensor.copy_(0.5 + torch.rand(tensor.shape, generator=generator))
        elif name.endswith(("running_mean", "bn1.bias", "bn2.bias", "bn3.bias")):
            tensor.copy_(0.1 * torch.randn(tensor.shape, generator=generator))
    return state


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (lambda: resnet18(), lambda: torchvision.models.resnet18(weights=None)),
        (lambda: resnet50(), lambda: torchvision.models.resnet50(weights=None)),
        (
            lambda: resnet50(replace_stride_with_dilation=[False, True, True]),
            lambda: torchvision.models.resnet50(
                weights=None, replace_stride_with_dilation=[False, True, True]
            ),
        ),
        (
            lambda: resnet50(num_classes=21, replace_stride_with_dilation=(True, False, True)),
            lambda: torchvision.models.resnet50(
                weights=None, num_classes=21, replace_stride_with_dilation=[True, False, True]
            ),
        ),
    ],
    ids=["resnet18", "resnet50", "resnet50-dilated-FTT", "resnet50-dilated-TFT-21"],
)
def test_matches_torchvision_after_loading_its_state_dict(ours, theirs):
    torch.manual_seed(0)
    reference = theirs()
    model = ours()
    assert count_parameters(model) == count_parameters(reference)
    assert list(model.state_dict()) == list(reference.state_dict())  # same names, same order
    state = _perturbed_state_dict(reference)
    reference.load_state_dict(state)
    model.load_state_dict(state, strict=True)
    x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(1))
    assert _same_outputs(model, reference, x)
    ours_convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    their_convs = [m for m in reference.modules() if isinstance(m, nn.Conv2d)]
    for mine, theirs_conv in zip(ours_convs, their_convs, strict=True):  # stride, dilation, ...
        for attribute in ("stride", "dilation", "padding", "kernel_size"):
            assert getattr(mine, attribute) == getattr(theirs_conv, attribute)


def test_the_original_stride_placement_changes_outputs_not_parameters():
    torch.manual_seed(0)
    v15 = Bottleneck(256, 128, stride=2).eval()
    v1 = Bottleneck(256, 128, stride=2, stride_on="1x1").eval()
    assert count_parameters(v1) == count_parameters(v15)
    v1.load_state_dict(v15.state_dict())
    x = torch.randn(1, 256, 8, 8)
    assert v1(x).shape == v15(x).shape == (1, 512, 4, 4)
    assert not torch.allclose(v1(x), v15(x))
    assert v15.conv2.stride == (2, 2) and v15.conv1.stride == (1, 1)
    assert v1.conv1.stride == (2, 2) and v1.conv2.stride == (1, 1)


def test_dilated_stages_keep_the_size():
    features = {}
    model = resnet50(replace_stride_with_dilation=(False, True, True)).eval()
    for name in ("layer1", "layer2", "layer3", "layer4"):
        getattr(model, name).register_forward_hook(
            lambda module, args, out, name=name: features.__setitem__(name, out.shape)
        )
    with torch.no_grad():
        model(torch.zeros(1, 3, 64, 64))
    assert [features[f"layer{i}"][-1] for i in range(1, 5)] == [16, 8, 8, 8]
    assert model.layer3[0].conv2.dilation == (1, 1)  # the first block keeps the old dilation
    assert model.layer3[1].conv2.dilation == (2, 2)
    assert model.layer4[0].conv2.dilation == (2, 2)
    assert model.layer4[1].conv2.dilation == (4, 4)


def test_basic_block_dilation_keeps_the_size():
    block = BasicBlock(8, 8, dilation=2)
    assert block.conv1.dilation == (2, 2) and block.conv2.padding == (2, 2)
    assert block(torch.zeros(1, 8, 9, 9)).shape == (1, 8, 9, 9)


def test_resnet18_refuses_dilation_like_torchvision():
    with pytest.raises(NotImplementedError):
        torchvision.models.resnet18(weights=None, replace_stride_with_dilation=[False, False, True])
    with pytest.raises(ValueError, match="replace_stride_with_dilation must be"):
        resnet18(replace_stride_with_dilation=(False, False, True))


def test_preact_block_is_x_plus_f_with_nothing_after():
    torch.manual_seed(0)
    block = PreActBlock(4).eval()
    nn.init.zeros_(block.conv2.weight)  # F(x) = 0, so the unit is the identity, negatives too
    x = torch.randn(1, 4, 5, 5)
    assert torch.equal(block(x), x)
    with pytest.raises(ValueError, match="channels must be an integer >= 1"):
        PreActBlock(0)


def test_zero_init_residual_makes_identity_shortcut_blocks_identities_only():
    # torchvision's zero_init_residual zeroes the last BN scale of each block; a block with an
    # identity shortcut then maps x >= 0 to itself, a projection block to ReLU(downsample(x)).
    model = torchvision.models.resnet18(weights=None, zero_init_residual=True).eval()
    x = torch.rand(1, 64, 8, 8)
    with torch.no_grad():
        assert torch.allclose(model.layer1[0](x), x)
        first = model.layer2[0]
        assert torch.allclose(first(x), torch.relu(first.downsample(x)))
        assert not torch.allclose(first(x)[:, :64], x[:, :, ::2, ::2])  # not the identity
