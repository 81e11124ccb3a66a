"""Serve a built site on 127.0.0.1 and launch headless Chromium.

One place for both, used by the browser tests (``tests/site/conftest.py``) and
``tools/screenshot.py``; ``gzipped`` gives ``tools/bench.py`` a page's weight on the wire.
"""

from __future__ import annotations

import functools
import gzip
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def __init__(self, *args, extra: dict[str, Path] | None = None, **kwargs) -> None:
        self.extra = extra or {}  # URL path (no leading /) -> a file served there too
        super().__init__(*args, **kwargs)  # which answers the request

    def log_message(self, format: str, *args: object) -> None:
        pass

    def translate_path(self, path: str) -> str:
        extra = self.extra.get(urlsplit(path).path.lstrip("/"))
        return str(extra) if extra is not None else super().translate_path(path)


COMPRESSED_SUFFIXES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")


def gzipped(file: Path) -> bytes | None:
    """The gzip body (level 6) of ``file`` as GitHub Pages sends it; None if sent as is.

    What a page weighs on the wire (``tools/bench.py``).
    """
    if not file.name.endswith(COMPRESSED_SUFFIXES):
        return None  # fonts and images are compressed already
    return gzip.compress(file.read_bytes(), compresslevel=6, mtime=0)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(directory: Path, extra: dict[str, Path] | None = None) -> Iterator[str]:
    """Serve ``directory`` on a free port of 127.0.0.1; yield its root URL.

    ``extra`` maps URL paths (relative to the root) to files served there besides the
    directory's: what the tests inject into a page (axe-core), served so that the browser
    caches it, compiled, from one page to the next.
    """
    handler = functools.partial(_QuietHandler, directory=str(directory), extra=extra)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def launch_chromium(playwright):
    """Headless Chromium: Debian's where it exists, else Playwright's own download.

    Where there is no Debian chromium, set-up ran `playwright install chromium` instead and
    Playwright finds its own browser when no executable is given.
    """
    executable = str(SYSTEM_CHROMIUM) if SYSTEM_CHROMIUM.exists() else None
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
