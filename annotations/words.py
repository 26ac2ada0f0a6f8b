"""Where words begin and end, in scripts that put spaces between them.

Re-anchoring uses this to keep a quote of whole words on whole words. A word
is a run of letters and digits; scripts written without spaces (Chinese,
Japanese, Thai, ...) have no word edges to find this way, so they are left
alone.
"""

from __future__ import annotations

import unicodedata

#: How far from a place the nearest word edges are looked for.
WORD_SNAP = 20


def word_edge(inside: str, outside: str) -> bool:
    """Whether a passage whose edge character is *inside*, next to *outside*, begins or ends on a word's edge."""
    return bool(inside) and inside.isalnum() and not (outside and outside.isalnum())


def starts_word(text: str, at: int) -> bool:
    return word_edge(text[at : at + 1], text[at - 1 : at] if at > 0 else "")


def ends_word(text: str, at: int) -> bool:
    return word_edge(text[at - 1 : at] if at > 0 else "", text[at : at + 1])


def spaced(text: str, at: int) -> bool:
    """Whether the characters on both sides of *at* belong to scripts that space their words."""
    return all(_spaced(char) for char in text[max(0, at - 1) : at + 1])


def _spaced(char: str) -> bool:
    # Chinese, Japanese, Thai, Lao, Tibetan, Myanmar, Khmer: no spaces, so no word edges to find.
    return unicodedata.east_asian_width(char) not in "WF" and not (
        "\u0e00" <= char <= "\u109f" or "\u1780" <= char <= "\u17ff"
    )


def nearest_edges(text: str, at: int, *, starts: bool) -> list[int]:
    """The nearest word start (or end) before *at* and after it, within :data:`WORD_SNAP`."""
    test = starts_word if starts else ends_word
    found = []
    for step in (-1, 1):
        for edge in range(at + step, at + step * (WORD_SNAP + 1), step):
            if not 0 <= edge <= len(text):
                break
            if test(text, edge):
                found.append(edge)
                break
    return found
