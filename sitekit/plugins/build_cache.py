"""Keep what can be reused from one run to the next (templates, formulas, the reader's PyTorch).

Compiled Jinja templates (``sitekit/plugins/jinja_cache.py``) and KaTeX's MathML for each formula
(``sitekit/plugins/katex.py``) are pure functions of their inputs, so they are stored under
a key made from all of those inputs (the code that makes them included), in the user's cache
directory (``$CNN_STUDY_QUESTIONS_CACHE``, else ``$XDG_CACHE_HOME`` or ``~/.cache``, then
``cnn-study-questions``), as Python keeps ``__pycache__``. Deleting it costs time,
never correctness: ``make bench`` times its cold builds from an empty one, and the
reproducibility test builds once with an empty cache. An unreadable entry is treated as missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path


def root() -> Path:
    """The cache directory (read from the environment each time, so tests can move it)."""
    if given := os.environ.get("CNN_STUDY_QUESTIONS_CACHE"):
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cnn-study-questions"


def directory(name: str) -> Path:
    """The cache's subdirectory ``name``, created private to this user if missing."""
    path = root() / name
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def key(*parts: object) -> str:
    """A file name for a value computed from ``parts`` (anything JSON can write)."""
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


def fingerprint(*files: Path) -> str:
    """A digest of the files' contents: part of a key when their code makes the value."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.read_bytes())
    return digest.hexdigest()


def store(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (builds may run side by side)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # `clear` may have run meanwhile
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.replace(temporary, path)
