"""Keep compiled Jinja templates between builds, like Python keeps ``__pycache__``.

Every build makes new Jinja environments (Material's theme, mkdocstrings' Python handler), and
mkdocs-static-i18n makes them once per language; each compiled the same ~150 templates again,
about a fifth of a build. This hook gives those environments Jinja's file-system bytecode cache
(a private directory under the system's temporary directory): the second language of a build,
and every later build or ``mkdocs serve`` rebuild, load the compiled code instead. Jinja stores a
checksum of each template's source with its code, so an edited or upgraded template is compiled
afresh; the cache never changes what is built.
"""

from __future__ import annotations

from jinja2 import Environment, FileSystemBytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

CACHE = FileSystemBytecodeCache(pattern="cnn-study-questions-%s.cache")


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """mkdocstrings renders while pages are converted, before ``on_env``: give it the cache now."""
    mkdocstrings = config.plugins.get("mkdocstrings")
    if mkdocstrings is not None:
        mkdocstrings.handlers.get_handler("python").env.bytecode_cache = CACHE
    return files


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    env.bytecode_cache = CACHE  # the theme's templates
    return env
