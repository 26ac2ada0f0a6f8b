"""A note's own Markdown, kept as Markdown, yet unable to change the export around it.

Notes are written in Markdown, so an export shows their emphasis, strong text,
lists, links, wikilinks, inline code and fenced code blocks as formatting.
What a note may not do is change the file it sits in. :func:`note_markdown`
keeps the note's text and neutralises, with a backslash, exactly the
constructs that would:

* headings and Obsidian tags: every ``#`` (an export's headings and tags are
  the ones margin writes; a note's ``#todo`` reads as text);
* front matter, thematic breaks and setext underlines: a line of only ``-``,
  ``=``, ``*`` or ``_`` (also inside a list item, and beside any white
  space, not only CommonMark's spaces and tabs);
* raw HTML, autolinks, blockquotes and callouts: every ``<`` and ``>``
  (a blockquote in an export is always the passage itself);
* Obsidian block ids and footnotes: every ``^``; maths: every ``$``;
  comments: ``%%``;
* link reference definitions, which are invisible and apply file-wide;
* anything that could run past the note's end: a fenced code block is only
  opened by a fence at the start of a line and is closed if the note leaves
  it open; a backtick that opens no code span on its line is escaped, so no
  code span can reach over a line break; a fence further in (inside a list
  item) stays text.

Inside code (fenced blocks and code spans) nothing is touched, since a
backslash there would show. In ``[[wikilinks]]`` a ``#`` or ``^`` is kept
(``[[Note#^block]]`` stays a link). A backslash the user wrote before
punctuation is kept as their escape. Indented code blocks are not told apart
from indented text, so an escaped character there shows its backslash: use a
fenced block for code.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_right

from .escaping import clean

#: Escaped wherever they are, outside code.
_ALWAYS = frozenset("#^<>$")
_PUNCTUATION = frozenset(string.punctuation)

#: A fence that opens a code block: only at the very start of a line (see above).
_FENCE = re.compile(r"(`{3,})[^`]*|(~{3,}).*")
#: A bullet or ordered-list marker, with the space after it (or the line's end).
_LIST_MARKER = re.compile(r"(?:[-+*]|[0-9]{1,9}[.)])(?:[ \t]+|$)")
#: A thematic break, a setext underline, or front matter's ``---``.
_RULE = re.compile(r"(?:-[ \t]*)+|(?:=[ \t]*)+|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}")
#: A tilde fence further in than the start of a line, kept as text. (A backtick
#: fence there is either a code span or a backtick escaped for opening none.)
_INNER_FENCE = re.compile(r"~~~")
#: A link reference definition's label.
_LINK_DEFINITION = re.compile(r"\[(?:[^\[\]\\]|\\.)*\]:")
#: A wikilink kept as written: nothing that Markdown or HTML would read inside,
#: and no whitespace before a ``#`` or ``^`` (which could then be a tag or block id).
_WIKILINK = re.compile(r"!?\[\[(?:[^\[\]\n`<>$%\\\s#^]|[ \t](?![#^])|(?<![ \t])[#^])+\]\]")
_BACKTICKS = re.compile(r"`+")
#: What :func:`_inline` may write otherwise than it reads (a line without any is left as it is).
_MAY_CHANGE = re.compile("[" + re.escape("".join(sorted(_ALWAYS)) + "`%") + "]")
#: Line ends as CommonMark counts them, and the separators some editors also break lines at.
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")


def _backtick_runs(line: str) -> dict[int, list[int]]:
    """Where each run of backticks on *line* starts, by the run's length (starts in order)."""
    runs: dict[int, list[int]] = {}
    for match in _BACKTICKS.finditer(line):
        runs.setdefault(len(match.group()), []).append(match.start())
    return runs


def _inline(line: str, start: int = 0) -> str:
    """*line* from *start* on, with every structural character outside code escaped."""
    if not _MAY_CHANGE.search(line, start):
        return line[start:]
    out: list[str] = []
    i, n = start, len(line)
    runs = _backtick_runs(line) if "`" in line else {}
    while i < n:
        ch = line[i]
        if ch == "\\" and i + 1 < n and line[i + 1] in _PUNCTUATION:
            out.append(line[i : i + 2])  # the user's own escape
            i += 2
            continue
        if ch == "`":
            j = i
            while j < n and line[j] == "`":
                j += 1
            # A code span closes at the next run of exactly as many backticks, on this line.
            same = runs.get(j - i, [])
            later = bisect_right(same, i)
            if later == len(same):
                out.append("\\`" * (j - i))
                i = j
            else:
                end = same[later] + j - i
                out.append(line[i:end])
                i = end
            continue
        if ch in "[!" and line.startswith("[[", i + (ch == "!")):
            match = _WIKILINK.match(line, i)
            if match:
                out.append(match.group())
                i = match.end()
                continue
        if ch in _ALWAYS or (ch == "%" and (line[i + 1 : i + 2] == "%" or line[i - 1 : i] == "%")):
            out.append("\\" + ch)
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _line(line: str) -> str:
    """One line outside a fenced block, made unable to open or end a block it should not.

    White space around a rule is taken as widely as any reader may take it
    (Python's, with U+001C to U+001F and U+00A0, where CommonMark counts only
    spaces and tabs): ``---\x1f`` is no rule to CommonMark, but a front matter
    reader that strips a line first sees ``---``.
    """
    position = len(line) - len(line.lstrip())
    while True:
        rest = line[position:]
        if _RULE.fullmatch(rest.rstrip()) or _INNER_FENCE.match(rest) or _LINK_DEFINITION.match(rest):
            return line[:position] + "\\" + _inline(line, position)
        marker = _LIST_MARKER.match(rest)
        if not marker:
            return _inline(line)
        position += marker.end()


def note_markdown(text: str, *, prefix: str = "") -> str:
    """The note *text* as Markdown that keeps its formatting and adds no structure to the export.

    Leading and trailing blank lines are dropped; every line gets *prefix*
    (``"> "`` for a blockquote, spaces for a list item; a blank line gets it
    without trailing spaces), and the result stays inside that container.
    Returns ``""`` for a note with nothing in it.
    """
    if not text:  # most annotations have no note
        return ""
    lines = _LINE_BREAKS.sub("\n", clean(text)).split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    out: list[str] = []
    fence = ""
    for line in lines:
        if fence:
            out.append(line)
            closing = line.lstrip(" ").rstrip(" \t")
            if len(line) - len(line.lstrip(" ")) < 4 and closing.startswith(fence) and not closing.strip(fence[0]):
                fence = ""
            continue
        opening = _FENCE.fullmatch(line)
        if opening:
            fence = opening.group(1) or opening.group(2)
            out.append(line)
            continue
        out.append(_line(line))
    if fence:
        out.append(fence)
    bare = prefix.rstrip()
    return "\n".join(prefix + line if line.strip() else bare for line in out)
