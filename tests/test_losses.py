"""`snippets.losses`: each hand-written loss equals PyTorch's, in value, gradient and edge cases."""

import math
import re
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    double_softmax_floor,
    fit_line,
    house_prices,
    logit_gradients,
    mse,
    pos_weight_from_counts,
    reduce_losses,
    sigmoid_focal_loss,
)
from tests.torchvision_compat import torchvision

REDUCTIONS = ["mean", "sum", "none"]
FAST = settings(max_examples=60, deadline=None)
SOURCE = Path(__file__).resolve().parents[1] / "snippets" / "losses.py"


@st.composite
def logits_and_shape(draw, extreme=True):
    """(N, C) float64 logits; with ``extreme`` some are as large as +-1e4."""
    n = draw(st.integers(1, 6))
    c = draw(st.integers(2, 7))
    bound = 1e4 if extreme else 30.0
    values = draw(
        st.lists(
            st.floats(-bound, bound, allow_nan=False, allow_infinity=False),
            min_size=n * c,
            max_size=n * c,
        )
    )
    return torch.tensor(values, dtype=torch.float64).reshape(n, c), n, c


def close(a: torch.Tensor, b: torch.Tensor) -> None:
    torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-9)


# --- reduce_losses and mse ------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_reduce_losses_is_the_reduction_of_torch_losses(reduction):
    x = torch.tensor([[2.5, 0.0], [2.0, 8.0]])
    y = torch.tensor([[3.0, -0.5], [2.0, 7.0]])
    per_element = torch.nn.MSELoss(reduction="none")(x, y)
    expected = torch.nn.MSELoss(reduction=reduction)(x, y)
    assert torch.equal(reduce_losses(per_element, reduction=reduction), expected)


@FAST
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    seed=st.integers(0, 10_000),
    reduction=st.sampled_from(REDUCTIONS),
)
def test_mse_matches_torch(shape, seed, reduction):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, generator=generator, dtype=torch.float64) * 100
    y = torch.randn(shape, generator=generator, dtype=torch.float64) * 100
    close(mse(x, y, reduction=reduction), torch.nn.MSELoss(reduction=reduction)(x, y))


# --- cross_entropy ----------------------------------------------------------------


@FAST
@given(
    data=logits_and_shape(),
    seed=st.integers(0, 10_000),
    smoothing=st.sampled_from([0.0, 0.1, 0.5, 1.0]),
    reduction=st.sampled_from(REDUCTIONS),
)
def test_cross_entropy_with_indices_matches_torch(data, seed, smoothing, reduction):
    logits, n, c = data
    target = torch.randint(0, c, (n,), generator=torch.Generator().manual_seed(seed))
    expected = torch.nn.CrossEntropyLoss(label_smoothing=smoothing, reduction=reduction)(
        logits, target
    )
    mine = cross_entropy(logits, target, label_smoothing=smoothing, reduction=reduction)
    assert torch.isfinite(mine).all()
    torch.testing.assert_close(mine, expected, rtol=1e-7, atol=1e-6)


