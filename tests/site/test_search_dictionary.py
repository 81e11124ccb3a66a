"""The cut-down jieba dictionary (tools/jieba_dict.py) segments the site as the full one does."""

from __future__ import annotations

from tools import jieba_dict


def test_the_cut_down_dictionary_segments_every_chinese_run_like_the_full_one(built_site):
    runs = jieba_dict.han_runs(built_site)
    assert len(runs) > 500, "the search indexes should hold the site's Chinese text"
    differences = jieba_dict.differences(runs)
    assert not differences, (
        "tools/jieba_dict.txt is stale; run `.venv/bin/python tools/jieba_dict.py`:\n"
        + "\n".join(differences[:20])
    )


def test_a_stale_dictionary_is_caught(tmp_path):
    stale = tmp_path / "dict.txt"
    stale.write_text(jieba_dict.trimmed_dictionary(["损失函数"]), encoding="utf-8")
    assert jieba_dict.differences(["感受野随层数线性增长"], trimmed=stale)


def test_the_cut_down_dictionary_keeps_the_total_frequency():
    def total(path):
        return sum(frequency for _, frequency, _ in jieba_dict.read_dictionary(path))

    assert total(jieba_dict.TRIMMED) == total(jieba_dict.FULL)
    assert len(jieba_dict.read_dictionary(jieba_dict.TRIMMED)) < 5_000
