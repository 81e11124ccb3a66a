"""sitekit/testing/serving.py: the local server with the files the tests add beside the site,
and a page's weight gzipped as GitHub Pages sends it."""

from __future__ import annotations

import gzip
import urllib.request

from sitekit.testing.serving import gzipped, serve


def fetch(url: str) -> tuple[str | None, bytes]:
    with urllib.request.urlopen(url) as response:
        return response.headers["Content-Encoding"], response.read()


def test_text_is_weighed_gzipped_and_packed_files_as_they_are(tmp_path):
    html = "<p>网格效应</p>".encode() * 100
    (tmp_path / "index.html").write_bytes(html)
    (tmp_path / "font.woff2").write_bytes(b"wOF2")
    body = gzipped(tmp_path / "index.html")
    assert gzip.decompress(body) == html and len(body) < len(html)
    assert gzipped(tmp_path / "index.html") == body  # no time stamp in it
    assert gzipped(tmp_path / "font.woff2") is None  # compressed already


def test_an_extra_file_is_served_beside_the_directory(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_bytes(b"<p>home</p>")
    (tmp_path / "tool.js").write_bytes(b"let tool;")
    with serve(tmp_path / "site", extra={"_tests/tool.js": tmp_path / "tool.js"}) as url:
        assert fetch(url + "_tests/tool.js") == (None, b"let tool;")
        assert fetch(url + "_tests/tool.js?v=1") == (None, b"let tool;")
        assert fetch(url) == (None, b"<p>home</p>")
