"""What pytest learns only from a root conftest: the project's plugin, and what not to collect."""

# The `#>` output check, which pages' blocks run, and the end-of-run summary of the gates; and
# pytest's own `pytester`, for tests that run pytest on a made-up project in this process.
pytest_plugins = ["sitekit.testing.pytest_plugin", "pytester"]

# Deliberately broken pages and sites that the gates must reject; never run them as tests.
collect_ignore_glob = ["tests/site/fixtures/*"]
