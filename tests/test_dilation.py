import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from snippets.dilation import (
    ASPP,
    conv_output_size,
    coverage,
    coverage_1d,
    effective_kernel_size,
    measure_coverage,
    ones_stack,
    receptive_field,
    spread_kernel,
)

FAST = settings(max_examples=60, deadline=None)


@FAST
@given(
    i=st.integers(1, 40),
    k=st.integers(1, 7),
    s=st.integers(1, 4),
    p=st.integers(0, 4),
    d=st.integers(1, 5),
)
def test_output_size_matches_conv2d(i, k, s, p, d):
    conv = nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d, bias=False)
    if i + 2 * p < effective_kernel_size(k, d):
        with pytest.raises(ValueError, match="input_size \\+ 2 \\* padding must be >="):
            conv_output_size(i, k, s, p, d)
        with pytest.raises(RuntimeError):
            conv(torch.zeros(1, 1, i, i))
        return
    out = conv(torch.zeros(1, 1, i, i))
    assert out.shape[-1] == conv_output_size(i, k, s, p, d)


@FAST
@given(
    i=st.integers(1, 60),
    k=st.integers(1, 7),
    s=st.integers(1, 4),
    p=st.integers(0, 4),
    d=st.integers(1, 5),
)
def test_output_size_equals_pytorch_docs_formula(i, k, s, p, d):
    if i + 2 * p < effective_kernel_size(k, d):
        return
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


def test_known_values():
    assert [effective_kernel_size(3, d) for d in (1, 2, 3)] == [3, 5, 7]
    assert receptive_field([1, 2, 4, 8]) == 31
    assert receptive_field([1] * 4) == 9
    assert receptive_field([1, 1], 3, [2, 1]) == 7
    assert coverage_1d([2, 2]) == [1, 0, 2, 0, 3, 0, 2, 0, 1]
    assert (coverage([2, 2, 2]).used, coverage([2, 2, 2]).span) == (49, 169)
    assert (coverage([1, 2, 5]).used, coverage([1, 2, 5]).span) == (289, 289)


def test_yu_koltun_exponential_growth():
    # rates 1, 2, 4, ..., 2^i: receptive field 2^(i+2) - 1 (Yu & Koltun 2016, Sec. 2)
    for i in range(6):
        assert receptive_field([2**j for j in range(i + 1)]) == 2 ** (i + 2) - 1


def test_aspp_shapes_and_parameters():
    x = torch.zeros(2, 16, 33, 33)
    assert ASPP(16, 8, (6, 12, 18))(x).shape == (2, 8, 33, 33)
    assert ASPP(16, 8, (6, 12, 18, 24), image_pooling=False)(x).shape == (2, 8, 33, 33)
    small = ASPP(4, 4, (2,), image_pooling=False)
    assert sum(p.numel() for p in small.parameters()) == (4 * 4 + 4) + (4 * 4 * 9 + 4) + (8 * 4 + 4)


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
        (lambda: spread_kernel([1.0], 2), TypeError, "weight must be a torch.Tensor"),
        (lambda: spread_kernel(torch.ones(3, 3), 2), ValueError, "weight must have 4 dimensions"),
        (lambda: spread_kernel(torch.ones(1, 1, 3, 3), 0), ValueError, "dilation must be"),
        (lambda: measure_coverage("net", 5), TypeError, "model must be a torch.nn.Module"),
        (lambda: measure_coverage(ones_stack([1]), 0), ValueError, "input_size must be"),
        (lambda: ASPP(0, 4), ValueError, "in_channels must be an integer >= 1"),
        (lambda: ASPP(4, 4, (6, 0)), ValueError, "rates must contain integers >= 1"),
        (lambda: ASPP(4, 4, image_pooling=1), TypeError, "image_pooling must be a bool"),
    ],
)
def test_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
