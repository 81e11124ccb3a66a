"""The one home of argument checks: each returns the checked value or raises an error that names
the argument and what it allows, so a bad call fails at once with a message that says how to
fix it.

The public functions and classes of ``snippets`` call these between their docstring and the
code a page shows, so a page shows the idea and the API still refuses bad input.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TypeVar

import torch

T = TypeVar("T")


def check_int(
    name: str, value: object, minimum: int, maximum: int | None = None, *, odd: bool = False
) -> int:
    """Return ``value`` if it is an ``int`` (not a ``bool``) in ``[minimum, maximum]``, and odd
    where ``odd`` is set (a kernel size with a centre tap).

    ```python
    from snippets.checks import check_int

    print(check_int("stride", 2, 1))
    #> 2
    try:
        check_int("stride", 0, 1)
    except ValueError as error:
        print(error)
    #> stride must be an integer >= 1, got 0
    try:
        check_int("kernel_size", 4, 1, odd=True)
    except ValueError as error:
        print(error)
    #> kernel_size must be an odd integer >= 1, got 4
    ```

    Raises:
        TypeError: if ``value`` is not an integer.
        ValueError: if ``value`` is outside the range, or even where ``odd`` is set.
    """
    allowed = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
    kind = "an odd integer" if odd else "an integer"
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be {kind} {allowed}, got {value!r}")
    if value < minimum or (maximum is not None and value > maximum) or (odd and value % 2 == 0):
        raise ValueError(f"{name} must be {kind} {allowed}, got {value}")
    return value


def check_int_list(name: str, values: object, minimum: int, min_length: int = 1) -> list[int]:
    """Return ``values`` as a list if it is a sequence of at least ``min_length`` integers, each
    ``>= minimum``.

    ```python
    from snippets.checks import check_int_list

    print(check_int_list("rates", (1, 2, 5), 1))
    #> [1, 2, 5]
    ```

    Raises:
        TypeError: if ``values`` is not a sequence (a string is not) or holds a non-integer.
        ValueError: if ``values`` is shorter than ``min_length`` or holds an integer below
            ``minimum``.
    """
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of integers >= {minimum}, got {values!r}")
    if len(values) < min_length:
        wanted = "one integer" if min_length == 1 else f"{min_length} integers"
        raise ValueError(f"{name} must contain at least {wanted} >= {minimum}, got {len(values)}")
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must contain integers >= {minimum}, got {value!r}")
        if value < minimum:
            raise ValueError(f"{name} must contain integers >= {minimum}, got {value}")
    return list(values)


def check_number(
    name: str,
    value: object,
    minimum: float | None = None,
    maximum: float | None = None,
    *,
    above: bool = False,
) -> float:
    """Return ``value`` as a float if it is a real number (not a ``bool``) in range.

    ``minimum`` and ``maximum`` are inclusive bounds; ``above=True`` makes ``minimum`` strict
    (``> minimum``), for a learning rate, say.

    ```python
    from snippets.checks import check_number

    print(check_number("gamma", 2, 0.0))
    #> 2.0
    try:
        check_number("label_smoothing", 1.5, 0.0, 1.0)
    except ValueError as error:
        print(error)
    #> label_smoothing must be a number in [0.0, 1.0], got 1.5
    ```

    Raises:
        TypeError: if ``value`` is not an ``int`` or ``float``.
        ValueError: if ``value`` is outside the range.
    """
    if minimum is not None and maximum is not None:
        allowed = f"in {'(' if above else '['}{minimum}, {maximum}]"
    elif minimum is not None:
        allowed = f"{'>' if above else '>='} {minimum}"
    elif maximum is not None:
        allowed = f"<= {maximum}"
    else:
        allowed = "(int or float)"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number {allowed}, got {value!r}")
    low = minimum is not None and (value <= minimum if above else value < minimum)
    if low or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be a number {allowed}, got {value}")
    return float(value)


def check_number_list(
    name: str, values: object, min_length: int = 1, max_length: int | None = None
) -> list[float]:
    """Return ``values`` as a list of floats if it is a sequence of real numbers whose length is
    in ``[min_length, max_length]``.

    ```python
    from snippets.checks import check_number_list

    print(check_number_list("differences", (0.5, -1), 1, 20))
    #> [0.5, -1.0]
    ```

    Raises:
        TypeError: if ``values`` is not a sequence (a string is not) or holds a non-number.
        ValueError: if its length is out of range.
    """
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of numbers, got {values!r}")
    allowed = f"at least {min_length}" if max_length is None else f"{min_length} to {max_length}"
    if len(values) < min_length or (max_length is not None and len(values) > max_length):
        raise ValueError(f"{name} must hold {allowed} numbers, got {len(values)}")
    return [check_number(f"{name}[{index}]", value) for index, value in enumerate(values)]


def check_bool(name: str, value: object) -> bool:
    """Return ``value`` if it is a ``bool`` (``0`` and ``1`` are not).

    Raises:
        TypeError: if ``value`` is not a ``bool``.
    """
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {value!r}")
    return value


def check_choice(name: str, value: T, choices: Collection[T]) -> T:
    """Return ``value`` if it is one of ``choices``.

    ```python
    from snippets.checks import check_choice

    try:
        check_choice("reduction", "avg", ("mean", "sum", "none"))
    except ValueError as error:
        print(error)
    #> reduction must be one of ('mean', 'sum', 'none'), got 'avg'
    ```

    Raises:
        ValueError: if ``value`` is not one of ``choices``.
    """
    if value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)!r}, got {value!r}")
    return value


def check_type(name: str, value: object, kind: type[T]) -> T:
    """Return ``value`` if it is an instance of ``kind`` (a module, a config, a theme ...).

    Raises:
        TypeError: if it is not.
    """
    if not isinstance(value, kind):
        prefix = "torch.nn." if kind.__module__.startswith("torch.nn.") else ""
        raise TypeError(f"{name} must be a {prefix}{kind.__qualname__}, got {type(value).__name__}")
    return value


def check_tensor(
    name: str, value: object, *, floating: bool = False, dims: Collection[int] | None = None
) -> torch.Tensor:
    """Return ``value`` if it is a ``torch.Tensor``, of a floating-point dtype where asked,
    with one of the numbers of dimensions ``dims`` where given.

    ```python
    import torch
    from snippets.checks import check_tensor

    try:
        check_tensor("logits", torch.tensor([1, 2]), floating=True)
    except TypeError as error:
        print(error)
    #> logits must be a floating-point tensor, got torch.int64
    ```

    Raises:
        TypeError: if ``value`` is not a tensor, or not floating point where asked.
        ValueError: if its number of dimensions is not one of ``dims``.
    """
    if not isinstance(value, torch.Tensor):
        kind = "floating-point tensor" if floating else "torch.Tensor"
        raise TypeError(f"{name} must be a {kind}, got {type(value).__name__}")
    if floating and not value.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got {value.dtype}")
    if dims is not None and value.dim() not in dims:
        allowed = " or ".join(str(d) for d in sorted(dims))
        raise ValueError(f"{name} must have {allowed} dimensions, got {value.dim()}")
    return value


def check_same_shape(
    name: str, value: torch.Tensor, other_name: str, other: torch.Tensor
) -> torch.Tensor:
    """Return the tensor ``value`` if it has the shape of the tensor ``other``.

    ```python
    import torch
    from snippets.checks import check_same_shape

    try:
        check_same_shape("target", torch.zeros(2), "input", torch.zeros(3))
    except ValueError as error:
        print(error)
    #> target must have the same shape as input, got target (2,) and input (3,)
    ```

    Raises:
        ValueError: if the shapes differ.
    """
    if value.shape != other.shape:
        raise ValueError(
            f"{name} must have the same shape as {other_name}, got {name} "
            f"{tuple(value.shape)} and {other_name} {tuple(other.shape)}"
        )
    return value


def check_not_empty(name: str, value: torch.Tensor) -> torch.Tensor:
    """Return the tensor ``value`` if it holds at least one element.

    Raises:
        ValueError: if it holds none.
    """
    if value.numel() == 0:
        raise ValueError(f"{name} must hold at least one element, got shape {tuple(value.shape)}")
    return value
