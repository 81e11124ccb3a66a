"""Argument checks shared by the modules whose public functions take integers.

Each raises an error that names the argument and the allowed range, so a bad call fails at
once with a message that says how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence


def check_int(name: str, value: object, minimum: int) -> int:
    """Return ``value`` if it is an ``int`` (not a ``bool``) of at least ``minimum``.

    ```python
    from snippets.checks import check_int

    print(check_int("stride", 2, 1))
    #> 2
    try:
        check_int("stride", 0, 1)
    except ValueError as error:
        print(error)
    #> stride must be an integer >= 1, got 0
    ```

    Raises:
        TypeError: if ``value`` is not an integer.
        ValueError: if ``value`` is below ``minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return value


def check_int_list(name: str, values: object, minimum: int) -> list[int]:
    """Return ``values`` as a list if it is a non-empty sequence of integers >= ``minimum``.

    Raises:
        TypeError: if ``values`` is not a sequence (a string is not) or holds a non-integer.
        ValueError: if ``values`` is empty or holds an integer below ``minimum``.
    """
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of integers >= {minimum}, got {values!r}")
    if len(values) == 0:
        raise ValueError(f"{name} must contain at least one integer >= {minimum}, got []")
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must contain integers >= {minimum}, got {value!r}")
        if value < minimum:
            raise ValueError(f"{name} must contain integers >= {minimum}, got {value}")
    return list(values)