@FAST
@given(
    data=logits_and_shape(),
    seed=st.integers(0, 10_000),
    smoothing=st.sampled_from([0.0, 0.2]),
    reduction=st.sampled_from(REDUCTIONS),
)
def test_cross_entropy_with_probabilities_matches_torch(data, seed, smoothing, reduction):
    logits, n, c = data
    raw = torch.rand(n, c, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    target = raw / raw.sum(dim=1, keepdim=True)
    expected = F.cross_entropy(logits, target, label_smoothing=smoothing, reduction=reduction)
    mine = cross_entropy(logits, target, label_smoothing=smoothing, reduction=reduction)
    torch.testing.assert_close(mine, expected, rtol=1e-7, atol=1e-6)


@FAST
@given(data=logits_and_shape(), seed=st.integers(0, 10_000))
def test_cross_entropy_is_log_softmax_then_nll(data, seed):
    logits, n, c = data
    target = torch.randint(0, c, (n,), generator=torch.Generator().manual_seed(seed))
    nll = torch.nn.NLLLoss()(torch.nn.LogSoftmax(dim=1)(logits), target)
    close(torch.nn.CrossEntropyLoss()(logits, target), nll)
    torch.testing.assert_close(cross_entropy(logits, target), nll, rtol=1e-7, atol=1e-6)


@pytest.mark.parametrize("c", [2, 3, 10, 1000])
def test_double_softmax_floor_matches_torch(c):
    perfect = torch.zeros(1, c, dtype=torch.float64)
    perfect[0, 0] = 1.0  # the best a softmax layer can output
    loss = torch.nn.CrossEntropyLoss()(perfect, torch.tensor([0]))
    assert loss.item() == pytest.approx(double_softmax_floor(c), rel=1e-12)
    assert double_softmax_floor(c) == pytest.approx(math.log(1 + (c - 1) / math.e))
    # and a softmax of huge logits gets there
    huge = torch.tensor([[50.0] + [0.0] * (c - 1)], dtype=torch.float64)
    doubled = torch.nn.CrossEntropyLoss()(huge.softmax(dim=1), torch.tensor([0]))
    assert doubled.item() == pytest.approx(double_softmax_floor(c), rel=1e-9)


@st.composite
def dense_case(draw):
    """Logits (N, C, d1, ..., dk) with k in 0..3, index targets with some ignored, weights."""
    n = draw(st.integers(1, 3))
    c = draw(st.integers(1, 5))
    spatial = draw(st.lists(st.integers(1, 4), min_size=0, max_size=3))
    seed = draw(st.integers(0, 10_000))
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(n, c, *spatial, generator=generator, dtype=torch.float64) * 10
    target = torch.randint(0, c, (n, *spatial), generator=generator)
    ignore_index = draw(st.sampled_from([-100, 255, 0]))
    share = draw(st.sampled_from([0.0, 0.3, 1.0]))  # 1.0: every target ignored
    ignored = torch.rand(target.shape, generator=generator) < share
    target = torch.where(ignored, torch.full_like(target, ignore_index), target)
    weighted = draw(st.booleans())
    weight = torch.rand(c, generator=generator, dtype=torch.float64) + 0.1 if weighted else None
    return logits, target, weight, ignore_index


@FAST
@given(case=dense_case(), smoothing=st.sampled_from([0.0, 0.2]))
def test_dense_cross_entropy_with_probabilities_matches_torch(case, smoothing):
    logits, _, weight, _ = case
    raw = torch.rand(logits.shape, dtype=torch.float64)
    target = raw / raw.sum(dim=1, keepdim=True)
    for reduction in REDUCTIONS:
        kwargs = {"label_smoothing": smoothing, "reduction": reduction, "weight": weight}
        expected = F.cross_entropy(logits, target, **kwargs)
        mine = cross_entropy(logits, target, **kwargs)
        torch.testing.assert_close(mine, expected, rtol=1e-7, atol=1e-7)


def logit_gradient(loss_fn, logits: torch.Tensor, target: torch.Tensor, **kwargs):
    """(loss, d loss / d logits); a per-position loss is summed with fixed random weights."""
    logits = logits.detach().requires_grad_(True)
    loss = loss_fn(logits, target, **kwargs)
    upstream = torch.rand(loss.shape, generator=torch.Generator().manual_seed(1), dtype=loss.dtype)
    (gradient,) = torch.autograd.grad((loss * upstream).sum(), inputs=logits)
    return loss.detach(), gradient


@FAST
@given(
    case=dense_case(),
    smoothing=st.sampled_from([0.0, 0.1]),
    reduction=st.sampled_from(REDUCTIONS),
)
def test_dense_cross_entropy_value_and_gradient_match_torch_even_when_every_target_is_ignored(
    case, smoothing, reduction
):
    logits, target, weight, ignore_index = case
    kwargs = {
        "label_smoothing": smoothing,
        "reduction": reduction,
        "weight": weight,
        "ignore_index": ignore_index,
    }
    expected_loss, expected = logit_gradient(F.cross_entropy, logits, target, **kwargs)
    loss, gradient = logit_gradient(cross_entropy, logits, target, **kwargs)
    torch.testing.assert_close(loss, expected_loss, rtol=1e-7, atol=1e-7, equal_nan=True)
    if reduction == "mean" and bool((target == ignore_index).all()):
        assert loss.isnan() and expected_loss.isnan()  # 0 / 0, as torch
    assert torch.isfinite(expected).all()
    torch.testing.assert_close(gradient, expected, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("weight", [None, torch.tensor([0.2, 1.0, 5.0])])
def test_all_ignored_batch_gives_nan_loss_but_zero_gradient_like_torch(weight, smoothing):
    logits = torch.randn(2, 3, 2, 2, generator=torch.Generator().manual_seed(0))
    target = torch.full((2, 2, 2), 255)
    kwargs = {"weight": weight, "ignore_index": 255, "label_smoothing": smoothing}
    for loss_fn in (F.cross_entropy, cross_entropy):
        loss, gradient = logit_gradient(loss_fn, logits, target, **kwargs)
        assert loss.isnan()
        assert torch.equal(gradient, torch.zeros_like(logits))
        loss, gradient = logit_gradient(loss_fn, logits, target, reduction="sum", **kwargs)
        assert loss.item() == 0.0
        assert torch.equal(gradient, torch.zeros_like(logits))


def test_masking_by_a_zero_factor_then_dividing_by_zero_gives_nan_gradients():
    logits = torch.randn(1, 3, 2, 2, requires_grad=True)
    target = torch.full((1, 2, 2), 255)
    keep = target != 255
    log_p = logits.log_softmax(dim=1)
    per_position = -log_p.gather(1, torch.where(keep, target, 0).unsqueeze(1)).squeeze(1) * keep
    naive = per_position.sum() / keep.sum()  # backward: 0 * (1 / 0) at every position
    (gradient,) = torch.autograd.grad(naive, inputs=logits)
    assert naive.isnan() and gradient.isnan().all()


def test_weighted_mean_divides_by_the_summed_weights_of_counted_positions():
    logits = torch.randn(1, 3, 2, 2, dtype=torch.float64)
    target = torch.tensor([[[0, 2], [2, 255]]])
    weight = torch.tensor([0.5, 1.0, 4.0], dtype=torch.float64)
    per_position = cross_entropy(logits, target, reduction="none", weight=weight, ignore_index=255)
    mean = cross_entropy(logits, target, weight=weight, ignore_index=255)
    close(mean, per_position.sum() / (0.5 + 4.0 + 4.0))


@pytest.mark.parametrize("dtype", [torch.uint8, torch.int32, torch.long])
def test_cross_entropy_takes_class_indices_of_any_integer_dtype(dtype):
    logits = torch.randn(2, 3, 2, 2, dtype=torch.float64)
    target = torch.tensor([[[0, 1], [2, 255]], [[2, 2], [1, 0]]])
    expected = F.cross_entropy(logits, target, ignore_index=255)
    close(cross_entropy(logits, target.to(dtype), ignore_index=255), expected)


def test_cross_entropy_promotes_mixed_dtypes_as_torch_does():
    logits = torch.randn(2, 3)
    target = torch.softmax(torch.randn(2, 3, dtype=torch.float64), dim=1)
    expected = F.cross_entropy(logits, target)
    mine = cross_entropy(logits, target)
    assert mine.dtype == expected.dtype == torch.float64
    torch.testing.assert_close(mine, expected)


# --- focal loss -------------------------------------------------------------------


@FAST
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    seed=st.integers(0, 10_000),
    scale=st.sampled_from([1.0, 10.0, 50.0]),
    alpha=st.sampled_from([0.25, 0.5, 0.9, None]),
    gamma=st.sampled_from([0.0, 0.5, 1.0, 2.0, 5.0]),
    reduction=st.sampled_from(REDUCTIONS),
)
def test_focal_loss_matches_torchvision(shape, seed, scale, alpha, gamma, reduction):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, generator=generator, dtype=torch.float64) * scale
    y = torch.rand(shape, generator=generator, dtype=torch.float64).round()
    expected = torchvision.ops.sigmoid_focal_loss(
        x, y, alpha=-1 if alpha is None else alpha, gamma=gamma, reduction=reduction
    )
    mine = sigmoid_focal_loss(x, y, alpha=alpha, gamma=gamma, reduction=reduction)
    torch.testing.assert_close(mine, expected, rtol=1e-9, atol=1e-12)


