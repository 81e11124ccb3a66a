"""Count the learnable numbers in a model: the home page's example of a shown definition."""

from __future__ import annotations

# --8<-- [start:imports]
from torch import nn

# --8<-- [end:imports]
# isort: split
from snippets.checks import check_bool, check_type


# --8<-- [start:count_parameters]
def count_parameters(module: nn.Module, *, trainable_only: bool = False) -> int:
    # --8<-- [end:count_parameters]
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
    check_type("module", module, nn.Module)
    check_bool("trainable_only", trainable_only)
    # --8<-- [start:count_parameters-body]
    return sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable_only)
    # --8<-- [end:count_parameters-body]
