"""Keep compiled Jinja templates between builds (``sitekit/build_cache.py``).

The MkDocs plugin ``sitekit-jinja-cache`` (``JinjaCachePlugin``).

Every build makes new Jinja environments (Material's theme, mkdocstrings' Python handler), and
mkdocs-static-i18n makes them once per language; each compiled the same ~150 templates again,
about a fifth of a build. This hook gives those environments Jinja's file-system bytecode cache
in the build cache's directory: the second language of a build, and every later build or
``mkdocs serve`` rebuild, load the compiled code instead. Jinja stores a checksum of each
template's source with its code, so an edited or upgraded template is compiled afresh; the
cache never changes what is built.
"""

from __future__ import annotations

from importlib import metadata

from jinja2 import Environment, FileSystemBytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files

from sitekit import build_cache

# Compiled code also depends on the environments' options, which these packages set.
PACKAGES = ("jinja2", "mkdocs", "mkdocs-material", "mkdocstrings", "mkdocstrings-python")


def bytecode_cache() -> FileSystemBytecodeCache:
    """The cache for these package versions, in the build cache's current directory."""
    versions = "-".join(metadata.version(package) for package in PACKAGES)
    return FileSystemBytecodeCache(str(build_cache.directory("jinja-" + build_cache.key(versions))))


class JinjaCachePlugin(BasePlugin):
    """Give the theme's and mkdocstrings' Jinja environments the bytecode cache (no state)."""

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """mkdocstrings renders while pages are converted, before ``on_env``: give it the cache."""
        mkdocstrings = config.plugins.get("mkdocstrings")
        if mkdocstrings is not None:
            mkdocstrings.handlers.get_handler("python").env.bytecode_cache = bytecode_cache()
        return files

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        env.bytecode_cache = bytecode_cache()  # the theme's templates
        return env
