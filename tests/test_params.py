import pytest
from torch import nn

from snippets.params import count_parameters


def test_counts_weights_and_biases():
    assert count_parameters(nn.Linear(4, 3)) == 4 * 3 + 3


def test_trainable_only_skips_frozen_parameters():
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    model[0].requires_grad_(False)
    assert count_parameters(model) == 6 + 3
    assert count_parameters(model, trainable_only=True) == 3


@pytest.mark.parametrize("bad", [None, 3, "conv"])
def test_rejects_non_modules(bad):
    with pytest.raises(TypeError, match=r"module must be a torch\.nn\.Module"):
        count_parameters(bad)


def test_rejects_non_bool_flag():
    with pytest.raises(TypeError, match="trainable_only must be a bool"):
        count_parameters(nn.Linear(1, 1), trainable_only=1)


def test_the_core_shown_on_the_home_page_counts_the_same_without_checks():
    from snippets.params import _count_parameters

    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Linear(8, 2))
    model[1].requires_grad_(False)
    assert _count_parameters(model) == count_parameters(model) == 224 + 18
    assert _count_parameters(model, True) == count_parameters(model, trainable_only=True) == 224
