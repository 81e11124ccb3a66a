from snippets.dilation_figures import COVERAGE_RATES, FIGURES
from snippets.plotting import DARK, LIGHT


def test_every_figure_draws_in_both_themes():
    for draw in FIGURES.values():
        for theme in (LIGHT, DARK):
            figure = draw(theme)
            assert figure.axes


def test_names_and_required_coverage_maps():
    assert all(name.startswith("dilation-") for name in FIGURES)
    assert {(2, 2, 2), (1, 2, 5), (1, 2, 4), (2, 4, 6)} <= set(COVERAGE_RATES)