def test_focal_loss_is_cross_entropy_times_the_modulating_factor():
    p_t = torch.tensor([0.9, 1 - 1 / 31.25], dtype=torch.float64)  # the paper's 0.9 and ~0.968
    logits = torch.log(p_t / (1 - p_t))
    target = torch.ones(2, dtype=torch.float64)
    ce = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    fl = sigmoid_focal_loss(logits, target, alpha=None, gamma=2.0)
    close(ce / fl, torch.tensor([100.0, 976.5625], dtype=torch.float64))
    close(sigmoid_focal_loss(logits, target, alpha=None, gamma=0.0), ce)


# --- binary cross-entropy ---------------------------------------------------------


@FAST
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    seed=st.integers(0, 10_000),
    reduction=st.sampled_from(REDUCTIONS),
    edges=st.booleans(),
)
def test_bce_matches_torch(shape, seed, reduction, edges):
    generator = torch.Generator().manual_seed(seed)
    p = torch.rand(shape, generator=generator, dtype=torch.float64)
    if edges:  # exact 0 and 1 hit the clamp at -100
        p = p.round()
    y = torch.rand(shape, generator=generator, dtype=torch.float64).round()
    expected = torch.nn.BCELoss(reduction=reduction)(p, y)
    close(binary_cross_entropy(p, y, reduction=reduction), expected)


