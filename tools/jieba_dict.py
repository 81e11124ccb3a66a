"""Write ``tools/jieba_dict.txt``: jieba's dictionary cut down to the words this site uses.

    .venv/bin/python tools/jieba_dict.py [SITE]      # SITE: a built site (default: build one)

The search plugin segments Chinese text with jieba at build time. Loading jieba's full
dictionary (about 350,000 words) takes 1.5 s of every build, for a few thousand characters of
Chinese. This writes a dictionary that gives *the same segmentation* of every Chinese run in the
site's search indexes, and loads in milliseconds:

* every word of the full dictionary that occurs inside one of those runs, with its frequency;
  jieba only ever looks up substrings of the text it cuts, so it finds the same candidate words;
* one filler entry carrying the frequency of all the words left out, so the total frequency,
  which every word's probability is divided by, stays the same.

``tests/site/test_search_dictionary.py`` checks the sameness on the built site; when new Chinese
text makes the file stale, it fails and names this command. The user dictionary
(``tools/jieba_user_dict.txt``, the terms search keeps whole) is generated from ``docs/terms.yml``
by ``python -m sitekit.plugins.terms``; ``make terms`` runs both.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import jieba
from backrefs import bre

from sitekit.testing.build import build_site

ROOT = Path(__file__).resolve().parent.parent
TRIMMED = ROOT / "tools" / "jieba_dict.txt"
USER_DICT = ROOT / "tools" / "jieba_user_dict.txt"
FULL = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
SEARCH_INDEXES = ["search/search_index.json", "en/search/search_index.json"]
HAN_RUN = bre.compile(r"\p{script: Han}+", bre.UNICODE)  # what the search plugin segments
FILLER = "\ue000"  # a private-use character: never in a Han run, so never a candidate word
ZERO_WIDTH_SPACE = "\u200b"  # the search plugin's separator between segmented words


def han_runs(site: Path) -> set[str]:
    """Every run of Han characters the search plugin segmented when it built ``site``."""
    runs: set[str] = set()
    for relative in SEARCH_INDEXES:
        index = json.loads((site / relative).read_text(encoding="utf-8"))
        for entry in index["docs"]:
            for field in ("title", "text"):
                text = entry.get(field, "").replace(ZERO_WIDTH_SPACE, "")
                runs.update(HAN_RUN.findall(text))
    return runs


def read_dictionary(path: Path) -> list[tuple[str, int, str]]:
    """(word, frequency, rest of the line) for each line of a jieba dictionary."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word, frequency, *rest = line.strip().split(" ")
        entries.append((word, int(frequency), " ".join(rest)))
    return entries


def trimmed_dictionary(runs: Iterable[str], full: Path = FULL) -> str:
    """The text of a dictionary that segments each of ``runs`` as ``full`` does."""
    entries = read_dictionary(full)
    longest = max(len(word) for word, _, _ in entries)
    substrings = {
        run[start:end]
        for run in runs
        for start in range(len(run))
        for end in range(start + 1, min(len(run), start + longest) + 1)
    }
    kept = [entry for entry in entries if entry[0] in substrings]
    left_out = sum(frequency for _, frequency, _ in entries) - sum(f for _, f, _ in kept)
    lines = [" ".join(filter(None, (word, str(f), tag))) for word, f, tag in kept]
    lines.append(f"{FILLER} {left_out}")
    return "\n".join(lines) + "\n"


def tokenizer(dictionary: Path) -> jieba.Tokenizer:
    """A jieba tokenizer with ``dictionary`` and the project's user dictionary, as in a build."""
    jieba.setLogLevel(60)  # silence jieba's "Building prefix dict" chatter
    tokens = jieba.Tokenizer(str(dictionary))
    tokens.load_userdict(str(USER_DICT))
    return tokens


def differences(runs: Iterable[str], trimmed: Path = TRIMMED, full: Path = FULL) -> list[str]:
    """One line for each run that ``trimmed`` segments differently from ``full``."""
    with_trimmed, with_full = tokenizer(trimmed), tokenizer(full)
    lines = []
    for run in sorted(runs):
        got, expected = list(with_trimmed.cut(run)), list(with_full.cut(run))
        if got != expected:
            lines.append(f"{run}: {'/'.join(got)} instead of {'/'.join(expected)}")
    return lines


def main() -> None:
    if len(sys.argv) > 1:
        runs = han_runs(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory(prefix="jieba-site-") as site:
            build_site(Path(site))
            runs = han_runs(Path(site))
    TRIMMED.write_text(trimmed_dictionary(runs), encoding="utf-8")
    kept = TRIMMED.read_text(encoding="utf-8").count("\n") - 1
    print(f"{TRIMMED.relative_to(ROOT)}: {kept} words for {len(runs)} Han runs")


if __name__ == "__main__":
    main()
