"""`snippets.params`: parameter counts, all or trainable only."""

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


@pytest.mark.parametrize(
    ("module", "flags", "message"),
    [
        (None, {}, r"module must be a torch\.nn\.Module, got NoneType"),
        ("conv", {}, r"module must be a torch\.nn\.Module, got str"),
        (nn.Linear(1, 1), {"trainable_only": 1}, r"trainable_only must be a bool, got 1"),
    ],
)
def test_refuses_what_is_not_a_module_or_a_flag(module, flags, message):
    with pytest.raises(TypeError, match=message):
        count_parameters(module, **flags)
