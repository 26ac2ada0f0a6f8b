"""How long `margin align` takes: two 3 MB books, and the bundled samples.

Run with ``.venv/bin/python benchmarks/align_speed.py``. The books are Alice's
Adventures in Wonderland in English and in German from the shared corpus,
each repeated 17 times, to 3 MB (a translation: aligned by length), and Pride and
Prejudice (0.7 MB) against itself lightly edited (one language: aligned
lexically; repeated to 3 MB every sentence would have several equal
partners, which real texts do not). Each figure is the median of a few runs after one warm-up; only
:func:`annotations.alignment.align` is timed (texts already in memory, as in
the reader and the CLI after loading).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.alignment import align  # noqa: E402
from annotations.text import normalise  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "gutenberg"
SIZE = 3_000_000


def _book(name: str, copies: int | None = None) -> str:
    """The book repeated to about 3 MB (or *copies* times, so a translation repeats as often as its original)."""
    text = normalise((CORPUS / name).read_text(encoding="utf-8"))
    return text * (copies or round(SIZE / len(text)))


def _median(run: Callable[[], object], times: int) -> tuple[float, object]:
    result = run()
    laps = []
    for _ in range(times):
        start = time.perf_counter()
        result = run()
        laps.append(time.perf_counter() - start)
    return statistics.median(laps), result


def main() -> None:
    samples = ROOT / "reader" / "samples"
    notice = normalise((samples / "harbour-notice.md").read_text(encoding="utf-8"))
    article = normalise((samples / "harbour-article.md").read_text(encoding="utf-8"))
    english = _book("pg11-alice-en.txt")
    german = _book("pg19778-alice-de.utf8-DERIVED.txt", copies=english.count("CHAPTER I."))
    print(f"books: {len(english) / 1e6:.1f} MB English, {len(german) / 1e6:.1f} MB German")
    pride = normalise((CORPUS / "pg1342-pride-and-prejudice.txt").read_text(encoding="utf-8"))
    edited = pride.replace("Elizabeth", "Eliza").replace(" very ", " ")
    rows = [
        ("bundled samples (lexical)", lambda: align(notice, article), 0.100, 9),
        ("two 3 MB books, English–German (length)", lambda: align(english, german), 5.0, 3),
        ("a 0.7 MB novel and an edited copy (lexical)", lambda: align(pride, edited), 5.0, 3),
    ]
    print(f"{'measurement':45} {'median':>9} {'target':>8}  pairs")
    for label, run, target, times in rows:
        seconds, pairs = _median(run, times)
        verdict = "met" if seconds <= target else "MISSED"
        print(f"{label:45} {seconds * 1000:7.0f}ms {target * 1000:6.0f}ms  {len(pairs):>6}  {verdict}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
