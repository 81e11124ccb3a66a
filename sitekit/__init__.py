"""The site's machinery, kept apart from the reader's package: what builds and checks the site.

``sitekit.plugins`` is what MkDocs loads during a build (registered by entry point in
``sitekit/pyproject.toml``, named ``sitekit-<name>`` in ``mkdocs.yml``); ``sitekit.testing`` is
what pytest and ``tools/`` use; ``sitekit.compat`` holds every reach into another package's
private names. None of it is published: ``make setup`` installs it editable, for this checkout.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout: docs/, snippets/, mkdocs.yml
