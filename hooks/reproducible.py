"""Make two builds of the same commit byte-identical.

The only thing that differed between two builds was the date: MkDocs stamps every page's
``update_date`` (the ``<lastmod>`` of ``sitemap.xml``, and the timestamp inside
``sitemap.xml.gz``) with the day of the build. MkDocs honours ``SOURCE_DATE_EPOCH``
(https://reproducible-builds.org/specs/source-date-epoch/); when it is not set, this hook sets it
to the time of the commit being built, so ``<lastmod>`` says when the content last changed.
Outside a git checkout it leaves the date alone (and says so).
"""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger("mkdocs.hooks.reproducible")


def commit_time(directory: Path) -> str | None:
    """Unix time of the last commit of the checkout holding ``directory``, or ``None``."""
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=directory,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    stamp = result.stdout.strip()
    return stamp if stamp.isdigit() else None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if "SOURCE_DATE_EPOCH" not in os.environ:
        stamp = commit_time(Path(config.config_file_path).resolve().parent)
        if stamp is None:
            log.info("not a git checkout: pages are dated with today's date")
        else:
            os.environ["SOURCE_DATE_EPOCH"] = stamp
    return config
