"""Compile the theme's and mkdocstrings' templates once, not once per language and build.

The MkDocs plugin ``sitekit-jinja-cache``, a speed-up only.

Every build makes new Jinja environments (Material's theme, mkdocstrings' Python handler), and
mkdocs-static-i18n makes them once per language; each would compile the same templates again.
This plugin gives those environments Jinja's file-system bytecode cache in the build cache's
directory (``sitekit/plugins/build_cache.py``): the second language of a build, and every later
build or ``mkdocs serve`` rebuild, load the compiled code instead. Jinja stores a checksum of
each template's source with its code, so an edited or upgraded template is compiled afresh;
the cache never changes what is built.
"""

from __future__ import annotations

from importlib import metadata

from jinja2 import Environment, FileSystemBytecodeCache
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files

from sitekit.plugins import build_cache

# Compiled code also depends on the environments' options, which these packages set.
PACKAGES = ("jinja2", "mkdocs", "mkdocs-material", "mkdocstrings", "mkdocstrings-python")


def bytecode_cache() -> FileSystemBytecodeCache:
    """The cache for these package versions, in the build cache's current directory."""
    versions = "-".join(metadata.version(package) for package in PACKAGES)
    return FileSystemBytecodeCache(str(build_cache.directory("jinja-" + build_cache.key(versions))))


class JinjaCacheConfig(Config):
    enabled = config_options.Type(bool, default=True)


class JinjaCachePlugin(BasePlugin[JinjaCacheConfig]):
    """Give the theme's and mkdocstrings' Jinja environments the bytecode cache (no state)."""

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """mkdocstrings renders while pages are converted, before ``on_env``: give it the cache."""
        if not self.config.enabled:
            return files
        mkdocstrings = config.plugins.get("mkdocstrings")
        if mkdocstrings is not None:
            mkdocstrings.handlers.get_handler("python").env.bytecode_cache = bytecode_cache()
        return files

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        if not self.config.enabled:
            return env
        env.bytecode_cache = bytecode_cache()  # the theme's templates
        return env
