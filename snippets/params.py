"""Count the learnable numbers in a model."""

from __future__ import annotations

# --8<-- [start:imports]
from torch import nn

# --8<-- [end:imports]


# --8<-- [start:count_parameters]
def _count_parameters(module: nn.Module, trainable_only: bool = False) -> int:
    """How many scalar parameters ``module`` holds (only trainable ones if asked)."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable_only)


# --8<-- [end:count_parameters]


def count_parameters(module: nn.Module, *, trainable_only: bool = False) -> int:
    """Return how many scalar parameters ``module`` holds.

    ```python
    from torch import nn
    from snippets.params import count_parameters

    conv = nn.Conv2d(3, 8, kernel_size=3)  # 8 * 3 * 3 * 3 weights + 8 biases
    print(count_parameters(conv))
    #> 224
    ```

    Args:
        module: any ``torch.nn.Module``.
        trainable_only: count only parameters with ``requires_grad=True``.

    Raises:
        TypeError: if ``module`` is not an ``nn.Module`` or ``trainable_only`` is not a bool.
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    if not isinstance(trainable_only, bool):
        raise TypeError(f"trainable_only must be a bool, got {type(trainable_only).__name__}")
    return _count_parameters(module, trainable_only)
