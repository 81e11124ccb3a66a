import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.losses import (
    _binary_cross_entropy,
    _binary_cross_entropy_with_logits,
    _cross_entropy,
    _fit_line,
    _mse,
    _pos_weight_from_counts,
    _sigmoid_focal_loss,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    double_softmax_floor,
    fit_line,
    house_prices,
    mse,
    pos_weight_from_counts,
    sigmoid_focal_loss,
)
from tests.torchvision_compat import torchvision

REDUCTIONS = ["mean", "sum", "none"]
FAST = settings(max_examples=60, deadline=None)


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


# --- mse --------------------------------------------------------------------------


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
    close(mse(x, y, reduction), torch.nn.MSELoss(reduction=reduction)(x, y))


def test_mse_errors():
    x = torch.zeros(3)
    with pytest.raises(ValueError, match=r"target must have the same shape as input"):
        mse(x, torch.zeros(3, 1))
    with pytest.raises(ValueError, match="input must hold at least one element"):
        mse(torch.zeros(0), torch.zeros(0))
    with pytest.raises(TypeError, match="target must be a floating-point tensor"):
        mse(x, torch.zeros(3, dtype=torch.long))
    with pytest.raises(TypeError, match=r"input must be a torch\.Tensor"):
        mse([1.0], x)
    with pytest.raises(ValueError, match="reduction must be one of"):
        mse(x, x, reduction="avg")


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


def test_double_softmax_errors():
    with pytest.raises(ValueError, match="num_classes must be an integer >= 2, got 1"):
        double_softmax_floor(1)
    with pytest.raises(TypeError, match="num_classes must be an integer"):
        double_softmax_floor(2.0)


def test_cross_entropy_errors():
    logits = torch.zeros(2, 3)
    with pytest.raises(TypeError, match=r"target of shape \(N,\) must hold class indices"):
        cross_entropy(logits, torch.tensor([0.0, 1.0]))
    with pytest.raises(TypeError, match=r"target of shape \(N, C\) must hold class probabilities"):
        cross_entropy(logits, torch.tensor([[1, 0, 0], [0, 1, 0]]))
    with pytest.raises(ValueError, match=r"target class indices must be in \[0, 3\)"):
        cross_entropy(logits, torch.tensor([0, 3]))
    with pytest.raises(ValueError, match="target probabilities must be in"):
        cross_entropy(logits, torch.tensor([[2.0, -1.0, 0.0], [0.0, 1.0, 0.0]]))
    with pytest.raises(ValueError, match=r"target must have shape \(N,\)"):
        cross_entropy(logits, torch.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match=r"logits must have shape \(N, C\)"):
        cross_entropy(torch.zeros(3), torch.tensor([0]))
    with pytest.raises(ValueError, match="logits must hold at least one sample"):
        cross_entropy(torch.zeros(0, 3), torch.zeros(0, dtype=torch.long))
    with pytest.raises(TypeError, match="logits must be a floating-point tensor"):
        cross_entropy(torch.zeros(2, 3, dtype=torch.long), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\], got 1.5"):
        cross_entropy(logits, torch.tensor([0, 1]), label_smoothing=1.5)
    with pytest.raises(TypeError, match="label_smoothing must be a float"):
        cross_entropy(logits, torch.tensor([0, 1]), label_smoothing="0.1")
    with pytest.raises(ValueError, match="reduction must be one of"):
        cross_entropy(logits, torch.tensor([0, 1]), reduction="max")


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
@given(
    case=dense_case(),
    smoothing=st.sampled_from([0.0, 0.1]),
    reduction=st.sampled_from(REDUCTIONS),
)
def test_dense_cross_entropy_with_weight_and_ignore_index_matches_torch(case, smoothing, reduction):
    logits, target, weight, ignore_index = case
    kwargs = {"weight": weight, "ignore_index": ignore_index}
    expected = F.cross_entropy(
        logits, target, label_smoothing=smoothing, reduction=reduction, **kwargs
    )
    mine = cross_entropy(logits, target, smoothing, reduction, **kwargs)
    torch.testing.assert_close(mine, expected, rtol=1e-7, atol=1e-7, equal_nan=True)
    if reduction == "mean" and bool((target == ignore_index).all()):
        assert mine.isnan() and expected.isnan()  # 0 / 0, as torch


