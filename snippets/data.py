"""The experiments' committed results, shipped inside the package so that a page's blocks read
the same numbers in a checkout of the project and in a reader's install."""

from __future__ import annotations

import json
from pathlib import Path

from snippets.checks import check_choice, check_type

RESULTS = Path(__file__).resolve().parent / "results"  # package data: snippets/results/*.json


def data_names() -> list[str]:
    """Names of the committed results files, sorted.

    ```python
    from snippets.data import data_names

    print(data_names())
    #> ['dense-prediction.json', 'resnet-digits.json']
    ```
    """
    return sorted(path.name for path in RESULTS.glob("*.json"))


def load_json(name: str) -> dict:
    """Read the committed results file ``name`` (e.g. ``"resnet-digits.json"``).

    ```python
    from snippets.data import load_json

    results = load_json("resnet-digits.json")
    print(sorted(results)[:2])
    #> ['config', 'runs']
    ```

    Args:
        name: file name of a results file; [`data_names`][data_names] lists them.

    Raises:
        TypeError: if ``name`` is not a str.
        ValueError: if no results file has that name.
    """
    check_type("name", name, str)
    check_choice("name", name, data_names())
    return json.loads((RESULTS / name).read_text(encoding="utf-8"))


def read_results(name: str, path: str | Path | None = None) -> dict:
    """The committed results file ``name`` (as [`load_json`][load_json]), or the file ``path``."""
    if path is None:
        return load_json(name)
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_results(path: Path, results: dict) -> None:
    """Write ``results`` as the experiments commit them: JSON, indent 1, a final newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


def spread(values: list[float]) -> dict[str, float]:
    """Mean (rounded to 5 places), min and max of one group of runs, as both experiments'
    ``summary`` reports them.

    ```python
    from snippets.data import spread

    print(spread([0.5, 0.25, 1.0]))
    #> {'mean': 0.58333, 'min': 0.25, 'max': 1.0}
    ```
    """
    return {"mean": round(sum(values) / len(values), 5), "min": min(values), "max": max(values)}
