"""The wheel that the site publishes (hooks/wheel.py): what it holds, and that pages name it."""

from __future__ import annotations

import io
import zipfile
from email.parser import Parser

from hooks import wheel
from tests.site.conftest import ROOT


def test_the_wheel_is_the_same_bytes_every_time():
    assert wheel.build_wheel() == wheel.build_wheel()


def test_the_wheel_holds_every_module_and_the_results_files():
    with zipfile.ZipFile(io.BytesIO(wheel.build_wheel())) as built:
        names = built.namelist()
        assert built.testzip() is None
    modules = sorted(f"snippets/{path.name}" for path in (ROOT / "snippets").glob("*.py"))
    assert [name for name in names if name.endswith(".py")] == modules
    assert "snippets/results/resnet-digits.json" in names
    assert names[-1] == "cnn_study_questions-0.1.0.dist-info/RECORD"


def test_the_wheel_needs_only_torch_and_publishes_two_extras():
    with zipfile.ZipFile(io.BytesIO(wheel.build_wheel())) as built:
        metadata = Parser().parsestr(
            built.read("cnn_study_questions-0.1.0.dist-info/METADATA").decode()
        )
    requires = metadata.get_all("Requires-Dist")
    assert [need for need in requires if "extra ==" not in need] == ["torch>=2.13,<2.14"]
    assert metadata.get_all("Provides-Extra") == ["figures", "experiment"]
    assert any(need.startswith("scikit-learn") for need in requires)
    assert wheel.extras_requirement() == "cnn-study-questions[figures,experiment]"


def test_the_site_serves_the_wheel_and_fills_in_every_placeholder(built_site):
    served = built_site / "downloads" / wheel.wheel_name()
    assert served.read_bytes() == wheel.build_wheel()
    pages = list(built_site.rglob("*.html"))
    assert len(pages) >= 12
    leftovers = [page for page in pages if "%%" in page.read_text(encoding="utf-8")]
    assert leftovers == []
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert f'href="downloads/{wheel.wheel_name()}"' in home
    assert f"<code>torch=={wheel.torch_version()}</code>" in home