@FAST
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    seed=st.integers(0, 10_000),
    scale=st.sampled_from([1.0, 30.0, 1e3, 1e5]),
    reduction=st.sampled_from(REDUCTIONS),
    weighted=st.booleans(),
)
def test_bce_with_logits_matches_torch(shape, seed, scale, reduction, weighted):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, generator=generator, dtype=torch.float64) * scale
    y = torch.rand(shape, generator=generator, dtype=torch.float64)
    pw = torch.rand(shape[-1], generator=generator, dtype=torch.float64) * 5 if weighted else None
    mine = binary_cross_entropy_with_logits(x, y, pos_weight=pw, reduction=reduction)
    expected = torch.nn.BCEWithLogitsLoss(pos_weight=pw, reduction=reduction)(x, y)
    assert torch.isfinite(mine).all()
    torch.testing.assert_close(mine, expected, rtol=1e-9, atol=1e-9)


def test_sigmoid_then_bce_saturates_at_100_but_logits_form_does_not():
    x = torch.tensor([-200.0])
    y = torch.tensor([1.0])
    assert torch.nn.BCELoss()(torch.sigmoid(x), y).item() == 100.0
    assert binary_cross_entropy(torch.sigmoid(x), y).item() == 100.0
    assert torch.nn.BCEWithLogitsLoss()(x, y).item() == pytest.approx(200.0)
    assert binary_cross_entropy_with_logits(x, y).item() == pytest.approx(200.0)


def test_pos_weight_is_negatives_over_positives():
    labels = torch.tensor([1.0] * 100 + [0.0] * 300)  # the PyTorch docs' example
    assert pos_weight_from_counts(labels).item() == 3.0
    per_label = torch.tensor([[1, 0], [0, 0], [0, 1], [0, 1]])  # integer labels work too
    assert pos_weight_from_counts(per_label).tolist() == [3.0, 1.0]


# --- regression helpers -----------------------------------------------------------


def test_house_prices_is_reproducible_and_corrupts_exactly_k_prices():
    a, b = house_prices(seed=3, outliers=4), house_prices(seed=3, outliers=4)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert int((a[1] == 20.0).sum()) == 4


def test_fit_line_finds_least_squares_and_robust_losses_ignore_outliers():
    size, price = house_prices(outliers=5, seed=0)
    design = torch.cat([size, torch.ones_like(size)], dim=1)
    w_ls, b_ls = torch.linalg.lstsq(design, price).solution.flatten().tolist()
    w, b = fit_line(size, price, torch.nn.MSELoss())
    assert w == pytest.approx(w_ls, abs=2e-3) and b == pytest.approx(b_ls, abs=2e-3)
    for robust in (torch.nn.L1Loss(), torch.nn.HuberLoss(), torch.nn.SmoothL1Loss()):
        w, _ = fit_line(size, price, robust)
        assert abs(w - 2.0) < 0.1


