"""Entity work on a 3 MB book: every mention of 50 entities, and rule-based suggestions.

Run with ``.venv/bin/python benchmarks/mentions.py``. Prints each figure (the
median of several runs after a warm-up) beside its target:

- finding every mention of 50 entities with 3 aliases each (150 names) in a
  3 MB book (Pride and Prejudice repeated), case kept and case folded;
- rule-based suggestion candidates (names, acronyms with expansions, dates)
  over the same book;
- in the reader, ``M`` finds one entity's mentions on the event loop up to
  :data:`reader.tui.reading.entities.FIND_IN_THREAD` characters (on a worker
  beyond): one entity's 3 names in a text of that size, which must stay
  well under a frame's worth of waiting.

The names are capitalised words of the book that are mostly written
capitalised (names of people and places, the shape entity names have), so
each run finds real mentions. Without the shared corpus a generated text
stands in and the output says so.
"""

from __future__ import annotations

import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from annotations.candidates import rule_candidates  # noqa: E402
from annotations.mentions import find_mentions  # noqa: E402

BOOK = ROOT.parent / "shared" / "corpus" / "gutenberg" / "pg1342-pride-and-prejudice.txt"
SIZE = 3_000_000
ENTITIES, ALIASES = 50, 3
RUNS = 7


def book() -> tuple[str, bool]:
    if BOOK.exists():
        text = BOOK.read_text(encoding="utf-8")
        return (text * (SIZE // len(text) + 1))[:SIZE], True
    rng = random.Random(1)
    words = "the of and Elizabeth Darcy Bennet Netherfield London was her his said very Jane Bingley".split()
    return " ".join(rng.choice(words) for _ in range(SIZE // 6))[:SIZE], False


def entity_names(text: str) -> dict[str, list[str]]:
    """50 entities × 3 names: capitalised words of the text that are written capitalised nine times in ten."""
    capitalised: dict[str, int] = {}
    for word in re.findall(r"\b[A-Z][a-z]{3,}\b", text):
        capitalised[word] = capitalised.get(word, 0) + 1
    lower = {w: len(re.findall(rf"\b{w.lower()}\b", text[:200_000])) for w in capitalised}
    names = sorted(w for w, n in capitalised.items() if lower[w] * 10 <= n // 15 + 1)
    rng = random.Random(7)
    while len(names) < ENTITIES * ALIASES:
        names.append(names[len(names) % max(len(names), 1)] + "shire")
    rng.shuffle(names)
    return {str(i): names[i * ALIASES : (i + 1) * ALIASES] for i in range(ENTITIES)}


def timed(work: Callable[[], object]) -> tuple[float, object]:
    work()
    times, result = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    text, real = book()
    print(f"Python {sys.version.split()[0]}; {len(text) / 1e6:.1f} MB {'Pride and Prejudice' if real else 'generated text (no corpus)'}")
    names = entity_names(text)
    rows = []
    for fold in (False, True):
        seconds, found = timed(lambda: find_mentions(text, names, fold_case=fold))
        label = f"every mention of {ENTITIES} entities × {ALIASES} names{' (case folded)' if fold else ''}"
        rows.append((label, seconds, 0.2, f"{len(found):,} mentions"))  # type: ignore[arg-type]
    from reader.tui.reading.entities import FIND_IN_THREAD

    inline, one = text[:FIND_IN_THREAD], {"0": names["0"]}
    seconds, found = timed(lambda: find_mentions(inline, one))
    rows.append((f"reader, on the event loop: 1 entity × {ALIASES} names in {FIND_IN_THREAD // 1000} k chars",
                 seconds, 0.05, f"{len(found):,} mentions"))  # type: ignore[arg-type]
    seconds, found = timed(lambda: rule_candidates(text))
    rows.append(("rule-based suggestions", seconds, 1.0, f"{len(found):,} candidates"))  # type: ignore[arg-type]
    for label, seconds, target, note in rows:
        verdict = "pass" if seconds <= target else "OVER"
        print(f"{label:<58} {seconds * 1000:7.0f} ms   target ≤ {target * 1000:.0f} ms   {verdict}   ({note})")


if __name__ == "__main__":
    main()
