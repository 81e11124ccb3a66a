"""`snippets.checks`: a check returns what it accepts; its error names the argument and range."""

import pytest
import torch
from torch import nn

from snippets.checks import (
    check_bool,
    check_choice,
    check_int,
    check_int_list,
    check_not_empty,
    check_number,
    check_number_list,
    check_same_shape,
    check_tensor,
    check_type,
)

ANY_TENSOR = torch.zeros(2, 3)


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: check_int("k", 3, 1), 3),
        (lambda: check_int("k", 3, 1, 3), 3),
        (lambda: check_int("k", 3, 1, odd=True), 3),
        (lambda: check_int_list("rates", [1, 2], 1, min_length=2), [1, 2]),
        (lambda: check_number_list("d", (1, 0.5)), [1.0, 0.5]),
        (lambda: check_int_list("rates", (1, 2, 5), 1), [1, 2, 5]),
        (lambda: check_number("gamma", 2, 0.0), 2.0),
        (lambda: check_number("p", 1.0, 0.0, 1.0), 1.0),
        (lambda: check_number("lr", 1e-3, 0.0, above=True), 1e-3),
        (lambda: check_bool("residual", False), False),
        (lambda: check_choice("shortcut", "B", ("A", "B", "C")), "B"),
        (lambda: check_tensor("x", ANY_TENSOR, floating=True, dims={2}), ANY_TENSOR),
        (lambda: check_same_shape("y", ANY_TENSOR, "x", torch.ones(2, 3)), ANY_TENSOR),
        (lambda: check_not_empty("x", ANY_TENSOR), ANY_TENSOR),
    ],
)
def test_returns_the_value_it_accepts(call, expected):
    assert call() is expected or call() == expected


def test_check_type_returns_the_instance():
    module = nn.ReLU()
    assert check_type("model", module, nn.Module) is module


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: check_int("k", 0, 1), ValueError, r"^k must be an integer >= 1, got 0$"),
        (lambda: check_int("k", True, 1), TypeError, r"^k must be an integer >= 1, got True$"),
        (lambda: check_int("k", 2.0, 1), TypeError, r"^k must be an integer >= 1, got 2.0$"),
        (lambda: check_int("k", 4, 1, 3), ValueError, r"^k must be an integer in \[1, 3\], got 4$"),
        (
            lambda: check_int("k", 4, 1, odd=True),
            ValueError,
            r"^k must be an odd integer >= 1, got 4$",
        ),
        (lambda: check_int("k", "3", 1, odd=True), TypeError, r"^k must be an odd integer >= 1"),
        (lambda: check_int_list("r", "12", 1), TypeError, r"^r must be a sequence of integers"),
        (lambda: check_int_list("r", [], 1), ValueError, r"^r must contain at least one integer"),
        (
            lambda: check_int_list("r", [], 1, min_length=2),
            ValueError,
            r"^r must contain at least 2 integers >= 1, got 0$",
        ),
        (
            lambda: check_int_list("r", [2], 1, min_length=2),
            ValueError,
            r"^r must contain at least 2 integers >= 1, got 1$",
        ),
        (
            lambda: check_int_list("r", [1, 0], 1),
            ValueError,
            r"^r must contain integers >= 1, got 0",
        ),
        (lambda: check_int_list("r", [1, 1.5], 1), TypeError, r"^r must contain integers >= 1"),
        (lambda: check_number_list("d", "12"), TypeError, r"^d must be a sequence of numbers"),
        (lambda: check_number_list("d", [], 1, 20), ValueError, r"^d must hold 1 to 20 numbers"),
        (lambda: check_number_list("d", [1], 2), ValueError, r"^d must hold at least 2 numbers"),
        (lambda: check_number_list("d", [1, "2"]), TypeError, r"^d\[1\] must be a number"),
        (lambda: check_number("g", -1, 0.0), ValueError, r"^g must be a number >= 0.0, got -1$"),
        (lambda: check_number("g", True, 0.0), TypeError, r"^g must be a number >= 0.0, got True$"),
        (lambda: check_number("g", "2", 0.0), TypeError, r"^g must be a number >= 0.0, got '2'$"),
        (lambda: check_number("lr", 0.0, 0.0, above=True), ValueError, r"^lr must be a number > 0"),
        (
            lambda: check_number("p", 1.5, 0.0, 1.0),
            ValueError,
            r"^p must be a number in \[0.0, 1.0\], got 1.5$",
        ),
        (lambda: check_number("x", None), TypeError, r"^x must be a number \(int or float\)"),
        (lambda: check_bool("residual", 1), TypeError, r"^residual must be a bool, got 1$"),
        (
            lambda: check_choice("reduction", "avg", ("mean", "sum", "none")),
            ValueError,
            r"^reduction must be one of \('mean', 'sum', 'none'\), got 'avg'$",
        ),
        (
            lambda: check_type("model", "net", nn.Module),
            TypeError,
            r"^model must be a torch.nn.Module, got str$",
        ),
        (lambda: check_type("name", None, str), TypeError, r"^name must be a str, got NoneType$"),
        (lambda: check_tensor("x", [1.0]), TypeError, r"^x must be a torch.Tensor, got list$"),
        (
            lambda: check_same_shape("target", torch.zeros(2), "input", ANY_TENSOR),
            ValueError,
            r"^target must have the same shape as input, got target \(2,\) and input \(2, 3\)$",
        ),
        (
            lambda: check_not_empty("input", torch.zeros(0, 3)),
            ValueError,
            r"^input must hold at least one element, got shape \(0, 3\)$",
        ),
        (
            lambda: check_tensor("x", torch.tensor([1]), floating=True),
            TypeError,
            r"^x must be a floating-point tensor, got torch.int64$",
        ),
        (
            lambda: check_tensor("x", ANY_TENSOR, dims={3, 4}),
            ValueError,
            r"^x must have 3 or 4 dimensions, got 2$",
        ),
    ],
)
def test_names_the_argument_and_what_it_allows(call, error, message):
    with pytest.raises(error, match=message):
        call()
