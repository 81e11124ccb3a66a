"""What pytest learns only from a root conftest: the project's plugin, and what not to collect."""

# The `#>` output check, which pages' blocks run, and the end-of-run summary of the gates.
pytest_plugins = ["sitekit.testing.pytest_plugin"]

# Deliberately broken pages and sites that the gates must reject; never run them as tests.
collect_ignore_glob = ["tests/site/fixtures/*"]
