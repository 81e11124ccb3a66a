import pytest
import torch

from snippets.losses_figures import FIGURES, _logit_gradients, logit_gradients


def test_gradients_match_the_closed_forms():
    z = torch.linspace(-10, 10, 41, dtype=torch.float64)
    a = torch.sigmoid(z)
    mse_grad, ce_grad = logit_gradients(z, target=1.0)
    torch.testing.assert_close(mse_grad, (2 * (a - 1) * a * (1 - a)).abs())
    torch.testing.assert_close(ce_grad, (a - 1).abs())
    mse_grad, ce_grad = logit_gradients(z, target=0.0)
    torch.testing.assert_close(ce_grad, a)


def test_mse_gradient_vanishes_where_cross_entropy_does_not():
    mse_grad, ce_grad = logit_gradients(torch.tensor([-10.0]), target=1.0)
    assert mse_grad.item() < 1e-3 < 0.99 < ce_grad.item()


def test_errors():
    with pytest.raises(TypeError, match=r"z must be a floating-point torch\.Tensor"):
        logit_gradients(torch.tensor([1, 2]))
    with pytest.raises(ValueError, match=r"z must be 1-D"):
        logit_gradients(torch.zeros(2, 2))
    with pytest.raises(ValueError, match=r"target must be 0\.0 or 1\.0"):
        logit_gradients(torch.zeros(2), target=0.5)


def test_figure_names_carry_the_chapter_prefix():
    assert set(FIGURES) == {"losses-gradient", "losses-focal"}


def test_core_gives_the_same_gradients_as_the_checked_function():
    z = torch.linspace(-5, 5, 11, dtype=torch.float64)
    for got, expected in zip(_logit_gradients(z, 0.0), logit_gradients(z, 0.0), strict=True):
        torch.testing.assert_close(got, expected)
