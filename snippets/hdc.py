"""Hybrid dilated convolution (HDC, Wang et al. 2018): the M_i rule next to measured coverage,
as the dilated-convolution chapter shows it.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math
from collections.abc import Sequence
from dataclasses import dataclass

from snippets.dilation import coverage

# --8<-- [end:imports]
# isort: split
from snippets.checks import check_int, check_int_list


# --8<-- [start:hdc_m_values]
def hdc_m_values(dilations: Sequence[int]) -> list[int]:
    # --8<-- [end:hdc_m_values]
    """``[M_2, ..., M_n]`` of Wang et al. (2018, arXiv:1702.08502) for rates ``[r_1, ..., r_n]``.

    ``M_n = r_n`` and ``M_i = max(M_(i+1) - 2 r_i, M_(i+1) - 2 (M_(i+1) - r_i), r_i)``.
    ``r_1`` does not enter any ``M_i`` with ``i >= 2``.

    ```python
    from snippets.hdc import hdc_m_values

    print(hdc_m_values([1, 2, 5]), hdc_m_values([1, 2, 9]))
    #> [2, 5] [5, 9]
    ```

    Args:
        dilations: rates ``r_1, ..., r_n`` of ``n >= 2`` stacked layers, each ``>= 1``.

    Returns:
        The list ``[M_2, M_3, ..., M_n]``.

    Raises:
        TypeError: if a rate is not an integer.
        ValueError: if a rate is smaller than 1 or there are fewer than 2 rates.
    """
    check_int_list("dilations", dilations, 1, min_length=2)
    # --8<-- [start:hdc_m_values-body]
    m = dilations[-1]  # M_n = r_n
    values = [m]
    for r in reversed(dilations[1:-1]):  # r_(n-1), ..., r_2
        m = max(m - 2 * r, m - 2 * (m - r), r)
        values.append(m)
    return values[::-1]
    # --8<-- [end:hdc_m_values-body]


# --8<-- [start:rising_groups]
def rising_groups(dilations: Sequence[int]) -> list[list[int]]:
    # --8<-- [end:rising_groups]
    """Split rates into maximal non-decreasing runs ("rising edges" of a sawtooth).

    ```python
    from snippets.hdc import rising_groups

    print(rising_groups([1, 2, 5, 1, 2, 5]))
    #> [[1, 2, 5], [1, 2, 5]]
    ```

    Args:
        dilations: rates, each ``>= 1``.

    Returns:
        The runs, in order; concatenated they give ``dilations`` back.

    Raises:
        TypeError: if a rate is not an integer.
        ValueError: if a rate is smaller than 1 or the list is empty.
    """
    check_int_list("dilations", dilations, 1)
    # --8<-- [start:rising_groups-body]
    groups = [[dilations[0]]]
    for rate in dilations[1:]:
        if rate >= groups[-1][-1]:
            groups[-1].append(rate)
        else:
            groups.append([rate])
    return groups
    # --8<-- [end:rising_groups-body]


# --8<-- [start:HDCReport]
@dataclass(frozen=True)
class HDCReport:
    # --8<-- [end:HDCReport]
    """The HDC rules for one rate list, next to what its coverage actually is.

    Attributes:
        dilations: the rates, first layer first.
        m_values: ``[M_2, ..., M_n]``.
        rule_ok: the design goal ``M_2 <= K`` applied to the whole list. ``M_2`` does not
            depend on ``r_1``, so the verdict means "no holes" only when ``r_1 = 1``; a gcd of
            1 does not make up for it (``[2, 2, 3]`` passes and has holes).
        groups_ok: every rising group (maximal non-decreasing run) starts at rate 1 and meets
            ``M_2 <= K`` on its own (a one-layer group must have rate 1).
        gcd: greatest common divisor of all rates.
        used: input pixels that reach the centre output.
        span: pixels in the receptive field square.
        full: ``used == span`` (no holes).
    """

    # --8<-- [start:HDCReport-body]
    dilations: tuple[int, ...]
    m_values: tuple[int, ...]
    rule_ok: bool
    groups_ok: bool
    gcd: int
    used: int
    span: int

    @property
    def full(self) -> bool:
        return self.used == self.span
        # --8<-- [end:HDCReport-body]


# --8<-- [start:hdc_check]
def hdc_check(dilations: Sequence[int], kernel_size: int = 3) -> HDCReport:
    # --8<-- [end:hdc_check]
    """Apply the HDC rules to a rate list and measure its coverage by brute force.

    ```python
    from snippets.hdc import hdc_check

    report = hdc_check([2, 4, 6])
    print(report.m_values, report.rule_ok, report.gcd, f"{report.used}/{report.span}")
    #> (4, 6) False 2 169/625
    ```

    Args:
        dilations: rates of ``n >= 2`` stacked stride-1 layers, each ``>= 1``.
        kernel_size: the ``K`` in ``M_2 <= K``. Wang et al. state the rule for ``K x K``
            kernels (their example uses ``K = 3``); the ``2 r_i`` terms of the recursion are
            the reach of a 3x3 kernel, so for ``K > 3`` the rule is conservative.

    Returns:
        The rule's values and the measured coverage, as an [`HDCReport`][HDCReport].

    Raises:
        TypeError: if a rate or the kernel size is not an integer.
        ValueError: if a value is smaller than 1 or there are fewer than 2 rates.
    """
    check_int_list("dilations", dilations, 1, min_length=2)
    check_int("kernel_size", kernel_size, 1)
    # --8<-- [start:hdc_check-body]
    m_values = hdc_m_values(dilations)

    def group_ok(group: list[int]) -> bool:  # starts at 1 and meets M_2 <= K alone
        return group[0] == 1 and (len(group) == 1 or hdc_m_values(group)[0] <= kernel_size)

    cov = coverage(dilations, kernel_size)
    return HDCReport(
        dilations=tuple(dilations),
        m_values=tuple(m_values),
        rule_ok=m_values[0] <= kernel_size,
        groups_ok=all(group_ok(group) for group in rising_groups(dilations)),
        gcd=math.gcd(*dilations),
        used=cov.used,
        span=cov.span,
    )
    # --8<-- [end:hdc_check-body]
