"""Compile each Jinja template once per build process, not once per language.

mkdocs-static-i18n builds the site once per language, and each build makes new Jinja
environments (Material's theme, mkdocstrings' Python handler) that compile the same templates
again: about a quarter of a build's time. This hook gives those environments one in-memory
bytecode cache for the process, so the second language reuses the first one's compiled code.
Jinja stores a checksum of each template's source with its code, so a template edited while
``mkdocs serve`` runs is compiled afresh.
"""

from __future__ import annotations

from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in a dict for the life of the process."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


CACHE = MemoryBytecodeCache()


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    env.bytecode_cache = CACHE
    mkdocstrings = config.plugins.get("mkdocstrings")
    if mkdocstrings is not None:
        mkdocstrings.handlers.get_handler("python").env.bytecode_cache = CACHE
    return env
