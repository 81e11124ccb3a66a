import pytest

from snippets.checks import check_int, check_int_list


def test_accepts_what_is_in_range():
    assert check_int("k", 3, 1) == 3
    assert check_int_list("rates", (1, 2, 5), 1) == [1, 2, 5]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: check_int("k", 0, 1), ValueError, r"^k must be an integer >= 1, got 0$"),
        (lambda: check_int("k", True, 1), TypeError, r"^k must be an integer >= 1, got True$"),
        (lambda: check_int("k", 2.0, 1), TypeError, r"^k must be an integer >= 1, got 2.0$"),
        (lambda: check_int_list("r", "12", 1), TypeError, r"^r must be a sequence of integers"),
        (lambda: check_int_list("r", [], 1), ValueError, r"^r must contain at least one integer"),
        (
            lambda: check_int_list("r", [1, 0], 1),
            ValueError,
            r"^r must contain integers >= 1, got 0",
        ),
        (lambda: check_int_list("r", [1, 1.5], 1), TypeError, r"^r must contain integers >= 1"),
    ],
)
def test_names_the_argument_and_the_range(call, error, message):
    with pytest.raises(error, match=message):
        call()
