"""The MkDocs plugins of the site: code that runs while ``mkdocs build`` or ``serve`` runs.

Each module is one plugin, written as Material's are: a typed ``Config`` with ``enabled``, a
``BasePlugin[Config]`` whose events return at once when it is off, and a named logger. A
derived configuration (``INHERIT: mkdocs.yml``) turns one off with ``enabled: false``.
"""
