"""`snippets.losses_figures`: the loss chapter's figures draw in both themes."""

from snippets.losses_figures import FIGURES
from snippets.plotting import DARK, LIGHT


def test_figure_names_carry_the_chapter_prefix():
    assert set(FIGURES) == {"losses-gradient", "losses-focal"}


def test_every_figure_draws_its_curves_in_both_themes():
    for draw in FIGURES.values():
        for theme in (LIGHT, DARK):
            figure = draw(theme)
            assert figure.axes and figure.axes[0].lines
