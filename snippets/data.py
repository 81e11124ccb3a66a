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
    for folder in LOCATIONS:
        path = folder / name
        if name in data_names() and path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    raise ValueError(f"name must be one of {data_names()}, got {name!r}")
