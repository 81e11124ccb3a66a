"""Build, serve, read and check the site: what pytest and ``tools/`` use, never MkDocs."""
