"""How right `margin align` is: precision and recall against gold alignments built from public texts.

Run with ``.venv/bin/python benchmarks/align_quality.py``. The gold (see
``tests/alignment_gold.py``): the Universal Declaration of Human Rights in
English against six translations, paired by article; the same with articles
3, 7, 8, 19 and 25 cut from the translation (their English paragraphs must be
left unmatched); the Flying Dutchman libretto's English and German, paired by
speech; and a report that quotes, paraphrases and distorts a council notice.

A proposed pair counts once per pair of paragraphs it starts in, and is right
when both lie in the same unit. Precision: right pairs / pairs proposed.
Recall: paragraphs of the English side whose unit the other side has, that
are in a right pair. Left: paragraphs of cut articles that are in no pair.

Ablations show what chose the design: the length method with Gale & Church's
published ratio (1.0) and without anchors, and the lexical method at other
thresholds.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import annotations.alignment as alignment  # noqa: E402
from annotations.alignment import DEFAULT_MIN_SCORE, lengths  # noqa: E402
from tests import alignment_gold as gold  # noqa: E402

CUT = frozenset({3, 7, 8, 19, 25})


def _row(name: str, score: gold.Score, target: str = "") -> None:
    left = f"{score.left_unmatched:6.0%}" if score.to_leave else "     –"
    print(f"{name:58} {score.precision:9.3f} {score.recall:7.3f} {left}  {score.pairs:5}  {target}")


def _header(title: str) -> None:
    print(f"\n{title}\n{'gold':58} {'precision':>9} {'recall':>7} {'left':>6}  {'pairs':>5}  target")


def main() -> None:
    golds = [gold.udhr(language) for language in gold.UDHR_LANGUAGES]
    golds += [gold.udhr(language, CUT) for language in gold.UDHR_LANGUAGES]
    golds.append(gold.dutchman())
    _header("length (auto), default threshold")
    for item in golds:
        target = "precision ≥ 0.95" if item.name.startswith("UDHR") else ""
        target += ", left 100 %" if "cut" in item.name else ""
        _row(item.name, gold.run(item), target)
    fixture = gold.report_fixture()
    _header(f"lexical (auto), default threshold {DEFAULT_MIN_SCORE['lexical']}")
    _row(fixture.name, gold.run(fixture), "precision ≥ 0.8")
    for threshold in (0.1, 0.2, 0.3, 0.4):
        _row(f"  at {threshold}", gold.run(fixture, min_score=threshold))

    _header("ablation: length with the published ratio 1.0 and no number or name anchors")
    original_align, original_passage = lengths.align, alignment._passage

    def plain_passage(text: str, span: alignment.Span, with_names: bool = True) -> lengths.Passage:
        return lengths.Passage(original_passage(text, span).length)

    alignment._passage = plain_passage
    lengths.align = lambda a, b, ratio=None, variance=lengths.VARIANCE: original_align(a, b, 1.0, variance)
    try:
        for item in golds:
            _row(item.name, gold.run(item))
    finally:
        lengths.align, alignment._passage = original_align, original_passage
    _header("ablation: ratio measured on the pair, no anchors")
    alignment._passage = plain_passage
    try:
        for item in golds:
            _row(item.name, gold.run(item))
    finally:
        alignment._passage = original_passage


if __name__ == "__main__":
    main()
