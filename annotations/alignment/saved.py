"""Suggestions as JSON: what ``margin align --format json`` writes and ``--from`` reads back.

A list of pairs, each ``{"a": {...}, "b": {...}, "score": s, "method": m}``
where each side is ``{"document": id, "start": i, "end": j, "text": t}``
(offsets in code points of the document's current text, end exclusive).
Reading checks every pair against the texts it names, so a file saved
before a document changed is refused rather than misplaced.
"""

from __future__ import annotations

from typing import Any

from ..errors import MarginError
from . import Pair

METHODS = ("quote", "lexical", "length")


def dump(pairs: list[Pair], id_a: str, id_b: str, text_a: str, text_b: str) -> list[dict[str, Any]]:
    return [
        {
            "a": {"document": id_a, "start": p.a_start, "end": p.a_end, "text": text_a[p.a_start : p.a_end]},
            "b": {"document": id_b, "start": p.b_start, "end": p.b_end, "text": text_b[p.b_start : p.b_end]},
            "score": round(p.score, 4),
            "method": p.method,
        }
        for p in pairs
    ]


def _side(entry: object, where: str) -> tuple[str, int, int, str]:
    if not isinstance(entry, dict):
        raise MarginError(f"{where} is not an object with document, start, end and text")
    document, start, end, text = (entry.get(k) for k in ("document", "start", "end", "text"))
    if not (isinstance(document, str) and isinstance(start, int) and isinstance(end, int) and isinstance(text, str)):
        raise MarginError(f"{where} needs a document id, integer start and end, and the text")
    return document, start, end, text


def load(data: object, id_a: str, id_b: str, text_a: str, text_b: str) -> list[Pair]:
    """The pairs of a saved file between documents *id_a* and *id_b* (either way round), checked against their texts."""
    if not isinstance(data, list):
        raise MarginError("an alignment file holds a JSON list of pairs (as `margin align --format json` writes)")
    texts = {id_a: text_a, id_b: text_b}
    pairs: list[Pair] = []
    for number, entry in enumerate(data, start=1):
        if not isinstance(entry, dict):
            raise MarginError(f"pair {number} is not an object")
        first, second = _side(entry.get("a"), f"pair {number}: a"), _side(entry.get("b"), f"pair {number}: b")
        if {first[0], second[0]} != {id_a, id_b} or first[0] == second[0]:
            raise MarginError(f"pair {number} is between other documents ({first[0][:8]}, {second[0][:8]})")
        for document, start, end, text in (first, second):
            if not 0 <= start < end <= len(texts[document]) or texts[document][start:end] != text:
                raise MarginError(f"pair {number}: the text at {start}–{end} of {document[:8]} is not the text saved "
                                  "(the document changed since; align again)")
        score, method = entry.get("score"), entry.get("method")
        if not isinstance(score, (int, float)) or method not in METHODS:
            raise MarginError(f"pair {number} needs a numeric score and a method ({', '.join(METHODS)})")
        if first[0] != id_a:
            first, second = second, first
        pairs.append(Pair(first[1], first[2], second[1], second[2], float(score), str(method)))
    return pairs
