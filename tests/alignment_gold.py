"""Gold alignments built from public parallel texts, and the measures that score an aligner against them.

Shared by the alignment tests and ``benchmarks/align_quality.py``. A gold
alignment gives every paragraph of each text a *unit* (a UDHR article, a
libretto speech, a fixture passage): a proposed pair is right when the
paragraphs it starts in share a unit. Units present on only one side must be
left unmatched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from annotations.alignment import Pair, align
from annotations.alignment.segmenting import Span, paragraphs
from annotations.text import normalise

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
UDHR = CORPUS / "udhr"
DUTCHMAN = CORPUS / "gutenberg" / "pg31963-flying-dutchman-de-en.txt"
FIXTURES = Path(__file__).parent / "fixtures" / "alignment"
UDHR_LANGUAGES = {"German": "deu_1996", "French": "fra", "Russian": "rus", "Chinese": "cmn_hans",
                  "Japanese": "jpn", "Korean": "kor"}
# "Article premier" is French for Article 1; the Japanese text misprints 第 as 弟 once.
_ARTICLE = re.compile(r"(?:Article|Artikel|Статья)\s+(\d+|premier)|[第弟](\S+?)条|제\s*(\d+)\s*조")


@dataclass
class Gold:
    """Two texts and the unit of each of their paragraphs."""

    name: str
    text_a: str
    text_b: str
    units_a: list[int]
    units_b: list[int]


def _units_by_heading(text: str) -> list[int]:
    from annotations.alignment.language import han_number
    import unicodedata

    units, current = [], 0
    for span in paragraphs(text):
        match = _ARTICLE.fullmatch(unicodedata.normalize("NFKC", text[span.start : span.end]))
        if match:
            han = match.group(2)
            current = 1 if match.group(1) == "premier" else int(match.group(1) or match.group(3) or (han.isdigit() and han) or han_number(han) or 0)
        units.append(current)
    return units


def without_articles(text: str, articles: set[int]) -> str:
    """The text with the given articles (heading and body) cut out."""
    spans, units = paragraphs(text), _units_by_heading(text)
    return "\n\n".join(text[s.start : s.end] for s, unit in zip(spans, units) if unit not in articles) + "\n"


def udhr(language: str, removed: frozenset[int] = frozenset()) -> Gold:
    english = normalise((UDHR / "eng.txt").read_text(encoding="utf-8"))
    other = normalise((UDHR / f"{UDHR_LANGUAGES[language]}.txt").read_text(encoding="utf-8"))
    if removed:
        other = without_articles(other, set(removed))
    name = f"UDHR English–{language}" + (f" (articles {', '.join(map(str, sorted(removed)))} cut)" if removed else "")
    return Gold(name, english, other, _units_by_heading(english), _units_by_heading(other))


def dutchman() -> Gold:
    """The libretto's English and German as two texts; a unit is one speech (speaker and words)."""
    raw = normalise(DUTCHMAN.read_text(encoding="utf-8"))
    body = raw[raw.index("  ERSTER AKT.") : raw.index("THE END.") + len("THE END.")]
    blocks = [b for b in re.split(r"\n\s*\n", body) if b.strip()]
    german: list[tuple[str, int]] = []
    english: list[tuple[str, int]] = []
    unit, last = 0, "en"
    for block in blocks:
        indent = len(block) - len(block.lstrip(" "))
        side = "de" if indent < 4 else "en"
        if side == "de" and last == "en":
            unit += 1
        text = "\n".join(line.strip() for line in block.splitlines())
        (german if side == "de" else english).append((text, unit))
        last = side
    return Gold("Flying Dutchman English–German", "\n\n".join(t for t, _ in english),
                "\n\n".join(t for t, _ in german), [u for _, u in english], [u for _, u in german])


def report_fixture() -> Gold:
    """The footbridge notice and a report quoting, paraphrasing and distorting it; units marked ``[n]``."""
    texts, units = [], []
    for name in ("source.txt", "report.txt"):
        raw = (FIXTURES / name).read_text(encoding="utf-8")
        marks = [int(m) for m in re.findall(r"^\[(\d+)\] ", raw, flags=re.M)]
        text = normalise(re.sub(r"^\[\d+\] ", "", raw, flags=re.M))
        assert len(paragraphs(text)) == len(marks), name
        texts.append(text)
        units.append(marks)
    return Gold("footbridge notice and report", texts[0], texts[1], units[0], units[1])


@dataclass
class Score:
    pairs: int
    correct: int
    matchable: int
    found: int
    to_leave: int
    left: int

    @property
    def precision(self) -> float:
        return self.correct / self.pairs if self.pairs else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.matchable if self.matchable else 1.0

    @property
    def left_unmatched(self) -> float:
        return self.left / self.to_leave if self.to_leave else 1.0


def _paragraph_at(spans: list[Span], offset: int) -> int:
    import bisect

    return max(0, bisect.bisect_right([s.start for s in spans], offset) - 1)


def score(gold: Gold, pairs: list[Pair]) -> Score:
    """Precision over distinct paragraph pairs proposed; recall over A's paragraphs whose unit B has (unit 0,
    the untitled front matter, counts too); how many of A's paragraphs whose unit B lacks were left alone."""
    spans_a, spans_b = paragraphs(gold.text_a), paragraphs(gold.text_b)
    proposed = {(_paragraph_at(spans_a, p.a_start), _paragraph_at(spans_b, p.b_start)) for p in pairs}
    correct = {(i, j) for i, j in proposed if gold.units_a[i] == gold.units_b[j]}
    in_b = set(gold.units_b)
    matchable = {i for i, u in enumerate(gold.units_a) if u in in_b}
    paired_a = {i for i, _ in proposed}
    to_leave = set(range(len(spans_a))) - matchable
    return Score(len(proposed), len(correct), len(matchable), len({i for i, _ in correct}),
                 len(to_leave), len(to_leave - paired_a))


def run(gold: Gold, **options: object) -> Score:
    return score(gold, align(gold.text_a, gold.text_b, **options))  # type: ignore[arg-type]
