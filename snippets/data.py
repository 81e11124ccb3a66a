"""Committed results files that pages read, from the project or from the installed wheel."""

from __future__ import annotations

import json
from pathlib import Path

# The installed wheel ships the files inside the package (hooks/wheel.py); a checkout of the
# project keeps them where the site serves them.
LOCATIONS = (
    Path(__file__).resolve().parent / "_data",
    Path(__file__).resolve().parent.parent / "docs" / "assets" / "data",
)


def data_names() -> list[str]:
    """Names of the results files this copy of the package can read, sorted."""
    folders = [folder for folder in LOCATIONS if folder.is_dir()]
    return sorted({path.name for folder in folders for path in folder.iterdir()})


def load_json(name: str) -> dict:
    """Read the committed results file ``name`` (e.g. ``"resnet-digits.json"``).

    Works the same in a checkout of the project and in the wheel the site publishes, which
    ships these files as package data.

    ```python
    from snippets.data import load_json

    results = load_json("resnet-digits.json")
    print(sorted(results)[:2])
    #> ['config', 'runs']
    ```

    Args:
        name: file name of a results file; ``data_names()`` lists them.

    Raises:
        TypeError: if ``name`` is not a str.
        ValueError: if no results file has that name.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    names = data_names()
    for folder in LOCATIONS:
        path = folder / name
        if name in names and path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    raise ValueError(f"name must be one of {names}, got {name!r}")


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
