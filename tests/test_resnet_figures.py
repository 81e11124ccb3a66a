"""`snippets.resnet_figures`: the residual-networks figures draw the committed results."""

import pytest
from matplotlib.figure import Figure

from snippets.plotting import DARK, LIGHT
from snippets.resnet_experiment import load_results
from snippets.resnet_figures import FIGURES, identity_path_shares, moving_average


def test_figure_names_carry_the_chapter_prefix():
    assert set(FIGURES) == {
        "resnet-loss-curves",
        "resnet-grad-norms",
        "resnet-shortcut-share",
        "resnet-gradient-correlation",
    }


@pytest.mark.parametrize("name", ["resnet-loss-curves", "resnet-grad-norms"])
@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_each_experiment_figure_draws_one_line_per_network_kind_and_depth(name, theme):
    results = load_results()
    figure = FIGURES[name](theme, results)
    assert isinstance(figure, Figure)
    lines = figure.axes[0].get_lines()
    assert len(lines) == 2 * len(results["config"]["depths"])
    assert {line.get_color() for line in lines} <= set(theme.colors)


def test_gradient_curve_lengths_equal_the_depths():
    results = load_results()
    figure = FIGURES["resnet-grad-norms"](LIGHT, results)
    lengths = sorted(len(line.get_xdata()) for line in figure.axes[0].get_lines())
    assert lengths == sorted(2 * results["config"]["depths"])


def test_moving_average():
    assert moving_average([2.0, 4.0, 6.0], window=1) == [2.0, 4.0, 6.0]
    assert moving_average([2.0, 4.0, 6.0], window=3) == [2.0, 3.0, 4.0]
    assert moving_average([], window=3) == []


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: moving_average([1.0], window=0), ValueError, r"window must be an integer >= 1"),
        (lambda: moving_average([1.0], window=-1), ValueError, r"window must be an integer >= 1"),
        (lambda: moving_average([1.0], window=1.5), TypeError, r"window must be an integer >= 1"),
        (lambda: moving_average([1.0], window=True), TypeError, r"window must be an integer >= 1"),
        (lambda: identity_path_shares(units=0), ValueError, r"units must be an integer >= 1"),
        (lambda: identity_path_shares(channels=2.0), TypeError, r"channels must be an integer"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_new_figures_draw_two_lines_each():
    from snippets.resnet_figures import draw_gradient_correlation, draw_shortcut_share

    shares = {"original": [0.5, 0.7, 0.9], "preact": [1.0, 1.0, 1.0]}
    lines = draw_shortcut_share(LIGHT, shares).axes[0].get_lines()
    assert [list(line.get_ydata()) for line in lines] == [shares["preact"], shares["original"]]
    result = {"depths": [1, 2], "plain": [0.9, 0.1], "residual": [0.9, 0.8]}
    lines = draw_gradient_correlation(DARK, result).axes[0].get_lines()
    assert [list(line.get_ydata()) for line in lines][:2] == [result["residual"], result["plain"]]