# --- gradients at a logit ---------------------------------------------------------


def test_logit_gradients_match_the_closed_forms():
    z = torch.linspace(-10, 10, 41, dtype=torch.float64)
    a = torch.sigmoid(z)
    mse_grad, ce_grad = logit_gradients(z, target=1.0)
    close(mse_grad, (2 * (a - 1) * a * (1 - a)).abs())
    close(ce_grad, (a - 1).abs())
    mse_grad, ce_grad = logit_gradients(z, target=0.0)
    close(mse_grad, (2 * a * a * (1 - a)).abs())
    close(ce_grad, a)


def test_mse_gradient_vanishes_where_cross_entropy_does_not():
    mse_grad, ce_grad = logit_gradients(torch.tensor([-10.0]), target=1.0)
    assert mse_grad.item() < 1e-3 < 0.99 < ce_grad.item()


def test_logit_gradients_leave_the_input_alone():
    z = torch.tensor([-1.0, 2.0])
    logit_gradients(z)
    assert not z.requires_grad and z.grad is None


# --- errors -------------------------------------------------------------------------

X = torch.zeros(3)
P = torch.tensor([0.5, 0.5])
LOGITS = torch.zeros(2, 3)
INDICES = torch.tensor([0, 1])
DENSE = torch.zeros(2, 3, 4, 4)
DENSE_INDICES = torch.zeros(2, 4, 4, dtype=torch.long)
SIZE, PRICE = house_prices(n=5)
MSE_LOSS = torch.nn.MSELoss()


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: reduce_losses([1.0]), TypeError, r"losses must be a torch\.Tensor, got list"),
        (lambda: reduce_losses(X, reduction="max"), ValueError, r"reduction must be one of"),
        (lambda: mse([1.0], X), TypeError, r"input must be a floating-point tensor, got list"),
        (lambda: double_softmax_floor(1), ValueError, r"num_classes must be an integer >= 2"),
        (lambda: double_softmax_floor(2.0), TypeError, r"num_classes must be an integer"),
        (
            lambda: cross_entropy(LOGITS, torch.tensor([0.0, 1.0])),
            TypeError,
            r"target of shape \(N,\) must hold class indices",
        ),
        (
            lambda: cross_entropy(LOGITS, torch.tensor([[1, 0, 0], [0, 1, 0]])),
            TypeError,
            r"target of shape \(N, C\) must hold class probabilities",
        ),
        (
            lambda: cross_entropy(LOGITS, torch.tensor([0, 3])),
            ValueError,
            r"target class indices must be in \[0, 3\)",
        ),
        (
            lambda: cross_entropy(LOGITS, torch.tensor([[2.0, -1.0, 0.0], [0.0, 1.0, 0.0]])),
            ValueError,
            r"target probabilities must be in \[0, 1\]",
        ),
        (
            lambda: cross_entropy(LOGITS, torch.tensor([0, 1, 2])),
            ValueError,
            r"target must have shape \(N,\)",
        ),
        (
            lambda: cross_entropy(torch.zeros(3), torch.tensor([0])),
            ValueError,
            r"logits must have shape \(N, C\)",
        ),
        (
            lambda: cross_entropy(torch.zeros(0, 3), torch.zeros(0, dtype=torch.long)),
            ValueError,
            r"logits must hold at least one sample",
        ),
        (
            lambda: cross_entropy(LOGITS.long(), INDICES),
            TypeError,
            r"logits must be a floating-point tensor",
        ),
        (
            lambda: cross_entropy(LOGITS, INDICES, label_smoothing=1.5),
            ValueError,
            r"label_smoothing must be a number in \[0.0, 1.0\], got 1.5",
        ),
        (
            lambda: cross_entropy(LOGITS, INDICES, label_smoothing="0.1"),
            TypeError,
            r"label_smoothing must be a number in \[0.0, 1.0\], got '0.1'",
        ),
        (
            lambda: cross_entropy(LOGITS, INDICES, reduction="max"),
            ValueError,
            r"reduction must be one of",
        ),
        (
            lambda: cross_entropy(DENSE, torch.zeros(2, 4, 4)),
            TypeError,
            r"target of shape \(N, d1, ..., dk\) must hold class",
        ),
        (
            lambda: cross_entropy(DENSE, torch.zeros(2, 4, 3, dtype=torch.long)),
            ValueError,
            r"target must have shape \(N, d1, ..., dk\) = \(2, 4, 4\)",
        ),
        (
            lambda: cross_entropy(DENSE, torch.full((2, 4, 4), 7), ignore_index=255),
            ValueError,
            r"or equal ignore_index \(255\), got \[7\]",
        ),
        (
            lambda: cross_entropy(DENSE, DENSE_INDICES, weight=torch.ones(4)),
            ValueError,
            r"weight must have shape \(C,\) = \(3,\)",
        ),
        (
            lambda: cross_entropy(DENSE, DENSE_INDICES, weight=torch.ones(3).long()),
            TypeError,
            r"weight must be a floating-point tensor",
        ),
        (
            lambda: cross_entropy(DENSE, DENSE_INDICES, ignore_index=255.0),
            TypeError,
            r"ignore_index must be an integer in \[-9223372036854775808, 9223372036854775807\]",
        ),
        (
            lambda: cross_entropy(DENSE, DENSE_INDICES, ignore_index=2**63),
            ValueError,
            r"ignore_index must be an integer in",
        ),
        (
            lambda: cross_entropy(torch.zeros(2, 3, 0), torch.zeros(2, 0, dtype=torch.long)),
            ValueError,
            r"logits must hold at least one sample",
        ),
        (
            lambda: sigmoid_focal_loss(X, X, alpha=1.5),
            ValueError,
            r"alpha must be a number in \[0.0, 1.0\], got 1.5",
        ),
        (lambda: sigmoid_focal_loss(X, X, alpha="0.25"), TypeError, r"alpha must be a number"),
        (
            lambda: sigmoid_focal_loss(X, X, gamma=-1),
            ValueError,
            r"gamma must be a number >= 0.0, got -1",
        ),
        (lambda: sigmoid_focal_loss(X, X, gamma=None), TypeError, r"gamma must be a number"),
        (
            lambda: sigmoid_focal_loss(X, torch.full((3,), 2.0)),
            ValueError,
            r"target must hold values in \[0, 1\]",
        ),
        (
            lambda: sigmoid_focal_loss(X, torch.zeros(2)),
            ValueError,
            r"target must have the same shape as logits",
        ),
        (
            lambda: sigmoid_focal_loss(torch.zeros(0), torch.zeros(0)),
            ValueError,
            r"logits must hold at least one element",
        ),
        (
            lambda: sigmoid_focal_loss(X, X.long()),
            TypeError,
            r"target must be a floating-point tensor",
        ),
        (lambda: sigmoid_focal_loss(X, X, reduction="avg"), ValueError, r"reduction must be one"),
        (
            lambda: binary_cross_entropy(torch.tensor([1.5, 0.5]), P),
            ValueError,
            r"input must hold probabilities in \[0, 1\]",
        ),
        (
            lambda: binary_cross_entropy(torch.tensor([float("nan"), 0.5]), P),
            ValueError,
            r"input must hold probabilities in \[0, 1\]",
        ),
        (
            lambda: binary_cross_entropy(P, torch.tensor([2.0, 0.0])),
            ValueError,
            r"target must hold values in \[0, 1\]",
        ),
        (
            lambda: binary_cross_entropy_with_logits(P, torch.tensor([-1.0, 0.0])),
            ValueError,
            r"target must hold values in \[0, 1\]",
        ),
        (
            lambda: binary_cross_entropy_with_logits(P, P, pos_weight=torch.ones(3)),
            ValueError,
            r"pos_weight must broadcast to logits",
        ),
        (
            lambda: binary_cross_entropy_with_logits(P, P, pos_weight=torch.tensor([-1.0])),
            ValueError,
            r"pos_weight must be >= 0",
        ),
        (
            lambda: binary_cross_entropy_with_logits(P, P, pos_weight=torch.tensor([2])),
            TypeError,
            r"pos_weight must be a floating-point tensor",
        ),
        (
            lambda: pos_weight_from_counts(torch.zeros(4)),
            ValueError,
            r"target must hold at least one positive example per label",
        ),
        (
            lambda: pos_weight_from_counts(torch.tensor([0.5, 1.0])),
            ValueError,
            r"target must hold only 0 and 1",
        ),
        (
            lambda: pos_weight_from_counts(torch.zeros(0)),
            ValueError,
            r"target must have shape \(N,\) or \(N, L\) with N >= 1, got \(0,\)",
        ),
        (
            lambda: pos_weight_from_counts(torch.ones(2, 2, 2)),
            ValueError,
            r"target must have shape \(N,\) or \(N, L\)",
        ),
        (lambda: pos_weight_from_counts([1, 0]), TypeError, r"target must be a torch\.Tensor"),
        (
            lambda: house_prices(n=5, outliers=5),
            ValueError,
            r"outliers must be an integer in \[0, 4\], got 5",
        ),
        (lambda: house_prices(n=1), ValueError, r"n must be an integer >= 2, got 1"),
        (lambda: house_prices(seed=0.5), TypeError, r"seed must be an integer >= 0"),
        (lambda: house_prices(seed=-1), ValueError, r"seed must be an integer >= 0, got -1"),
        (
            lambda: fit_line(SIZE.flatten(), PRICE.flatten(), MSE_LOSS),
            ValueError,
            r"x and y must both have shape \(N, 1\), got \(5,\) and \(5,\)",
        ),
        (
            lambda: fit_line(SIZE.long(), PRICE, MSE_LOSS),
            TypeError,
            r"x must be a floating-point tensor",
        ),
        (
            lambda: fit_line(SIZE, PRICE, mse),
            TypeError,
            r"loss_fn must be a torch\.nn\.Module, got function",
        ),
        (
            lambda: fit_line(SIZE, PRICE, MSE_LOSS, steps=0),
            ValueError,
            r"steps must be an integer >= 1, got 0",
        ),
        (
            lambda: fit_line(SIZE, PRICE, MSE_LOSS, learning_rate=0.0),
            ValueError,
            r"learning_rate must be a number > 0.0, got 0.0",
        ),
        (
            lambda: fit_line(SIZE, PRICE, MSE_LOSS, momentum=1.5),
            ValueError,
            r"momentum must be a number in \[0.0, 1.0\], got 1.5",
        ),
        (
            lambda: logit_gradients(torch.tensor([1, 2])),
            TypeError,
            r"z must be a floating-point tensor, got torch\.int64",
        ),
        (
            lambda: logit_gradients(torch.zeros(2, 2)),
            ValueError,
            r"z must have 1 dimensions, got 2",
        ),
        (
            lambda: logit_gradients(torch.zeros(2), target=0.5),
            ValueError,
            r"target must be one of \(0\.0, 1\.0\), got 0\.5",
        ),
    ],
)
def test_bad_arguments_raise_errors_that_name_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


