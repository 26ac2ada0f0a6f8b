"""Text as Markdown that shows exactly that text and adds no structure.

Everything a user typed or a document supplied (quotes, notes, titles, tag and
section names) goes through here before it reaches an export, so that a
CommonMark renderer shows exactly that text and nothing in it can add
structure to the file: no headings, lists, code, HTML, tables or thematic
breaks, and no Obsidian tags, links, highlights, comments, maths or block ids.
The few characters Markdown cannot carry are listed on :func:`escape_inline`.
Kept apart from any layout, so the built-in one and templates escape alike;
:class:`Markdown` marks text that is already safe, so it is not escaped twice.
"""

from __future__ import annotations

import re

#: Characters no Markdown output can carry: NUL (CommonMark turns it into
#: U+FFFD) and lone surrogates (not encodable at all).
_UNREPRESENTABLE = re.compile("[\x00\ud800-\udfff]")

#: What renderers trim from the edges of a line, paragraph or heading
#: (spaces and tabs per CommonMark, and the wider set some renderers use).
_TRIMMED = (
    "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)

#: Trimmed, yet no character reference can carry it (renderers turn &#11; into
#: U+FFFD). It is harmless inside a paragraph, but at its very start or end it
#: would vanish, so there it is written as U+FFFD.
_VT = "\x0b"

#: ASCII punctuation that has a meaning somewhere, backslash-escaped. Always:
#: ``\`` (escapes), ````` (code), ``*`` (emphasis), ``[ ]`` (links, wikilinks,
#: footnotes), ``<`` (HTML, autolinks), ``|`` (tables), ``#`` (headings, tags),
#: ``$`` (maths), ``^`` (block ids), ``~`` (strikethrough, fences). Only where
#: it could mean something: ``_`` unless it sits between two letters or digits
#: (where it can never be emphasis), ``&`` when it could start a character
#: reference, ``=`` and ``%`` when doubled (highlights, comments).
#: (Every branch starts with its character, which keeps the search fast.)
_ESCAPE = re.compile(
    r"[\\`*\[\]<|#$^~]"
    r"|_(?:(?<![^\W_]_)|(?![^\W_]))"
    r"|&(?=\#|[A-Za-z0-9]+;)"
    r"|=(?:(?<===)|(?==))"
    r"|%(?:(?<=%%)|(?=%))"
)

#: The characters every branch of :data:`_ESCAPE` starts with: most text has
#: none, and this plain search rules that out several times quicker than the full one.
_MAY_ESCAPE = re.compile(r"[\\`*\[\]<|#$^~_&=%]")

#: An ordered-list marker at the start of a line: digits then ``.`` or ``)``.
_ORDERED_MARKER = re.compile(r"[0-9]+(?=[.)])")


def _backslash(match: re.Match[str]) -> str:
    return "\\" + match.group()


def clean(text: str) -> str:
    """Replace the characters Markdown cannot carry with U+FFFD."""
    if text.isascii():  # known without reading the text: no surrogates, so only NUL to look for
        return text.replace("\x00", "\ufffd") if "\x00" in text else text
    if _UNREPRESENTABLE.search(text):
        return _UNREPRESENTABLE.sub("\ufffd", text)
    return text


def _escaped(text: str) -> str:
    """*text* with :data:`_ESCAPE`'s characters backslash-escaped."""
    return _ESCAPE.sub(_backslash, text) if _MAY_ESCAPE.search(text) else text


def _references(run: str) -> str:
    """Write a run of edge whitespace as character references so nothing trims it."""
    return "".join(ch if ch == _VT else f"&#{ord(ch)};" for ch in run)


#: First characters :func:`_guard_line_start` may have to escape.
_MAY_OPEN_BLOCK = frozenset("-+>=0123456789")


def _guard_line_start(core: str) -> str:
    """Escape what would make an already-escaped line open a block."""
    first = core[0]
    if first in "-+>=":  # bullets, blockquotes, setext underlines, breaks
        return "\\" + core
    if "0" <= first <= "9":
        match = _ORDERED_MARKER.match(core)
        if match:
            return core[: match.end()] + "\\" + core[match.end() :]
    return core


def _escape_fragment(
    text: str, *, at_line_start: bool, outer_start: bool, outer_end: bool
) -> str:
    """Escape *text* (already cleaned) for use within one line of Markdown."""
    core = text.strip(_TRIMMED)
    if core:
        out = _escaped(core)
        if "\n" in out or "\r" in out:
            out = out.replace("\n", "&#10;").replace("\r", "&#13;")
        if len(core) == len(text):
            if at_line_start:
                out = _guard_line_start(out)
            return out  # nothing at the edges to protect
        lead_end = len(text) - len(text.lstrip(_TRIMMED))
        return _edges(text[:lead_end] + out + text[lead_end + len(core) :], out, at_line_start=at_line_start,
                      outer_start=outer_start, outer_end=outer_end)
    return _edges(text, core, at_line_start=at_line_start, outer_start=outer_start, outer_end=outer_end)


def _edges(text: str, core: str, *, at_line_start: bool, outer_start: bool, outer_end: bool) -> str:
    """An escaped line, *text*, whose *core* (*text* less its edge whitespace) is not all of it."""
    if core:
        out = core
        lead_end = len(text) - len(text.lstrip(_TRIMMED))
        if at_line_start and not lead_end:
            out = _guard_line_start(out)
        out = _references(text[:lead_end]) + out + _references(text[lead_end + len(core) :])
    elif text:
        out = _references(text)
    else:
        return ""
    if outer_start and out[0] == _VT:
        out = "\ufffd" + out[1:]
    if outer_end and out[-1] == _VT:
        out = out[:-1] + "\ufffd"
    return out


def escape_inline(text: str, *, at_line_start: bool = True) -> str:
    """Return Markdown for one line that renders exactly as *text*.

    Safe anywhere within a line, next to emphasis markers and at the start of a
    line (unless *at_line_start* is false, which spares a backslash before a
    leading ``-``, ``+``, ``>``, ``=`` or list number). Line breaks inside
    *text* are kept as the characters themselves (``&#10;``), since a single
    Markdown line cannot break.

    What cannot be shown exactly: NUL and lone surrogates become U+FFFD, and so
    does a vertical tab (U+000B) at the very start or end, where renderers
    would trim it and no character reference can carry it.
    """
    return _escape_fragment(
        clean(text), at_line_start=at_line_start, outer_start=True, outer_end=True
    )



#: First characters of a line that :func:`_block` has to look at more closely.
_LOOK_AT_START = frozenset(_TRIMMED) | _MAY_OPEN_BLOCK
_TRIMMED_SET = frozenset(_TRIMMED)
#: Where a line other than the first starts, or one other than the last ends, so that :func:`_block`
#: must look at it (a blank line needs nothing). Most quotes have none: only their first and last
#: lines, cut anywhere in the text, need a look. (Led by the line break, so the engine skips to each
#: one; a pattern that could start with any of a set of characters is tried at every character.)
_INNER_LINE_TO_LOOK_AT = re.compile(
    "\n(?:[" + re.escape("".join(sorted(_LOOK_AT_START - {"\n"}))) + "]"
    "|(?<=[" + re.escape("".join(sorted(_TRIMMED_SET - {"\n"}))) + "]\n))"
)


#: Characters that keep a block off :func:`escape_block`'s short way: those :data:`_ESCAPE` may escape,
#: and those :func:`clean` replaces or :func:`_block` turns into line breaks.
_MAY_SPOIL = re.compile("[" + re.escape("\\`*[]<|#$^~_&=%\r\x00") + "\ud800-\udfff]")


def _block(text: str) -> str:
    """The lines of one paragraph showing *text*, its line breaks as hard breaks, joined with ``\\n``."""
    text = clean(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text:
        return ""
    body = text.rstrip("\n")
    # A paragraph cannot end in a hard break, so trailing line breaks are kept
    # as the characters themselves.
    trailing = len(text) - len(body)
    # Escaping never reaches across a line break nor touches the whitespace at a
    # line's edges, so the whole text is escaped at once and then cut into lines
    # (one regex pass per block, not per line: exports spend most of their time here).
    escaped = _escaped(body)
    first_end = escaped.find("\n")
    if first_end < 0:
        return _line(escaped, True, not trailing) + "&#10;" * trailing
    if not _INNER_LINE_TO_LOOK_AT.search(escaped):  # the lines between are usual or blank (below)
        last_start = escaped.rfind("\n") + 1
        return (_line(escaped[:first_end], True, False) + escaped[first_end:last_start].replace("\n", "\\\n")
                + _line(escaped[last_start:], False, not trailing) + "&#10;" * trailing)
    lines = escaped.split("\n")
    last = len(lines) - 1
    out = [_line(line, index == 0, index == last and not trailing) for index, line in enumerate(lines)]
    return "\\\n".join(out) + "&#10;" * trailing


def _line(line: str, first: bool, outer_end: bool) -> str:
    """One escaped line of :func:`_block`, its edges and its start made safe."""
    if line and line[0] not in _LOOK_AT_START and line[-1] not in _TRIMMED_SET:
        return line  # the usual line: nothing at its edges to protect, nothing it could open
    if not line:  # a blank line between paragraphs of the quote
        return ""
    core = line.strip(_TRIMMED)
    if core and len(core) == len(line):
        return _guard_line_start(core)
    return _edges(line, core, at_line_start=True, outer_start=first, outer_end=outer_end)


def _edged_block(text: str, prefix: str, clear: bool) -> str | None:
    """:func:`escape_block` of a quote whose edges only are whitespace, the lines between needing no look; else None.

    A highlight cut anywhere in a text starts or ends on a space about half the
    time, and a novel's italics put ``_`` in many more: each such quote went
    the long way round (its lines split, each line stripped and measured),
    taking three times as long, for a result that is the escaped text, the
    edges as character references and the lines joined with hard breaks. The
    same steps as :func:`_block` take, for this one shape of text; anything
    else (a line break or a vertical tab at an edge, a line to look at, a
    character to clean) returns None. *clear*: *text* holds none of
    :data:`_MAY_SPOIL`'s characters, so there is nothing to clean or escape.
    """
    if not clear and ("\r" in text or "\x00" in text or (not text.isascii() and _UNREPRESENTABLE.search(text))):
        return None
    core = text.strip(_TRIMMED)
    if not core:
        return None
    lead_end = len(text) - len(text.lstrip(_TRIMMED))
    lead = text[:lead_end]
    trail = text[lead_end + len(core) :]
    spaces = trail.rstrip("\n")  # trailing line breaks are written as references after the last line's
    if "\n" in lead or "\n" in spaces or _VT in lead or _VT in spaces:
        return None
    escaped = core if clear else _escaped(core)
    if _INNER_LINE_TO_LOOK_AT.search(escaped):
        return None
    if not lead:
        escaped = _guard_line_start(escaped)
    breaks = len(trail) - len(spaces)
    return (prefix + _references(lead) + escaped.replace("\n", "\\\n" + prefix) + _references(spaces)
            + "&#10;" * breaks)


def escape_block(text: str, *, prefix: str = "") -> str:
    """Return one Markdown paragraph that renders exactly as *text*, line breaks included.

    Each line of *text* becomes one line of Markdown, ended by a backslash hard
    break; blank lines are kept the same way, so the text stays one paragraph.
    ``\\r\\n`` and a lone ``\\r`` count as line breaks, as everywhere in margin.
    Every line is given *prefix* (``"> "`` for a blockquote). Returns ``""``
    for empty text. Otherwise as exact as :func:`escape_inline`.
    """
    if not text:
        return ""
    clear = not _MAY_SPOIL.search(text)
    if clear and text[0] not in _LOOK_AT_START and text[-1] not in _TRIMMED_SET \
            and not _INNER_LINE_TO_LOOK_AT.search(text):
        # The usual quote, cut on words: nothing to escape or replace, no line that starts or ends where
        # it must be looked at. Its lines joined with hard breaks, as below, in two passes instead of ten.
        return prefix + text.replace("\n", "\\\n" + prefix)
    edged = _edged_block(text, prefix, clear)
    if edged is not None:
        return edged
    block = _block(text)
    if not prefix or not block:
        return block
    if "\n\n" not in block and block[0] != "\n" and block[-1] != "\n":  # no empty line: always so
        return prefix + block.replace("\n", "\n" + prefix)
    bare = prefix.rstrip()
    return "\n".join(prefix + line if line else bare for line in block.split("\n"))


class Markdown(str):
    """Text that is already Markdown: a template prints it as it is."""

    __slots__ = ()
