"""The site's own machinery: MkDocs plugins, the glossary's terms, and the checks the tests run.

See README.md ("Where things live"). Every module here is imported as ``sitekit.<name>``; the
plugins are registered by entry point in ``pyproject.toml`` and named ``sitekit-<name>`` in
``mkdocs.yml``.
"""
