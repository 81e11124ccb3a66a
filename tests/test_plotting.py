"""`snippets.plotting`: every committed figure is exactly what its code draws."""

import pytest

from snippets.plotting import DARK, FIGURES_DIR, LIGHT, all_figures, new_figure, save

FIGURES = all_figures()


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_committed_figure_matches_the_code(tmp_path, name):
    for fresh in save(name, FIGURES[name], tmp_path):
        committed = FIGURES_DIR / fresh.name
        assert committed.exists(), f"{committed} is missing: run `python -m snippets.plotting`"
        assert committed.read_bytes() == fresh.read_bytes(), (
            f"{committed.name} is stale: run `python -m snippets.plotting`"
        )


def test_every_committed_figure_has_code():
    names = {path.name.rsplit("-", 1)[0] for path in FIGURES_DIR.glob("*.svg")}
    assert names <= set(FIGURES), f"figures without code: {sorted(names - set(FIGURES))}"


def test_drawing_is_reproducible(tmp_path):
    def draw(theme):
        figure = new_figure(theme)
        figure.add_subplot().plot([0, 1], [1, 0])
        return figure

    first = [p.read_bytes() for p in save("probe", draw, tmp_path / "a")]
    second = [p.read_bytes() for p in save("probe", draw, tmp_path / "b")]
    assert first == second
    assert LIGHT.foreground != DARK.foreground


@pytest.mark.parametrize("bad", ["", "has space", "../escape"])
def test_rejects_bad_names(tmp_path, bad):
    with pytest.raises(ValueError, match="name must be"):
        save(bad, lambda theme: new_figure(theme), tmp_path)
