"""sitekit/testing/serving.py: the local server, plain or gzipped as GitHub Pages serves it, and
with the files the tests add beside the site."""

from __future__ import annotations

import gzip
import urllib.request

from sitekit.testing.serving import serve


def fetch(url: str, accept_gzip: bool) -> tuple[str | None, bytes]:
    headers = {"Accept-Encoding": "gzip"} if accept_gzip else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
        return response.headers["Content-Encoding"], response.read()


def test_text_is_gzipped_only_when_asked_and_accepted(tmp_path):
    (tmp_path / "page").mkdir()
    html = "<p>网格效应</p>".encode() * 100
    (tmp_path / "page" / "index.html").write_bytes(html)
    (tmp_path / "font.woff2").write_bytes(b"wOF2")
    with serve(tmp_path, compress=True) as url:
        encoding, body = fetch(url + "page/", accept_gzip=True)
        assert encoding == "gzip" and gzip.decompress(body) == html and len(body) < len(html)
        assert fetch(url + "page/", accept_gzip=False) == (None, html)
        assert fetch(url + "font.woff2", accept_gzip=True) == (None, b"wOF2")  # already packed
    with serve(tmp_path) as url:
        assert fetch(url + "page/", accept_gzip=True) == (None, html)


def test_an_extra_file_is_served_beside_the_directory(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_bytes(b"<p>home</p>")
    (tmp_path / "tool.js").write_bytes(b"let tool;")
    with serve(tmp_path / "site", extra={"_tests/tool.js": tmp_path / "tool.js"}) as url:
        assert fetch(url + "_tests/tool.js", accept_gzip=False) == (None, b"let tool;")
        assert fetch(url + "_tests/tool.js?v=1", accept_gzip=False) == (None, b"let tool;")
        assert fetch(url, accept_gzip=False) == (None, b"<p>home</p>")