# The element-wise losses refuse the same things, each naming its first argument.
ELEMENTWISE = [
    pytest.param(mse, "input", id="mse"),
    pytest.param(binary_cross_entropy, "input", id="binary_cross_entropy"),
    pytest.param(binary_cross_entropy_with_logits, "logits", id="bce_with_logits"),
]


@pytest.mark.parametrize(("loss", "first"), ELEMENTWISE)
@pytest.mark.parametrize(
    ("first_value", "target", "options", "error", "match"),
    [
        (P, torch.tensor([1, 0]), {}, TypeError, r"target must be a floating-point tensor"),
        (P, torch.tensor([1.0]), {}, ValueError, r"target must have the same shape as {first}"),
        (torch.zeros(0), torch.zeros(0), {}, ValueError, r"{first} must hold at least one"),
        (
            P,
            P,
            {"reduction": "avg"},
            ValueError,
            r"reduction must be one of \('mean', 'sum', 'none'\), got 'avg'",
        ),
    ],
)
def test_elementwise_losses_refuse_bad_tensors_naming_the_argument(
    loss, first, first_value, target, options, error, match
):
    with pytest.raises(error, match=match.format(first=first)):
        loss(first_value, target, **options)


# --- the code the pages show ---------------------------------------------------------


def shown(*sections: str) -> str:
    """The text the pages include for ``sections`` of snippets/losses.py, in that order."""
    source = SOURCE.read_text(encoding="utf-8")
    parts = []
    for name in sections:
        pattern = rf"# --8<-- \[start:{name}\]\n(.*?)\n *# --8<-- \[end:{name}\]"
        parts.append(re.search(pattern, source, re.S).group(1))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def reader_copy() -> dict:
    """What a reader's interpreter holds after pasting the chapter's definition blocks."""
    namespace: dict = {}
    names = [
        "reduce_losses",
        "mse",
        "cross_entropy",
        "binary_cross_entropy",
        "binary_cross_entropy_with_logits",
        "sigmoid_focal_loss",
        "pos_weight_from_counts",
        "fit_line",
        "logit_gradients",
    ]
    sections = ["imports"] + [part for name in names for part in (name, f"{name}-body")]
    exec(compile(shown(*sections), str(SOURCE), "exec"), namespace)
    assert "check_tensor" not in namespace
    return namespace


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_the_shown_code_alone_matches_torch(reader_copy, reduction):
    copy = reader_copy
    generator = torch.Generator().manual_seed(7)
    x = torch.randn(5, 3, generator=generator, dtype=torch.float64) * 20
    y = torch.rand(5, 3, generator=generator, dtype=torch.float64)
    index = torch.randint(0, 3, (5,), generator=generator)
    close(copy["mse"](x, y, reduction=reduction), F.mse_loss(x, y, reduction=reduction))
    for target in (index, index.to(torch.uint8), y):
        close(
            copy["cross_entropy"](x, target, label_smoothing=0.1, reduction=reduction),
            F.cross_entropy(x, target, label_smoothing=0.1, reduction=reduction),
        )
    p = torch.sigmoid(x)
    close(
        copy["binary_cross_entropy"](p, y, reduction=reduction),
        F.binary_cross_entropy(p, y, reduction=reduction),
    )
    pw = torch.tensor([1.0, 2.0, 0.5], dtype=torch.float64)
    close(
        copy["binary_cross_entropy_with_logits"](x, y, pos_weight=pw, reduction=reduction),
        F.binary_cross_entropy_with_logits(x, y, pos_weight=pw, reduction=reduction),
    )
    close(
        copy["sigmoid_focal_loss"](x, y.round(), reduction=reduction),
        torchvision.ops.sigmoid_focal_loss(x, y.round(), reduction=reduction),
    )


def test_the_shown_helpers_alone_give_what_the_pages_print(reader_copy):
    labels = torch.tensor([[1, 0], [0, 0], [0, 1], [0, 1]])
    assert reader_copy["pos_weight_from_counts"](labels).tolist() == [3.0, 1.0]
    size, price = house_prices(seed=0)
    w, b = reader_copy["fit_line"](size, price, torch.nn.MSELoss())
    assert (round(w, 2), round(b, 2)) == (2.05, 0.95)
    mse_grad, ce_grad = reader_copy["logit_gradients"](torch.tensor([-6.0]), target=1)
    assert (round(mse_grad.item(), 4), round(ce_grad.item(), 4)) == (0.0049, 0.9975)


def test_the_shown_cross_entropy_alone_gives_torch_gradient_on_an_all_void_batch(reader_copy):
    logits = torch.randn(2, 3, 2, 2, generator=torch.Generator().manual_seed(3))
    void = torch.full((2, 2, 2), 255)
    weight = torch.tensor([0.2, 1.0, 5.0])
    loss, gradient = logit_gradient(
        reader_copy["cross_entropy"], logits, void, weight=weight, ignore_index=255
    )
    assert loss.isnan()
    assert torch.equal(gradient, torch.zeros_like(logits))
