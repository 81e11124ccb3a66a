"""`snippets.hdc`: the paper's HDC examples, and where the rule is exact, sufficient or safe."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.dilation import coverage, coverage_1d
from snippets.hdc import HDCReport, hdc_check, hdc_m_values, rising_groups


def full(rates, k=3):
    cov = coverage(rates, k)
    return cov.used == cov.span


def test_m2_of_the_papers_examples():
    # Wang et al. 2018, Sec. 3.2: [1, 2, 5] works (M_2 = 2), [1, 2, 9] does not (M_2 = 5)
    assert hdc_m_values([1, 2, 5])[0] == 2
    assert hdc_m_values([1, 2, 9])[0] == 5


@pytest.mark.parametrize(
    ("rates", "m", "rule", "groups", "gcd", "used", "span"),
    [
        ([1, 2, 5], (2, 5), True, True, 1, 289, 289),
        ([1, 2, 9], (5, 9), False, False, 1, 441, 625),
        ([2, 4, 6], (4, 6), False, False, 2, 169, 625),
        ([2, 2, 2], (2, 2), True, False, 2, 49, 169),
        ([1, 2, 3], (2, 3), True, True, 1, 169, 169),
        ([1, 2, 4], (2, 4), True, True, 1, 225, 225),
        ([1, 2, 5, 1, 2, 5], (5, 9, 1, 2, 5), False, True, 1, 1089, 1089),
    ],
)
def test_rules_and_coverage_of_the_chapters_table(rates, m, rule, groups, gcd, used, span):
    r = hdc_check(rates)
    assert (r.m_values, r.rule_ok, r.groups_ok, r.gcd, r.used, r.span) == (
        m,
        rule,
        groups,
        gcd,
        used,
        span,
    )


def all_lists(max_rate, lengths):
    for n in lengths:
        yield from itertools.product(range(1, max_rate + 1), repeat=n)


def test_gcd_above_one_always_leaves_holes():
    for rates in all_lists(8, (2, 3)):
        if hdc_check(rates).gcd > 1:
            assert not full(rates)


def test_rule_is_exact_for_rising_groups_starting_at_one():
    # K = 3, r_1 = 1, non-decreasing rates: M_2 <= 3 <=> no holes
    checked = 0
    for rates in all_lists(14, (2, 3, 4)):
        if rates[0] == 1 and list(rates) == sorted(rates):
            assert (hdc_m_values(rates)[0] <= 3) == full(rates), rates
            checked += 1
    assert checked > 500


def test_rule_with_r1_equal_1_is_sufficient_for_any_order():
    for rates in all_lists(9, (2, 3, 4)):
        if rates[0] == 1 and hdc_m_values(rates)[0] <= 3:
            assert full(rates), rates


def test_rule_alone_passes_lists_with_holes():
    # r_1 never enters M_2, so without r_1 = 1 the rule can pass gridded stacks
    assert hdc_check([2, 2, 2]).rule_ok and not hdc_check([2, 2, 2]).full
    assert hdc_check([2, 2, 5]).rule_ok and not hdc_check([2, 2, 5]).full


def test_gcd_one_does_not_rescue_rule_3():
    # with r_1 != 1, a gcd of 1 does not make M_2 <= K sufficient
    report = hdc_check([2, 2, 3])
    assert (report.gcd, report.m_values, report.rule_ok, report.full) == (1, (2, 3), True, False)
    assert sum(1 for value in coverage_1d([2, 2, 3]) if value) == 13  # of 15
    bad = [hdc_check(r) for r in all_lists(8, (3,))]
    bad = [r for r in bad if r.rule_ok and not r.full]
    assert len(bad) == 99
    assert sum(r.gcd == 1 for r in bad) == 83
    assert sum(r.dilations[0] == 1 for r in bad) == 0


def test_rule_is_not_necessary_for_unsorted_lists():
    assert not hdc_check([1, 2, 5, 1, 2, 5]).rule_ok and hdc_check([1, 2, 5, 1, 2, 5]).full
    assert not hdc_check([1, 3, 1]).rule_ok and hdc_check([1, 3, 1]).full


@pytest.mark.parametrize("k", [5, 7])
def test_rule_only_errs_on_the_safe_side_for_larger_kernels(k):
    too_strict = 0
    for rates in all_lists(14, (2, 3)):
        if rates[0] == 1 and list(rates) == sorted(rates):
            ok = hdc_m_values(rates)[0] <= k
            if ok:
                assert full(rates, k), rates
            elif full(rates, k):
                too_strict += 1
    assert too_strict > 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 12), min_size=2, max_size=7))
def test_grouped_verdict_is_sufficient(rates):
    if hdc_check(rates).groups_ok:
        assert full(rates)


def test_rising_groups_are_maximal_non_decreasing_runs():
    assert rising_groups([1, 2, 5, 1, 2, 5]) == [[1, 2, 5], [1, 2, 5]]
    assert rising_groups((3, 2, 2, 1)) == [[3], [2, 2], [1]]


def test_a_report_is_the_same_for_a_tuple_and_a_list():
    report = hdc_check((2, 2, 3))
    assert report == hdc_check([2, 2, 3])
    assert report == HDCReport(
        dilations=(2, 2, 3),
        m_values=(2, 3),
        rule_ok=True,
        groups_ok=False,
        gcd=1,
        used=169,
        span=225,
    )


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: hdc_m_values([3]),
            ValueError,
            "dilations must contain at least 2 integers >= 1, got 1",
        ),
        (lambda: hdc_m_values([1, 0]), ValueError, "dilations must contain integers >= 1"),
        (lambda: hdc_m_values([1, 2.0]), TypeError, "dilations must contain integers"),
        (lambda: hdc_check([1, 2], 0), ValueError, "kernel_size must be an integer >= 1"),
        (
            lambda: hdc_check([1]),
            ValueError,
            "dilations must contain at least 2 integers >= 1, got 1",
        ),
        (lambda: hdc_check((1, "2")), TypeError, "dilations must contain integers"),
        (lambda: rising_groups("125"), TypeError, "dilations must be a sequence"),
        (lambda: rising_groups([]), ValueError, "dilations must contain at least one"),
    ],
)
def test_bad_arguments_raise_errors_that_name_them(call, error, message):
    with pytest.raises(error, match=message):
        call()


def largest_gap(rates):
    used = [i for i, paths in enumerate(coverage_1d(rates)) if paths]
    return max([b - a for a, b in itertools.pairwise(used)], default=1)


def test_m2_is_the_largest_gap_of_layers_2_to_n_for_rising_lists():
    for rates in all_lists(12, (2, 3, 4)):
        if list(rates) == sorted(rates):
            assert hdc_m_values(rates)[0] == largest_gap(rates[1:]), rates
