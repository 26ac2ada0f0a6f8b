"""Grapheme-like clusters and their widths in terminal cells, and where rows may break.

The wrapped-line index (:mod:`.index`) asks these questions for every
paragraph it wraps, so the answers are cheap for plain text: a paragraph of
single-cell characters that join nothing is measured by its length.
"""


from __future__ import annotations

import unicodedata

from rich.cells import cell_len, get_character_cell_size

_ZWJ = "\u200d"
_VS16 = "\ufe0f"
TAB = "\t"

# Whitespace after which a row may break.  No-break spaces (U+00A0, U+2007,
# U+202F) are deliberately absent.
BREAK_SPACES = frozenset(
    " \t\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a"
    "\u205f\u3000"
)

# Punctuation that must not begin a row (closing marks, small kana, ...)
# when a break would otherwise fall just before it next to a wide character.
NO_ROW_START = frozenset(
    "、。，．・：；？！）］｝〕〉》」』】〙〗〟’”｠»ヽヾーァィゥェォッャュョヮヵヶ"
    "ぁぃぅぇぉっゃゅょゎゕゖ々〻‐゠–〜～‼⁇⁈⁉!%),.:;?]}"
)
# Punctuation that must not end a row (opening marks).
NO_ROW_END = frozenset("（［｛〔〈《「『【〘〖〝‘“｟«([{")

_ZERO_WIDTH_CATEGORIES = frozenset({"Cc", "Cf", "Mn", "Me", "Mc", "Zl", "Zp"})


#: Where the single-cell characters are looked for: scripts of one cell a character.
SINGLE_CELL_RANGES = (
    (0x20, 0x7E),  # ASCII printable
    (0xA0, 0x2FF),  # Latin-1 supplement, Latin extended, IPA, modifiers
    (0x370, 0x52F),  # Greek, Cyrillic (+ supplement)
    (0x5D0, 0x5F4),  # Hebrew letters and punctuation
    (0x620, 0x64A),  # Arabic letters
    (0x1E00, 0x1FFF),  # Latin extended additional, Greek extended
    (0x2010, 0x2027),  # dashes, quotes, bullets, ellipsis
    (0x2030, 0x205E),  # per mille, primes, guillemets, ...
    (0x20A0, 0x20C0),  # currency signs
)


def _build_single_cell_set() -> frozenset[str]:
    """Characters that are one cell wide, never join others, never break.

    A paragraph made only of these needs no per-character measuring: its cell
    width is its length and it can only break at ``" "``. In these ranges the
    characters Rich measures as other than one cell are exactly the marks,
    controls and separators of the zero-width categories (a test holds it), so
    the set is told by category: asking Rich for each of its 1,839 characters
    took 3 ms of every launch.
    """
    category = unicodedata.category
    return frozenset(
        char
        for low, high in SINGLE_CELL_RANGES
        for char in map(chr, range(low, high + 1))
        if category(char) not in _ZERO_WIDTH_CATEGORIES and (not char.isspace() or char in " \u00a0\u202f")
    )


_SINGLE_CELL = _build_single_cell_set()
_is_single_cell_text = _SINGLE_CELL.issuperset

_width_cache: dict[str, int] = {}


def _char_width(char: str) -> int:
    """Cell width of one character (0, 1 or 2), memoised."""
    width = _width_cache.get(char)
    if width is None:
        width = get_character_cell_size(char)
        if len(_width_cache) < 200_000:
            _width_cache[char] = width
    return width


def is_plain(text: str) -> bool:
    """True if every character of ``text`` is one cell and stands alone."""
    if text.isascii():
        return text.isprintable()
    return _is_single_cell_text(text)


def cut_clusters(paragraph: str) -> tuple[list[int], list[int]]:
    """Cut a paragraph (no ``\\n``) into clusters.

    A cluster is one character plus every zero-width character after it; a
    zero-width joiner also takes the character it joins.  Widths agree with
    :func:`rich.cells.cell_len` of the cluster's text.

    Returns:
        Two parallel lists: cluster start indices into ``paragraph`` and
        cluster widths in cells, where ``-1`` marks a tab (its width depends
        on where it lands).
    """
    starts: list[int] = []
    widths: list[int] = []
    append_start = starts.append
    append_width = widths.append
    char_width = _char_width
    index = 0
    length = len(paragraph)
    while index < length:
        char = paragraph[index]
        append_start(index)
        first = index
        index += 1
        if char == TAB:
            width = -1
            special = False
        elif char == _ZWJ or char == _VS16:
            width = 0
            special = True
            if char == _ZWJ and index < length and paragraph[index] != TAB:
                index += 1
        else:
            width = char_width(char)
            special = False
        while index < length:
            follower = paragraph[index]
            if follower == _ZWJ:
                special = True
                index += 1
                if index < length and paragraph[index] != TAB:
                    index += 1
            elif follower == _VS16:
                special = True
                index += 1
            elif follower != TAB and char_width(follower) == 0:
                index += 1
            else:
                break
        if special and width >= 0:
            width = cell_len(paragraph[first:index])
        append_width(width)
    if len(starts) > 1 and widths[0] == 0 and widths[1] >= 0:
        # Zero-width characters opening a paragraph join the cluster after
        # them, so no cluster is empty of cells where a click could not land.
        end = starts[2] if len(starts) > 2 else length
        del starts[1]
        widths[1:2] = []
        widths[0] = cell_len(paragraph[:end])
    return starts, widths


def tab_cells(cell: int, width: int, tab_size: int) -> int:
    """Cells a tab takes when it starts at ``cell`` on a row ``width`` wide."""
    return min(tab_size - cell % tab_size, width - cell)