@FAST
@given(case=dense_case(), smoothing=st.sampled_from([0.0, 0.2]))
def test_dense_cross_entropy_with_probabilities_matches_torch(case, smoothing):
    logits, _, weight, _ = case
    raw = torch.rand(logits.shape, dtype=torch.float64)
    target = raw / raw.sum(dim=1, keepdim=True)
    for reduction in REDUCTIONS:
        expected = F.cross_entropy(
            logits, target, weight=weight, label_smoothing=smoothing, reduction=reduction
        )
        mine = cross_entropy(logits, target, smoothing, reduction, weight=weight)
        torch.testing.assert_close(mine, expected, rtol=1e-7, atol=1e-7)


def test_all_ignored_batch_gives_nan_with_mean_and_zero_with_sum():
    logits = torch.randn(2, 3, 2, 2)
    target = torch.full((2, 2, 2), 255)
    assert torch.nn.CrossEntropyLoss(ignore_index=255)(logits, target).isnan()
    assert cross_entropy(logits, target, ignore_index=255).isnan()
    assert cross_entropy(logits, target, reduction="sum", ignore_index=255).item() == 0.0


def test_weighted_mean_divides_by_the_summed_weights_of_counted_positions():
    logits = torch.randn(1, 3, 2, 2, dtype=torch.float64)
    target = torch.tensor([[[0, 2], [2, 255]]])
    weight = torch.tensor([0.5, 1.0, 4.0], dtype=torch.float64)
    per_position = cross_entropy(logits, target, reduction="none", weight=weight, ignore_index=255)
    mean = cross_entropy(logits, target, weight=weight, ignore_index=255)
    close(mean, per_position.sum() / (0.5 + 4.0 + 4.0))


def test_dense_cross_entropy_errors():
    logits = torch.zeros(2, 3, 4, 4)
    with pytest.raises(TypeError, match=r"target of shape \(N, d1, ..., dk\) must hold class"):
        cross_entropy(logits, torch.zeros(2, 4, 4))
    with pytest.raises(
        ValueError, match=r"target must have shape \(N, d1, ..., dk\) = \(2, 4, 4\)"
    ):
        cross_entropy(logits, torch.zeros(2, 4, 3, dtype=torch.long))
    with pytest.raises(ValueError, match=r"or equal ignore_index \(255\), got \[7\]"):
        cross_entropy(logits, torch.full((2, 4, 4), 7), ignore_index=255)
    with pytest.raises(ValueError, match=r"weight must have shape \(C,\) = \(3,\)"):
        cross_entropy(logits, torch.zeros(2, 4, 4, dtype=torch.long), weight=torch.ones(4))
    with pytest.raises(TypeError, match="weight must be a floating-point tensor"):
        cross_entropy(logits, torch.zeros(2, 4, 4, dtype=torch.long), weight=torch.ones(3).long())
    with pytest.raises(TypeError, match="ignore_index must be an integer"):
        cross_entropy(logits, torch.zeros(2, 4, 4, dtype=torch.long), ignore_index=255.0)
    with pytest.raises(ValueError, match="logits must hold at least one sample"):
        cross_entropy(torch.zeros(2, 3, 0), torch.zeros(2, 0, dtype=torch.long))


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
    close(_sigmoid_focal_loss(x, y, alpha, gamma, reduction), mine)


