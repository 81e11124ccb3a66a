import io
import json
import zipfile

import pytest

from hooks.wheel import build_wheel
from snippets import data
from snippets.data import data_names, load_json
from tests.site.conftest import ROOT

COMMITTED = ROOT / "docs" / "assets" / "data" / "resnet-digits.json"


def test_reads_the_committed_results_in_a_checkout():
    assert "resnet-digits.json" in data_names()
    assert load_json("resnet-digits.json") == json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_reads_the_copy_that_the_wheel_ships(tmp_path, monkeypatch):
    """Installed from the wheel, the package finds its files in snippets/_data."""
    with zipfile.ZipFile(io.BytesIO(build_wheel())) as wheel:
        wheel.extractall(tmp_path)
    shipped = tmp_path / "snippets" / "_data"
    monkeypatch.setattr(data, "LOCATIONS", (shipped, tmp_path / "no-checkout-here"))
    assert data_names() == ["dense-prediction.json", "resnet-digits.json"]
    assert load_json("resnet-digits.json") == json.loads(COMMITTED.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["missing.json", "../../pyproject.toml", ""])
def test_rejects_names_it_does_not_ship(name):
    with pytest.raises(
        ValueError, match=r"name must be one of \[.dense-prediction.json., .resnet-digits.json.\]"
    ):
        load_json(name)


def test_rejects_non_strings():
    with pytest.raises(TypeError, match="name must be a str"):
        load_json(None)


def test_results_are_written_as_committed_and_read_back(tmp_path):
    from snippets.data import read_results, write_results

    path = tmp_path / "out" / "results.json"
    write_results(path, {"seconds": 1.5, "runs": [1, 2]})
    assert path.read_text(encoding="utf-8") == '{\n "seconds": 1.5,\n "runs": [\n  1,\n  2\n ]\n}\n'
    assert read_results("ignored.json", path) == {"seconds": 1.5, "runs": [1, 2]}
    committed = read_results("resnet-digits.json")
    assert committed == json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_spread_is_mean_min_and_max_of_one_group():
    from snippets.data import spread

    assert spread([3.0, 1.0, 2.0]) == {"mean": 2.0, "min": 1.0, "max": 3.0}
    assert spread([1.0, 0.0, 0.0]) == {"mean": 0.33333, "min": 0.0, "max": 1.0}
