"""Moved to ``sitekit.serving``; this name stays for tests written against it."""

from sitekit.serving import CHROMIUM_FLAGS, SYSTEM_CHROMIUM, gzipped, launch_chromium, serve

__all__ = ["CHROMIUM_FLAGS", "SYSTEM_CHROMIUM", "gzipped", "launch_chromium", "serve"]