def test_focal_loss_is_cross_entropy_times_the_modulating_factor():
    p_t = torch.tensor([0.9, 1 - 1 / 31.25], dtype=torch.float64)  # the paper's 0.9 and ~0.968
    logits = torch.log(p_t / (1 - p_t))
    target = torch.ones(2, dtype=torch.float64)
    ce = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    fl = sigmoid_focal_loss(logits, target, alpha=None, gamma=2.0)
    close(ce / fl, torch.tensor([100.0, 976.5625], dtype=torch.float64))
    close(sigmoid_focal_loss(logits, target, alpha=None, gamma=0.0), ce)


def test_focal_loss_errors():
    x = torch.zeros(3)
    with pytest.raises(ValueError, match=r"alpha must be in \[0, 1\] or None, got 1.5"):
        sigmoid_focal_loss(x, x, alpha=1.5)
    with pytest.raises(TypeError, match="alpha must be a float"):
        sigmoid_focal_loss(x, x, alpha="0.25")
    with pytest.raises(ValueError, match="gamma must be >= 0, got -1"):
        sigmoid_focal_loss(x, x, gamma=-1)
    with pytest.raises(TypeError, match="gamma must be a float"):
        sigmoid_focal_loss(x, x, gamma=None)
    with pytest.raises(ValueError, match=r"target must hold values in \[0, 1\]"):
        sigmoid_focal_loss(x, torch.full((3,), 2.0))
    with pytest.raises(ValueError, match="target must have the same shape as logits"):
        sigmoid_focal_loss(x, torch.zeros(2))
    with pytest.raises(ValueError, match="logits must hold at least one element"):
        sigmoid_focal_loss(torch.zeros(0), torch.zeros(0))
    with pytest.raises(TypeError, match="target must be a floating-point tensor"):
        sigmoid_focal_loss(x, torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match="reduction must be one of"):
        sigmoid_focal_loss(x, x, reduction="avg")


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
    close(binary_cross_entropy(p, y, reduction), torch.nn.BCELoss(reduction=reduction)(p, y))


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


def test_bce_errors():
    p = torch.tensor([0.5, 0.5])
    with pytest.raises(ValueError, match=r"input must hold probabilities in \[0, 1\]"):
        binary_cross_entropy(torch.tensor([1.5, 0.5]), p)
    with pytest.raises(ValueError, match=r"target must hold values in \[0, 1\]"):
        binary_cross_entropy(p, torch.tensor([2.0, 0.0]))
    with pytest.raises(TypeError, match="target must be a floating-point tensor"):
        binary_cross_entropy(p, torch.tensor([1, 0]))
    with pytest.raises(ValueError, match="target must have the same shape as input"):
        binary_cross_entropy(p, torch.tensor([1.0]))
    with pytest.raises(ValueError, match="input must hold at least one element"):
        binary_cross_entropy(torch.zeros(0), torch.zeros(0))
    with pytest.raises(TypeError, match="target must be a floating-point tensor"):
        binary_cross_entropy_with_logits(p, torch.tensor([1, 0]))
    with pytest.raises(ValueError, match="target must have the same shape as logits"):
        binary_cross_entropy_with_logits(p, torch.tensor([1.0]))
    with pytest.raises(ValueError, match="logits must hold at least one element"):
        binary_cross_entropy_with_logits(torch.zeros(0), torch.zeros(0))
    with pytest.raises(ValueError, match=r"target must hold values in \[0, 1\]"):
        binary_cross_entropy_with_logits(p, torch.tensor([-1.0, 0.0]))
    with pytest.raises(ValueError, match="pos_weight must broadcast to logits"):
        binary_cross_entropy_with_logits(p, p, pos_weight=torch.ones(3))
    with pytest.raises(ValueError, match="pos_weight must be >= 0"):
        binary_cross_entropy_with_logits(p, p, pos_weight=torch.tensor([-1.0]))


