"""Same-language alignment: which sentences of a report say what a source says, and what it quotes.

Each sentence becomes a TF-IDF vector over *fuzzy tokens*: case-folded words
cut to their first five letters, so ``closure``, ``closed`` and ``closing``
meet, as do ``pedestrians`` and ``pedestrian`` (unspaced scripts use
character bigrams). Every sentence of the report is paired with the source
sentence nearest by cosine. Quoted strings (between any of the usual
quotation marks) are looked up in the source, exactly and then allowing an
edit in eight characters near the source sentence most like the quoting
one, and paired at the words quoted.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator

from ..matching import search, similarity
from .language import UNSPACED, script_of
from .segmenting import Span, paragraphs, sentences

#: Letters a word keeps as its fuzzy token.
STEM = 5
#: Quotations shorter than this (in characters) are too common to place.
MIN_QUOTE = 12
#: Characters searched either side of the most similar source sentence for a misquoted string.
WINDOW = 3000
_QUOTED = re.compile(r"“([^”]{%d,})”|\"([^\"]{%d,})\"|«\s?([^»]{%d,}?)\s?»|„([^“”]{%d,})[“”]|「([^」]{%d,})」|‘([^’]{%d,})’(?!\w)"
                     % ((MIN_QUOTE,) * 6))
_WORD = re.compile(r"\w+")


def fuzzy_tokens(text: str) -> list[str]:
    found: list[str] = []
    for word in _WORD.findall(text.casefold()):
        if script_of(word[0]) in UNSPACED:
            found.extend(word[i : i + 2] for i in range(max(1, len(word) - 1)))
        elif not word.isdigit() or len(word) > 1:
            found.append(word[:STEM])
    return found


def all_sentences(text: str) -> list[Span]:
    return [s for p in paragraphs(text) for s in sentences(text, p)]


def _vectors(texts: list[list[str]], idf: dict[str, float]) -> list[dict[str, float]]:
    vectors = []
    for tokens in texts:
        weights = {t: (1 + math.log(c)) * idf.get(t, 0.0) for t, c in Counter(tokens).items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({t: w / norm for t, w in weights.items() if w > 0})
    return vectors


def sentence_pairs(text_a: str, text_b: str) -> Iterator[tuple[Span, Span, float]]:
    """For every sentence of B, the sentence of A most like it and their cosine (above zero)."""
    spans_a, spans_b = all_sentences(text_a), all_sentences(text_b)
    tokens_a = [fuzzy_tokens(text_a[s.start : s.end]) for s in spans_a]
    tokens_b = [fuzzy_tokens(text_b[s.start : s.end]) for s in spans_b]
    frequency: Counter[str] = Counter()
    for tokens in (*tokens_a, *tokens_b):
        frequency.update(set(tokens))
    total = len(tokens_a) + len(tokens_b)
    idf = {t: math.log((total + 1) / df) for t, df in frequency.items()}  # smoothed: two sentences still compare
    vectors_a, vectors_b = _vectors(tokens_a, idf), _vectors(tokens_b, idf)
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    # Words in more than one sentence in fifty (and fifty sentences) weigh little and would make every
    # sentence a candidate for every other: they count in a sentence's length, not in finding its partner.
    frequent = {t for t, df in frequency.items() if df > max(50, total // 50)}
    for i, vector in enumerate(vectors_a):
        for token, weight in vector.items():
            if token not in frequent:
                postings[token].append((i, weight))
    common = {t for t, df in frequency.items() if df > max(2, total // 10)}
    for j, vector in enumerate(vectors_b):
        scores: dict[int, float] = defaultdict(float)
        shared: dict[int, int] = defaultdict(int)
        for token, weight in vector.items():
            for i, other in postings.get(token, ()):
                scores[i] += weight * other
                shared[i] += token not in common
        if scores:
            i, score = max(scores.items(), key=lambda item: (item[1], -item[0]))
            # One shared word (a name, a date) is a coincidence as often as a correspondence.
            yield spans_a[i], spans_b[j], min(score, 1.0) * (1.0 if shared[i] >= 2 else 0.5)


def quotations(text: str) -> Iterator[Span]:
    """The quoted strings of *text*, inside their quotation marks."""
    for match in _QUOTED.finditer(text):
        group = next(g for g in range(1, 7) if match.group(g) is not None)
        start, end = match.start(group), match.end(group)
        while start < end and (text[start].isspace() or text[start] in ".,;:"):
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:"):
            end -= 1
        if end - start >= MIN_QUOTE:
            yield Span(start, end)


def locate_quote(source: str, quote: str, near: tuple[int, int] | None = None) -> tuple[Span, float] | None:
    """Where *quote* stands in *source*: exactly anywhere, else with at most one edit in eight
    characters within *near* (the stretch of the source the quoting sentence resembles)."""
    at = source.find(quote)
    if at >= 0:
        return Span(at, at + len(quote)), 1.0
    if near is None:
        return None
    start, end = max(0, near[0] - WINDOW), min(len(source), near[1] + WINDOW)
    matches = search(source[start:end], quote, max(1, len(quote) // 8))
    if not matches:
        return None
    found = matches[0]
    return Span(start + found.start, start + found.end), max(0.0, 1 - found.errors / len(quote))


def near_verbatim(a: str, b: str) -> bool:
    """Whether two sentences are the same words, give or take a few edits."""
    return abs(len(a) - len(b)) <= max(len(a), len(b)) // 8 and similarity(a.casefold(), b.casefold()) >= 0.85
