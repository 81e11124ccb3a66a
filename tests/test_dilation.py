"""`snippets.dilation` against `nn.Conv2d`, measured gradients and torchvision."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch import nn

from snippets.dilation import (
    ASPP,
    Coverage,
    conv_bn_relu,
    conv_output_size,
    coverage,
    coverage_1d,
    effective_kernel_size,
    measure_coverage,
    ones_stack,
    output_stride_cost,
    receptive_field,
    residual_coverage,
    spread_kernel,
    valid_tap_share,
)
from snippets.resnet import resnet50
from tests.torchvision_compat import torchvision

TorchvisionASPP = torchvision.models.segmentation.deeplabv3.ASPP

FAST = settings(max_examples=60, deadline=None)

# one axis of a convolution: input size i, kernel size k, stride s, padding p, dilation d
CONV_AXIS = {
    "i": st.integers(1, 60),
    "k": st.integers(1, 7),
    "s": st.integers(1, 4),
    "p": st.integers(0, 4),
    "d": st.integers(1, 5),
}


@FAST
@given(**CONV_AXIS)
def test_output_size_matches_conv2d(i, k, s, p, d):
    assume(i + 2 * p >= effective_kernel_size(k, d))
    conv = nn.Conv2d(1, 1, kernel_size=k, stride=s, padding=p, dilation=d, bias=False)
    assert conv(torch.zeros(1, 1, i, i)).shape[-1] == conv_output_size(i, k, s, p, d)


@st.composite
def empty_conv_axis(draw):
    """Settings of one axis whose padded input is shorter than the effective kernel."""
    k = draw(st.integers(2, 7))  # a 1-tap kernel fits any input
    s = draw(CONV_AXIS["s"])
    d = draw(CONV_AXIS["d"])
    k_hat = k + (k - 1) * (d - 1)
    p = draw(st.integers(0, (k_hat - 2) // 2))
    i = draw(st.integers(1, k_hat - 2 * p - 1))
    return i, k, s, p, d


@FAST
@given(empty_conv_axis())
def test_an_empty_output_is_refused_as_conv2d_refuses_it(axis):
    i, k, s, p, d = axis
    conv = nn.Conv2d(1, 1, kernel_size=k, stride=s, padding=p, dilation=d, bias=False)
    with pytest.raises(ValueError, match="input_size \\+ 2 \\* padding must be >="):
        conv_output_size(i, k, s, p, d)
    with pytest.raises(RuntimeError):
        conv(torch.zeros(1, 1, i, i))


@FAST
@given(**CONV_AXIS)
def test_output_size_equals_pytorch_docs_formula(i, k, s, p, d):
    assume(i + 2 * p >= effective_kernel_size(k, d))
    docs = (i + 2 * p - d * (k - 1) - 1) // s + 1
    assert conv_output_size(i, k, s, p, d) == docs


@FAST
@given(
    w=st.lists(st.floats(-3, 3, allow_nan=False), min_size=9, max_size=9),
    d=st.integers(1, 4),
    n=st.integers(0, 6),
)
def test_dilated_conv_equals_spread_kernel(w, d, n):
    weight = torch.tensor(w, dtype=torch.float64).reshape(1, 1, 3, 3)
    size = effective_kernel_size(3, d) + n
    x = torch.randn(
        1, 1, size, size, dtype=torch.float64, generator=torch.Generator().manual_seed(n)
    )
    assert torch.allclose(F.conv2d(x, weight, dilation=d), F.conv2d(x, spread_kernel(weight, d)))


rates_st = st.lists(st.integers(1, 6), min_size=1, max_size=4)


@FAST
@given(rates=rates_st, k=st.sampled_from([1, 2, 3, 5]))
def test_coverage_matches_gradient_measurement(rates, k):
    rf = receptive_field(rates, k)
    grad = measure_coverage(ones_stack(rates, k), rf)
    cov = coverage(rates, k)
    assert grad.shape == (rf, rf)
    assert grad.round().long().tolist() == [list(row) for row in cov.counts]
    assert int((grad != 0).sum()) == cov.used
    assert cov.span == rf * rf


class OnesResidualStack(nn.Module):
    """Residual units ``x + conv(x)``, each a "same"-padded 1-channel conv with all weights 1."""

    def __init__(self, rates: list[int], kernel_size: int) -> None:
        super().__init__()
        self.convs = nn.ModuleList()
        for rate in rates:
            conv = nn.Conv2d(
                1,
                1,
                kernel_size=kernel_size,
                padding=rate * (kernel_size // 2),
                dilation=rate,
                bias=False,
            )
            nn.init.ones_(conv.weight)
            self.convs.append(conv.double())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for conv in self.convs:
            x = x + conv(x)
        return x


@FAST
@given(rates=rates_st, k=st.sampled_from([1, 3, 5]))
def test_residual_coverage_matches_gradient_of_a_real_residual_stack(rates, k):
    rf = receptive_field(rates, k)
    grad = measure_coverage(OnesResidualStack(rates, k), rf)
    cov = residual_coverage(rates, k)
    assert grad.round().long().tolist() == [list(row) for row in cov.counts]
    assert int((grad != 0).sum()) == cov.used
    assert cov.span == rf * rf


@FAST
@given(rates=st.lists(st.integers(1, 8), min_size=1, max_size=4), k=st.sampled_from([1, 3, 5]))
def test_shortcuts_add_paths_but_reach_exactly_the_pixels_of_the_plain_stack(rates, k):
    plain, residual = coverage(rates, k), residual_coverage(rates, k)
    assert [[n > 0 for n in row] for row in residual.counts] == [
        [n > 0 for n in row] for row in plain.counts
    ]
    assert (residual.used, residual.span) == (plain.used, plain.span)
    assert all(
        r >= p
        for r_row, p_row in zip(residual.counts, plain.counts, strict=True)
        for r, p in zip(r_row, p_row, strict=True)
    )
    # every unit offers k * k taps or its shortcut
    assert sum(map(sum, residual.counts)) == (k * k + 1) ** len(rates)


@pytest.mark.parametrize(
    ("rates", "used", "span"),
    [
        ([2, 2, 2], 49, 169),
        ([1, 2, 9], 441, 625),
        ([2, 4, 6], 169, 625),
        ([2, 2, 3], 169, 225),
        ([1, 2, 5], 289, 289),
    ],
)
def test_residual_units_keep_the_holes_of_the_plain_stack(rates, used, span):
    plain, residual = coverage(rates), residual_coverage(rates)
    assert (plain.used, plain.span) == (residual.used, residual.span) == (used, span)
    holes = [[n == 0 for n in row] for row in plain.counts]
    assert [[n == 0 for n in row] for row in residual.counts] == holes


def test_shortcuts_raise_the_centre_row_of_2_2_2_most_at_the_centre():
    # per unit the generating function is J(x) J(y) + 1 with J = 1 + x + x^2 on the rate-2
    # lattice; the centre row of its cube is 7 J^3 + 9 J^2 + 3 J + 1
    assert coverage([2, 2, 2]).counts[6] == (7, 0, 21, 0, 42, 0, 49, 0, 42, 0, 21, 0, 7)
    assert residual_coverage([2, 2, 2]).counts[6] == (7, 0, 30, 0, 63, 0, 80, 0, 63, 0, 30, 0, 7)


@FAST
@given(
    layers=st.lists(st.tuples(st.integers(1, 4), st.integers(1, 3)), min_size=1, max_size=4),
    k=st.sampled_from([2, 3, 5]),
)
def test_receptive_field_matches_gradient_span_with_strides(layers, k):
    rates = [r for r, _ in layers]
    strides = [s for _, s in layers]
    rf = receptive_field(rates, k, strides)
    margin = 2 * torch.tensor(strides).prod().item()
    grad = measure_coverage(ones_stack(rates, k, strides), rf + margin)
    rows = torch.nonzero(grad.sum(dim=1)).flatten()
    assert rows.max().item() - rows.min().item() + 1 == rf
    # an input of exactly rf pixels yields one output
    out = ones_stack(rates, k, strides)(torch.zeros(1, 1, rf, rf, dtype=torch.float64))
    assert out.shape[-2:] == (1, 1)


def test_sizes_fields_and_coverage_of_worked_examples():
    assert [effective_kernel_size(3, d) for d in (1, 2, 3)] == [3, 5, 7]
    assert effective_kernel_size(3, 4) == 9
    assert conv_output_size(33, 3, stride=2, padding=1, dilation=2) == 16
    assert receptive_field([1, 2, 4, 8]) == 31
    assert receptive_field([1] * 4) == 9
    assert receptive_field([1, 1], 3, [2, 1]) == 7
    assert receptive_field((1, 2), 3, (2, 1)) == 11
    assert coverage_1d([2, 2]) == [1, 0, 2, 0, 3, 0, 2, 0, 1]
    assert (coverage([2, 2, 2]).used, coverage([2, 2, 2]).span) == (49, 169)
    assert (coverage([1, 2, 5]).used, coverage([1, 2, 5]).span) == (289, 289)
    assert coverage((1, 1), 2) == Coverage(counts=((1, 2, 1), (2, 4, 2), (1, 2, 1)), used=9, span=9)


def test_doubling_rates_grow_the_receptive_field_exponentially():
    # rates 1, 2, 4, ..., 2^i: receptive field 2^(i+2) - 1 (Yu & Koltun 2016, Sec. 2)
    for i in range(6):
        assert receptive_field([2**j for j in range(i + 1)]) == 2 ** (i + 2) - 1


def test_aspp_keeps_the_map_size_and_has_the_expected_parameters():
    x = torch.zeros(2, 16, 33, 33)
    assert ASPP(16, 8, (6, 12, 18))(x).shape == (2, 8, 33, 33)
    assert ASPP(16, 8, (6, 12, 18, 24), image_pooling=False)(x).shape == (2, 8, 33, 33)
    small = ASPP(4, 4, (2,), image_pooling=False)
    # two branches (1x1, 3x3) and the 1x1 projection, no biases; each BN has 2 x 4 parameters
    assert sum(p.numel() for p in small.parameters()) == 4 * 4 + 4 * 4 * 9 + 8 * 4 + 3 * 8


@pytest.mark.parametrize(("rates", "size"), [((6, 12, 18), 33), ((12, 24, 36), 65), ((1, 2), 9)])
def test_aspp_matches_torchvision(rates, size):
    torch.manual_seed(0)
    theirs = TorchvisionASPP(32, list(rates), out_channels=16)
    for module in theirs.modules():  # non-trivial running statistics, so eval mode matters
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 1.5)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.5, 0.5)
    ours = ASPP(32, 16, rates)
    assert sum(p.numel() for p in ours.parameters()) == sum(p.numel() for p in theirs.parameters())
    assert ours.state_dict().keys() == theirs.state_dict().keys()
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(2, 32, size, size)
    torch.testing.assert_close(ours.eval()(x), theirs.eval()(x))
    # in training mode too (batch statistics; dropout off by seeding the same draws)
    torch.manual_seed(1)
    a = ours.train()(x)
    torch.manual_seed(1)
    torch.testing.assert_close(a, theirs.train()(x))


@pytest.mark.parametrize("dilation", [1, 6, 12])
def test_conv_bn_relu_is_torchvisions_aspp_branch(dilation):
    torch.manual_seed(0)
    theirs = torchvision.models.segmentation.deeplabv3.ASPPConv(8, 4, dilation)
    ours = conv_bn_relu(8, 4, kernel_size=3, dilation=dilation)
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(2, 8, 13, 13)
    torch.testing.assert_close(ours.eval()(x), theirs.eval()(x))
    assert ours(x).shape == (2, 4, 13, 13)  # the size is kept


def test_valid_tap_share_counts_taps_on_a_real_padded_convolution():
    # a ones kernel on a ones map with zero padding counts the taps inside, pixel by pixel
    for n, r in [(33, 6), (33, 18), (33, 24), (65, 36), (65, 64), (5, 1), (7, 30)]:
        conv = nn.Conv2d(1, 1, 3, padding=r, dilation=r, bias=False)
        nn.init.ones_(conv.weight)
        inside = conv(torch.ones(1, 1, n, n, dtype=torch.float32)).sum().item()
        assert valid_tap_share(n, r) == pytest.approx(inside / (9 * n * n))
    assert valid_tap_share(33, 40) == pytest.approx(1 / 9)
    assert valid_tap_share(10, 1, 1) == 1.0


def test_output_stride_cost_counts_flops_and_bytes():
    net = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.Conv2d(8, 8, 3, padding=1))
    cost = output_stride_cost(net, torch.zeros(1, 3, 32, 32), stages=["0", "1"])
    assert cost["sizes"] == {"0": (16, 16), "1": (16, 16)}
    assert cost["parameters"] == (3 * 9 * 8 + 8) + (8 * 9 * 8 + 8)
    # 2 FLOPs per multiply-add: 16 x 16 outputs x 8 channels x (3 or 8) x 9 taps
    assert cost["flops"] == 2 * 16 * 16 * 8 * 9 * (3 + 8)
    assert cost["activation_bytes"] == 2 * 8 * 16 * 16 * 4
    assert not net[0]._forward_hooks and not net[1]._forward_hooks  # hooks removed
    only_the_last = output_stride_cost(net, torch.zeros(1, 3, 32, 32), stages=["1"])
    assert only_the_last["sizes"] == {"1": (16, 16)}


@pytest.mark.parametrize("replace", [(False, False, False), (False, True, True)])
def test_output_stride_cost_on_the_meta_device_equals_a_run_on_the_cpu(replace):
    # the page counts on the meta device (shapes, no arithmetic); the counts must not change
    on_cpu = output_stride_cost(
        resnet50(replace_stride_with_dilation=replace).eval(), torch.zeros(1, 3, 65, 65)
    )
    with torch.device("meta"):
        net = resnet50(replace_stride_with_dilation=replace).eval()
        on_meta = output_stride_cost(net, torch.zeros(1, 3, 65, 65))
    assert on_meta == on_cpu


def test_flops_count_two_per_multiply_add_of_torchvisions_model_table():
    # torchvision lists ResNet-50 at 224 x 224 as 4.089 "GFLOPS": multiply-adds, counted once
    with torch.device("meta"):  # counts depend on shapes only (the test above)
        net = torchvision.models.resnet50(weights=None).eval()
        flops = output_stride_cost(net, torch.zeros(1, 3, 224, 224))["flops"]
    table = torchvision.models.ResNet50_Weights.IMAGENET1K_V1.meta["_ops"]
    assert flops / 2e9 == pytest.approx(table, abs=5e-4)


def test_output_stride_of_a_torchvision_resnet50():
    # the DeepLab recipe (v3 Sec. 3.1, 4): strides of the last stages replaced by rates 2 and 4
    costs = {}
    with torch.device("meta"):  # counts depend on shapes only
        x = torch.zeros(1, 3, 129, 129)
        for os, flags in [
            (32, (False, False, False)),
            (16, (False, False, True)),
            (8, (False, True, True)),
        ]:
            replace = list(flags)
            net = torchvision.models.resnet50(weights=None, replace_stride_with_dilation=replace)
            costs[os] = output_stride_cost(net.eval(), x)
            # the page measures the site's own ResNet-50 (chapter 3): the same sizes, parameters,
            # FLOPs and activation bytes as torchvision's
            ours = resnet50(replace_stride_with_dilation=flags).eval()
            assert output_stride_cost(ours, x) == costs[os]
            assert costs[os]["sizes"]["layer4"] == ((129 - 1) // os + 1,) * 2
    assert costs[32]["parameters"] == costs[16]["parameters"] == costs[8]["parameters"] == 25557032
    assert costs[32]["flops"] < costs[16]["flops"] < costs[8]["flops"]
    assert (
        costs[32]["activation_bytes"] < costs[16]["activation_bytes"] < costs[8]["activation_bytes"]
    )


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: effective_kernel_size(0),
            ValueError,
            "kernel_size must be an integer >= 1, got 0",
        ),
        (
            lambda: effective_kernel_size(3, 0),
            ValueError,
            "dilation must be an integer >= 1, got 0",
        ),
        (lambda: effective_kernel_size(3.0), TypeError, "kernel_size must be an integer"),
        (lambda: effective_kernel_size(3, True), TypeError, "dilation must be an integer"),
        (lambda: conv_output_size(0, 3), ValueError, "input_size must be an integer >= 1"),
        (lambda: conv_output_size(5, 3, stride=0), ValueError, "stride must be an integer >= 1"),
        (lambda: conv_output_size(5, 3, padding=-1), ValueError, "padding must be an integer >= 0"),
        (lambda: conv_output_size(4, 3, dilation=2), ValueError, "effective kernel size 5"),
        (lambda: receptive_field([]), ValueError, "dilations must contain at least one"),
        (lambda: receptive_field([1, 0]), ValueError, "dilations must contain integers >= 1"),
        (lambda: receptive_field("12"), TypeError, "dilations must be a sequence"),
        (lambda: receptive_field([1.5]), TypeError, "dilations must contain integers"),
        (lambda: receptive_field([1, 2], 3, [1]), ValueError, "strides must have one entry"),
        (lambda: coverage([1], 0), ValueError, "kernel_size must be an integer >= 1"),
        (lambda: coverage_1d([1, -2]), ValueError, "dilations must contain integers >= 1"),
        (lambda: residual_coverage([2, 0]), ValueError, "dilations must contain integers >= 1"),
        (lambda: residual_coverage([1], 2), ValueError, "kernel_size must be an odd integer"),
        (lambda: residual_coverage([1], 3.0), TypeError, "kernel_size must be an odd integer"),
        (lambda: ones_stack([1, 2], 3, [1]), ValueError, "strides must have one entry"),
        (lambda: ones_stack([1], 3, [0]), ValueError, "strides must contain integers >= 1"),
        (lambda: ones_stack([1], 3.0), TypeError, "kernel_size must be an integer"),
        (lambda: spread_kernel([1.0], 2), TypeError, "weight must be a torch.Tensor"),
        (lambda: spread_kernel(torch.ones(3, 3), 2), ValueError, "weight must have 4 dimensions"),
        (lambda: spread_kernel(torch.ones(1, 1, 3, 3), 0), ValueError, "dilation must be"),
        (lambda: measure_coverage("net", 5), TypeError, "model must be a torch.nn.Module"),
        (lambda: measure_coverage(ones_stack([1]), 0), ValueError, "input_size must be"),
        (lambda: conv_bn_relu(0, 4, 3), ValueError, "in_channels must be an integer >= 1"),
        (lambda: conv_bn_relu(4, 4, 2), ValueError, "kernel_size must be an odd integer"),
        (lambda: conv_bn_relu(4, 4, 3, 0), ValueError, "dilation must be an integer >= 1"),
        (lambda: ASPP(0, 4), ValueError, "in_channels must be an integer >= 1"),
        (lambda: ASPP(4, 4.0), TypeError, "out_channels must be an integer"),
        (lambda: ASPP(4, 4, (6, 0)), ValueError, "rates must contain integers >= 1"),
        (lambda: ASPP(4, 4, image_pooling=1), TypeError, "image_pooling must be a bool"),
        (lambda: valid_tap_share(0, 2), ValueError, "map_size must be an integer >= 1"),
        (lambda: valid_tap_share(5, 0), ValueError, "rate must be an integer >= 1"),
        (lambda: valid_tap_share(5, 1, 2), ValueError, "kernel_size must be an odd integer"),
        (lambda: valid_tap_share(5, 1.0), TypeError, "rate must be an integer"),
        (lambda: output_stride_cost("net", torch.zeros(1, 1, 4)), TypeError, "model must be"),
        (lambda: output_stride_cost(nn.ReLU(), [1]), TypeError, "x must be a torch.Tensor"),
        (lambda: output_stride_cost(nn.ReLU(), torch.zeros(2, 2)), ValueError, "x must have"),
        (lambda: output_stride_cost(nn.ReLU(), torch.zeros(1, 1, 2), "a"), TypeError, "stages"),
        (lambda: output_stride_cost(nn.ReLU(), torch.zeros(1, 1, 2), [1]), TypeError, "stages"),
        (
            lambda: output_stride_cost(nn.ReLU(), torch.zeros(1, 1, 2), ["layer9"]),
            ValueError,
            "stages must name submodules of model, got 'layer9'",
        ),
    ],
)
def test_bad_arguments_raise_errors_that_name_them(call, error, message):
    with pytest.raises(error, match=message):
        call()
