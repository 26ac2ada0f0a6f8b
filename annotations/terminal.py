"""Text made safe to show on a terminal: the one definition, for the command line and the reader alike.

Stored text comes from strangers (a document, a title, a tag, a note, an
imported annotation file), and a terminal obeys what it is sent: ESC and the
C1 controls start sequences that set the window title, write the clipboard
or clear the screen; BEL rings; bidirectional controls reorder what is shown
so a line can read differently from what it holds. None of them is ever sent
raw. :data:`HIDDEN_CODES` lists them; the reading pane drops them (they take
no cells), and :func:`terminal_safe` replaces each with a visible stand-in
(``␛`` for ESC, ``␇`` for BEL, U+FFFD for the rest) so a reader of a
listing can see that something was there. :func:`json_safe` writes them as
``\\uXXXX`` escapes in JSON, which keeps every character and sends none raw.
"""

from __future__ import annotations

import re

#: Bidirectional formatting controls: embeddings and overrides, isolates, marks.
BIDI_CODES: tuple[int, ...] = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))

#: Code points never sent to a terminal raw: C0 controls, DEL, C1 controls (CSI U+009B among them) and bidi controls.
HIDDEN_CODES: frozenset[int] = frozenset((*range(0x00, 0x20), *range(0x7F, 0xA0), *BIDI_CODES))


def _character_class(codes: frozenset[int]) -> str:
    """A regular expression's class of *codes*, runs of consecutive ones written as ranges.

    Ranges rather than one escape per code point: the three classes below compiled in 1.8 ms
    at every start of the command line and the reader, and as ranges in a tenth of that.
    """
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "[" + "".join(f"\\u{low:04x}" if low == high else f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges) + "]"


_ANY_HIDDEN = re.compile(_character_class(HIDDEN_CODES))
# The same, sparing line feeds and tabs, and a CR that ends a CRLF line (as CSV writes them).
_HIDDEN_IN_TEXT = re.compile("(?!\r\n)" + _character_class(HIDDEN_CODES - {0x09, 0x0A}))
# What json.dumps leaves raw among them: DEL, C1 and bidi controls.
_RAW_IN_JSON = re.compile(_character_class(HIDDEN_CODES - frozenset(range(0x20))))


def stand_in(char: str) -> str:
    """What a hidden character is shown as: a control picture for C0 and DEL, U+FFFD otherwise."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def terminal_safe(text: str, *, lines: bool = True) -> str:
    """*text* with every character a terminal would obey replaced by a visible stand-in.

    With ``lines=True`` (the default) line feeds, tabs and the CR of a CRLF
    stay, for multi-line output; ``lines=False`` replaces them too, for one line.
    """
    pattern = _HIDDEN_IN_TEXT if lines else _ANY_HIDDEN
    if pattern.search(text) is None:
        return text
    return pattern.sub(lambda match: stand_in(match.group()), text)


def has_hidden(text: str) -> bool:
    """Whether *text* holds any character :func:`terminal_safe` would replace (line feeds and tabs count)."""
    return _ANY_HIDDEN.search(text) is not None


def json_safe(dumped: str) -> str:
    """JSON text (from :func:`json.dumps`) with DEL, C1 and bidi controls written as ``\\uXXXX``.

    Inside JSON such characters can only be in strings, where the escape means
    the same character, so the value read back is unchanged.
    """
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", dumped)


__all__ = ["BIDI_CODES", "HIDDEN_CODES", "has_hidden", "json_safe", "stand_in", "terminal_safe"]