def test_pos_weight_is_negatives_over_positives():
    labels = torch.tensor([1.0] * 100 + [0.0] * 300)  # the PyTorch docs' example
    assert pos_weight_from_counts(labels).item() == 3.0
    with pytest.raises(ValueError, match="at least one positive example"):
        pos_weight_from_counts(torch.zeros(4))
    with pytest.raises(ValueError, match="target must hold only 0 and 1"):
        pos_weight_from_counts(torch.tensor([0.5, 1.0]))
    with pytest.raises(ValueError, match=r"target must have shape \(N,\) or \(N, L\)"):
        pos_weight_from_counts(torch.zeros(0))


# --- regression helpers -----------------------------------------------------------


def test_house_prices_is_reproducible_and_corrupts_exactly_k_prices():
    a, b = house_prices(seed=3, outliers=4), house_prices(seed=3, outliers=4)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert int((a[1] == 20.0).sum()) == 4
    with pytest.raises(ValueError, match=r"outliers must be in \[0, n\)"):
        house_prices(n=5, outliers=5)
    with pytest.raises(ValueError, match="n must be an integer >= 2"):
        house_prices(n=1)
    with pytest.raises(TypeError, match="seed must be an integer"):
        house_prices(seed=0.5)


def test_fit_line_finds_least_squares_and_robust_losses_ignore_outliers():
    size, price = house_prices(outliers=5, seed=0)
    design = torch.cat([size, torch.ones_like(size)], dim=1)
    w_ls, b_ls = torch.linalg.lstsq(design, price).solution.flatten().tolist()
    w, b = fit_line(size, price, torch.nn.MSELoss())
    assert w == pytest.approx(w_ls, abs=2e-3) and b == pytest.approx(b_ls, abs=2e-3)
    for robust in (torch.nn.L1Loss(), torch.nn.HuberLoss(), torch.nn.SmoothL1Loss()):
        w, _ = fit_line(size, price, robust)
        assert abs(w - 2.0) < 0.1
    with pytest.raises(ValueError, match=r"x and y must both have shape \(N, 1\)"):
        fit_line(size.flatten(), price.flatten(), torch.nn.MSELoss())
    with pytest.raises(TypeError, match=r"loss_fn must be a torch\.nn\.Module"):
        fit_line(size, price, mse)
    with pytest.raises(ValueError, match="steps must be an integer >= 1"):
        fit_line(size, price, torch.nn.MSELoss(), steps=0)


# --- the cores the page shows -------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_shown_cores_match_torch_without_the_public_checks(reduction):
    generator = torch.Generator().manual_seed(7)
    x = torch.randn(5, 3, generator=generator, dtype=torch.float64) * 20
    y = torch.rand(5, 3, generator=generator, dtype=torch.float64)
    index = torch.randint(0, 3, (5,), generator=generator)
    close(_mse(x, y, reduction), torch.nn.MSELoss(reduction=reduction)(x, y))
    close(
        _cross_entropy(x, index, 0.1, reduction),
        torch.nn.CrossEntropyLoss(label_smoothing=0.1, reduction=reduction)(x, index),
    )
    close(_cross_entropy(x, y, 0.0, reduction), F.cross_entropy(x, y, reduction=reduction))
    p = torch.sigmoid(x)
    close(_binary_cross_entropy(p, y, reduction), F.binary_cross_entropy(p, y, reduction=reduction))
    pw = torch.tensor([1.0, 2.0, 0.5], dtype=torch.float64)
    close(
        _binary_cross_entropy_with_logits(x, y, pw, reduction),
        F.binary_cross_entropy_with_logits(x, y, pos_weight=pw, reduction=reduction),
    )


def test_shown_cores_are_what_the_public_functions_return():
    labels = torch.tensor([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    assert torch.equal(_pos_weight_from_counts(labels), pos_weight_from_counts(labels))
    size, price = house_prices(n=20, seed=1)
    loss_fn = torch.nn.HuberLoss()
    assert _fit_line(size, price, loss_fn, 50) == fit_line(size, price, loss_fn, 50)
