"""Markdown export: any text at all comes out as exactly that text, and adds no structure.

Each string is used at once as a document title, section title, source path,
quote, note, author, tag and entity name, link relation and link note; the
export is rendered with a CommonMark renderer and every place is read back.
A note is Markdown, so it is not shown as exactly its text: here it is only
held to adding no structure (tests/test_export_note_markdown.py shows what
it keeps).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from annotations.export.markdown import DocumentNotes, LinkView, render_markdown
from annotations.export.notes import link_quote
from annotations.model import Section
from tests.test_export_markdown import (
    NOTE_TAGS,
    assert_clean,
    entity,
    make_annotation,
    make_document,
    parse_front_matter,
    render_body,
    top_level,
    topic,
)

BLNS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "unicode" / "blns.json"

NASTY = [
    "", " ", "   ", "\t", "\n", "\n\n", "\r", "\r\n", "a\rb", "a\r\nb\rc\n", "\n\nleading", "trailing\n\n\n",
    "    four spaces: code?", "\tTab: code?", "  two", "x  ", "x\\", "\\", "\\\\", "\\*", "a\\\nb", "a  \nb",
    "# h", "#h", "## h ##", "###### x", "####### x", "x #", "x\n# y",
    "> q", ">", ">>", "> [!note] callout", "- a", "+ a", "* a", "-", "+", "*", "1. a", "1) a",
    "123456789. x", "1234567890. x", "2.", "10. ten", "1.5 million", "x\n1. y", "x\n- y", "x\n> y",
    "---", "***", "___", "- - -", "* * *", "===", "=", "a\n===", "a\n---", "a\n-", "a\n=", "---\ntitle: x\n---",
    "```", "```python\nx = 1\n```", "~~~", "~~x~~", "~x~", "`code`", "``", "x\n    y", "x\n\n    code",
    "<script>alert(1)</script>", "<!-- c -->", "<div>", "</p>", "<http://x.y>", "<a@b.c>", "<?php ?>",
    "<![CDATA[x]]>", "<!DOCTYPE html>", "&amp;", "&lt;", "&#35;", "&#x23;", "&nbsp;", "&", "AT&T", "&&",
    "&;", "&#;", "&copy", "&#0;", "&#xD800;", "[link](x)", "[x]: /url", "![img](x)", "[[wiki]]", "![[embed]]",
    "[^1]", "[x]", "]", "[", "[x][y]", "| a | b |\n|---|---|\n| 1 | 2 |", "a|b", "|", "| a |\n| - |",
    "*em*", "_em_", "**strong**", "__s__", "snake_case_name", "_", "__init__", "a_b_", "x*y*z", "_a_b",
    "==high==", "%%comment%%", "$x$", "$$\nx\n$$", "^abc", "text ^abc123", "#tag", "a #tag", "- [ ] task",
    "\u00a0lead nbsp", "trail nbsp\u00a0", "\u3000ideographic", "\ufeffbom", "x\ufeff", "\u2028", "a\u2029b",
    "\x0b", "\x0bvt", "vt\x0b", " \x0b ", "a\x0bb", "\x0b\n\x0b", "\x0c", "\x0cff\x0c", "\x1c\x1d\x1e\x1f",
    "\x85", "\x85x\x85", "\x00", "a\x00b", "\ud800", "x\udfffy", "\x7f\x80\x9f", "\ufffe\uffff",
    "emoji 👍🏽 👨‍👩‍👧 🏳️‍🌈", "RTL \u202eevil\u202c", "مرحبا بالعالم", "עברית", "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "e\u0301", "\u0301 leading combining", "tab\tinside", "many\n\n\n\n\nnewlines", "line\n\tindented",
    "  both  ", "\n  \n", "<", ">", "x>y", ":::note", "...", "\\\n", "*\n*", "_\n_", "a*\n*b", "x\n\n",
    "quotes “curly” ‘single’", "a" * 300, "\n".join(["- item"] * 50),
    # Highlights cut anywhere: whitespace at an edge, around lines and escapes of every kind.
    " _italic_ words,\nthen more ", "\u00a0a\nb\u3000\n\n", " 1. x", "- y\nz ", "x \ny", " a\n\nb ",
    "a\n b", "\t*x* \t", " == ", "  #tag\n-\n", " &amp; x\n", "x\n1. y ", "\u2028x\u2028", " a\x0b", "\x0ba ",
]

BYLINE_DATE = "2026-11-23"


def _clean(text: str) -> str:
    return re.sub("[\x00\ud800-\udfff]", "\ufffd", text)


def _edges(text: str) -> str:
    """A vertical tab at the very start or end cannot be carried: it becomes U+FFFD."""
    if text[:1] == "\x0b":
        text = "\ufffd" + text[1:]
    if text[-1:] == "\x0b":
        text = text[:-1] + "\ufffd"
    return text


def inline(text: str) -> str:
    """What a single-line place (heading, location, byline) must show for *text*."""
    return _edges(_clean(text))


def block(text: str) -> str:
    """What a quote or note must show for *text*: line ends are line breaks, as in margin."""
    return _edges(_clean(text).replace("\r\n", "\n").replace("\r", "\n"))


def _notes(s: str) -> list[DocumentNotes]:
    ann = make_annotation(
        "a1b2c3d4e5",
        3,
        9,
        exact=s,
        note=s,
        author=s,
        tags=(topic(s, "t1"), entity(s, s, "t2")),
    )
    links = {
        ann.id: (
            LinkView("quotes", True, s, s, note=s, other_id=ann.id),  # a link within the file
            LinkView(s, False, s, s, note=s),  # to a passage the export does not hold
        )
    }
    doc = make_document(title=s, source_path=s)
    return [DocumentNotes(doc, (Section(0, 100, 1, s),), (ann,), links)]


_TAG_LINE = re.compile(r"(?:#[\w/-]+|\[\[[^\[\]|#^]*\]\](?: \(#[\w/-]+\))?)(?: (?:#[\w/-]+|\[\[[^\[\]|#^]*\]\](?: \(#[\w/-]+\))?))*")


def check_document_mode(s: str) -> None:
    md = render_markdown(_notes(s))
    fm = parse_front_matter(md)
    assert fm["title"] == re.sub("[\ud800-\udfff]", "\ufffd", s)  # YAML can carry NUL
    assert fm["documents"] == [fm["title"]]

    builder = render_body(md)
    assert_clean(builder, note=True)
    blocks = top_level(builder)
    assert [b.tag for b in blocks[:5]] == ["h1", "p", "blockquote", "p", "p"]
    h1, about, quote, block_id, where, *note, byline = blocks
    # The note adds paragraphs, lists or code, and nothing of the export's own.
    assert all(b.tag in ("p", "ul", "ol", "pre") for b in note), [b.tag for b in note]
    assert not set(builder.tags) - {"h1", "blockquote"} - NOTE_TAGS
    assert builder.tags.count("h1") == 1 and builder.tags.count("blockquote") == 1

    assert h1.text() == inline(s)
    assert about.text() == (f"{inline(s)} · version 1 · txt" if s else "version 1 · txt")

    if block(s):
        (para,) = quote.elements
        assert para.tag == "p"
        assert para.text() == block(s)
    else:
        assert quote.elements == []
    assert block_id.text() == "^a1b2c3d4"

    where_lines = where.lines()
    assert len(where_lines) == 2
    assert where_lines[0] == (f"{inline(s)} · chars 3–9" if s else "chars 3–9")
    assert _TAG_LINE.fullmatch(where_lines[1]), where_lines[1]

    by_lines = byline.lines()
    assert len(by_lines) == 3
    assert by_lines[0] == (f"— {inline(s)}, {BYLINE_DATE}" if s else f"— {BYLINE_DATE}")
    quote_text = link_quote(s)
    quoted = f" › {inline(quote_text)}" if quote_text else ""
    tail = f" — {inline(s)}" if s else ""
    assert by_lines[1].startswith("→ quotes [[#^a1b2c3d4|")
    assert by_lines[1].endswith(f"]]{quoted}{tail}")
    assert by_lines[2].rstrip() == f"← {inline(s)} from {inline(s)}{quoted}{tail}".rstrip()


def check_tag_mode(s: str) -> None:
    """Tag names as headings; the rest is what document mode already checks."""
    ann = make_annotation(exact=s, tags=(topic(s, "t1"), entity(s, s, "t2")))
    md = render_markdown([DocumentNotes(make_document(title=s), (), (ann,))], group_by="tag")
    builder = render_body(md)
    assert_clean(builder)
    blocks = top_level(builder)
    headings = [b.text() for b in blocks if b.tag == "h1"]
    entity_label = f"{s}: {s}" if s else s
    assert sorted(headings) == sorted([inline(s), inline(entity_label)])
    quotes = [b for b in blocks if b.tag == "blockquote"]
    assert len(quotes) == 2
    for quote in quotes:
        assert [p.text() for p in quote.elements] == ([block(s)] if block(s) else [])


def _run(strings: list[str]) -> None:
    failures = []
    for s in strings:
        for check in (check_document_mode, check_tag_mode):
            try:
                check(s)
            except AssertionError as error:
                failures.append(f"{check.__name__}({s!r}): {error}")
    assert not failures, f"{len(failures)} failures, first ones:\n" + "\n".join(failures[:5])


def test_nasty_strings_survive_every_place():
    _run(NASTY)


def test_big_list_of_naughty_strings_survives_every_place():
    if not BLNS.is_file():
        pytest.skip("the shared corpus is not beside the repository")
    strings = json.loads(BLNS.read_text(encoding="utf-8"))
    assert len(strings) > 100
    _run(strings)


def test_many_strings_in_one_export_keep_the_structure():
    """All the nasty strings together: still one heading per document, one quote per annotation."""
    notes = []
    for i, s in enumerate(NASTY):
        doc_id = f"d{i:03d}"
        ann = make_annotation(f"a{i:03d}", doc_id=doc_id, exact=s, note=s, tags=(topic(s, f"t{i}"),))
        notes.append(DocumentNotes(make_document(doc_id, s), (Section(0, 50, 1, s),), (ann,)))
    builder = render_body(render_markdown(notes))
    assert_clean(builder, note=True)
    blocks = top_level(builder)
    assert sum(b.tag == "h1" for b in blocks) == len(NASTY)
    assert sum(b.tag == "blockquote" for b in blocks) == len(NASTY)


def test_no_obsidian_syntax_survives_escaping():
    """Highlights, comments, maths, tags, block ids, wikilinks and strikes stay plain text."""
    from annotations.export.markdown import escape_block, escape_inline

    for s in NASTY + ["==x== %%y%% $z$ ^id #tag [[w]] ~~s~~ a==b"]:
        for out in (escape_inline(s), escape_block(s)):
            assert "==" not in out and "%%" not in out, out
            bare = re.sub(r"&#[0-9]+;", "", out.replace("\\\\", ""))
            assert not re.search(r"(?<!\\)[$^#\[~]", bare), out
