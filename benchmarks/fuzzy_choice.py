"""Which approximate-matching library re-anchoring uses, decided by measurement.

The task re-anchoring needs: find where a quote (20–400 code points) lies in a
stretch of changed text, allowing up to half its length in errors, with the
start, end and error count of the best match. Each candidate library gets the
same quotes, with the same edits applied, in windows of 20 k code points and in
a whole 700 k-code-point book, and is scored on speed and on whether it returns
the place the quote really went to.

    .venv/bin/python benchmarks/fuzzy_choice.py
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
BOOK = SHARED / "corpus" / "gutenberg" / "pg1342-pride-and-prejudice.txt"

Finder = Callable[[str, str, int], "tuple[int, int, int] | None"]


def mutate(quote: str, rng: random.Random, rate: float) -> str:
    chars = list(quote)
    for _ in range(max(1, int(len(chars) * rate))):
        at = rng.randrange(len(chars))
        op = rng.choice("sid")
        if op == "s":
            chars[at] = rng.choice("abcdefghijklmnopqrstuvwxyz ")
        elif op == "i":
            chars.insert(at, rng.choice("abcdefghijklmnopqrstuvwxyz "))
        elif len(chars) > 2:
            del chars[at]
    return "".join(chars)


def with_edlib() -> Finder:
    """edlib as margin calls it (annotations.matching.search: the quote's alphabet, bytes in)."""
    from annotations.matching import search

    def find(text: str, quote: str, k: int):
        found = search(text, quote, k)
        if not found:
            return None
        return found[0].start, found[0].end, found[0].errors

    return find


def with_rapidfuzz() -> Finder:
    from rapidfuzz import fuzz

    def find(text: str, quote: str, k: int):
        cutoff = 100 * (1 - k / len(quote))
        found = fuzz.partial_ratio_alignment(quote, text, score_cutoff=cutoff)
        if found is None:
            return None
        errors = round(len(quote) * (1 - found.score / 100))
        return found.dest_start, found.dest_end, errors

    return find


def with_regex() -> Finder:
    import regex

    def find(text: str, quote: str, k: int):
        pattern = regex.compile(f"(?:{regex.escape(quote)}){{e<={k}}}", regex.BESTMATCH)
        try:
            match = pattern.search(text, timeout=2.0)
        except TimeoutError:
            return None
        if match is None:
            return None
        return match.start(), match.end(), sum(match.fuzzy_counts)

    return find


def with_dmp() -> Finder:
    from diff_match_patch import diff_match_patch

    dmp = diff_match_patch()
    dmp.Match_Distance = 10**9

    def find(text: str, quote: str, k: int):
        if len(quote) > dmp.Match_MaxBits:
            return None  # bitap is limited to patterns of one machine word
        dmp.Match_Threshold = k / len(quote)
        at = dmp.match_main(text, quote, 0)
        if at < 0:
            return None
        return at, at + len(quote), -1

    return find


def main() -> int:
    if not BOOK.exists():
        print("../shared/corpus is not beside the repository; nothing to measure")
        return 0
    book = BOOK.read_text(encoding="utf-8")
    rng = random.Random(7)
    cases = []
    for _ in range(40):
        length = rng.choice((24, 60, 150, 400))
        start = rng.randrange(0, len(book) - length)
        quote = book[start : start + length]
        cases.append((start, quote, mutate(quote, rng, 0.1)))
    finders = {"edlib": with_edlib, "rapidfuzz": with_rapidfuzz, "regex": with_regex, "diff-match-patch": with_dmp}
    print(f"{len(cases)} quotes of 24–400 code points, 10% edits; text {len(book):,} code points")
    print(f"{'library':18} {'window 20k: ms/quote':>22} {'found right':>12} {'whole book: ms/quote':>22} {'found right':>12}")
    for name, make in finders.items():
        try:
            find = make()
        except ImportError:
            print(f"{name:18} not installed")
            continue
        row = [name]
        for scope in ("window", "book"):
            times, right = [], 0
            budget = time.perf_counter() + 20
            tried = 0
            for start, quote, edited in cases:
                if time.perf_counter() > budget:
                    break
                if scope == "window":
                    lo = max(0, start - 10_000)
                    text = book[lo : start + 10_000]
                    offset = lo
                else:
                    text, offset = book, 0
                k = len(edited) // 2
                t0 = time.perf_counter()
                found = find(text, edited, k)
                times.append((time.perf_counter() - t0) * 1000)
                tried += 1
                if found is not None and abs(found[0] + offset - start) <= 3:
                    right += 1
            median = statistics.median(times) if times else float("nan")
            note = "" if tried == len(cases) else f" ({tried} in 20 s)"
            row += [f"{median:.2f}{note}", f"{right}/{tried}"]
        print(f"{row[0]:18} {row[1]:>22} {row[2]:>12} {row[3]:>22} {row[4]:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
