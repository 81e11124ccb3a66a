"""Where the build keeps what it can reuse from one build to the next.

Compiled Jinja templates (``hooks/jinja_cache.py``), KaTeX's HTML for each formula and the
cut-down fonts (``hooks/katex.py``) are pure functions of their inputs, so they are stored under
a key made from those inputs, in one private directory per user under the system's temporary
directory, as Python keeps ``__pycache__``. Deleting it (``clear``) costs time, never
correctness; ``make bench`` does so to time a cold build.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

CACHE_DIR = Path(tempfile.gettempdir()) / f"cnn-study-questions-build-{os.getuid()}"


def directory(name: str) -> Path:
    """The cache's subdirectory ``name``, created private to this user if missing."""
    path = CACHE_DIR / name
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def key(*parts: object) -> str:
    """A file name for a value computed from ``parts`` (anything JSON can write)."""
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


def store(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (builds may run side by side)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


def clear() -> None:
    shutil.rmtree(CACHE_DIR, ignore_errors=True)
