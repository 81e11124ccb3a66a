"""`snippets.data`: the committed results ship in the package and read back by name."""

import json
import zipfile

import pytest

from sitekit.plugins.wheel import build_wheel
from snippets.data import RESULTS, data_names, load_json, read_results, spread, write_results


def test_lists_and_reads_the_committed_results():
    assert data_names() == ["dense-prediction.json", "resnet-digits.json"]
    committed = RESULTS / "resnet-digits.json"
    assert load_json("resnet-digits.json") == json.loads(committed.read_text(encoding="utf-8"))


def test_the_wheel_ships_the_results_where_the_package_reads_them(tmp_path):
    with zipfile.ZipFile(build_wheel(tmp_path)) as wheel:
        for name in data_names():
            assert wheel.read(f"snippets/results/{name}") == (RESULTS / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        ("missing.json", ValueError, r"name must be one of \('dense-prediction.json', 'resnet"),
        ("../../pyproject.toml", ValueError, r"name must be one of"),
        ("", ValueError, r"name must be one of"),
        (None, TypeError, r"name must be a str, got NoneType"),
    ],
)
def test_refuses_a_name_it_does_not_ship(name, error, message):
    with pytest.raises(error, match=message):
        load_json(name)


def test_results_are_written_as_committed_and_read_back(tmp_path):
    path = tmp_path / "out" / "results.json"
    write_results(path, {"seconds": 1.5, "runs": [1, 2]})
    assert path.read_text(encoding="utf-8") == '{\n "seconds": 1.5,\n "runs": [\n  1,\n  2\n ]\n}\n'
    assert read_results("ignored.json", path) == {"seconds": 1.5, "runs": [1, 2]}
    assert read_results("resnet-digits.json") == load_json("resnet-digits.json")


def test_spread_is_mean_min_and_max_of_one_group():
    assert spread([3.0, 1.0, 2.0]) == {"mean": 2.0, "min": 1.0, "max": 3.0}
    assert spread([1.0, 0.0, 0.0]) == {"mean": 0.33333, "min": 0.0, "max": 1.0}
