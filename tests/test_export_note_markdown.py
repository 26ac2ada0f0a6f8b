"""A note's own Markdown in an export: its formatting shows, its structure cannot get out.

Exports are rendered with markdown-it-py (CommonMark) and read the way a
reader sees them: headings, front matter and block ids must be exactly the
ones margin wrote, whatever the notes hold (the Big List of Naughty Strings,
random Markdown), while emphasis, lists, links and code in a note render as
such. Obsidian's own syntax (tags, block ids, comments, maths), which
CommonMark does not know, is checked in the Markdown source.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from annotations.export.markdown import DocumentNotes, render_markdown
from annotations.export.note_markdown import note_markdown
from annotations.model import Section
from tests.test_export_markdown import make_annotation, make_document, parse_front_matter, split_front_matter, topic
from tests.test_export_markdown_escaping import NASTY

_MD = MarkdownIt("commonmark")
#: markdown-it without joining escaped characters back into the text around them,
#: so the tokens tell an escaped ``#`` from a bare one.
_RAW = MarkdownIt("commonmark").disable("text_join")


def html(markdown: str) -> str:
    return _MD.render(markdown)


# --------------------------------------------------------------------------
# What a note keeps
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "shown"),
    [
        ("We must act *urgently*.", "<p>We must act <em>urgently</em>.</p>"),
        ("**Strong** and _light_", "<p><strong>Strong</strong> and <em>light</em></p>"),
        ("- one\n- *two*", "<ul>\n<li>one</li>\n<li><em>two</em></li>\n</ul>"),
        ("1. first\n2. second", "<ol>\n<li>first</li>\n<li>second</li>\n</ol>"),
        ("see [the notice](https://example.org/a#b)", '<p>see <a href="https://example.org/a#b">the notice</a></p>'),
        ("run `grep -r '#include <x>'`", "<p>run <code>grep -r '#include &lt;x&gt;'</code></p>"),
        ("```sh\n# a comment\n<b>\n```", '<pre><code class="language-sh"># a comment\n&lt;b&gt;\n</code></pre>'),
        ("First.\n\nSecond.", "<p>First.</p>\n<p>Second.</p>"),
        ("as in [[Other note#^2c3de425|there]]", "<p>as in [[Other note#^2c3de425|there]]</p>"),
    ],
)
def test_a_notes_own_formatting_renders_as_formatting(note, shown):
    assert html(note_markdown(note)).strip() == shown


@pytest.mark.parametrize(
    ("note", "shown"),
    [
        ("# Heading", "<p># Heading</p>"),
        ("a line\n===", "<p>a line\n===</p>"),
        ("a line\n---", "<p>a line\n---</p>"),
        ("---\ntitle: x\n---", "<p>---\ntitle: x\n---</p>"),
        ("***", "<p>***</p>"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("<!-- hidden", "<p>&lt;!-- hidden</p>"),
        ("<https://example.org>", "<p>&lt;https://example.org&gt;</p>"),
        ("> not the passage", "<p>&gt; not the passage</p>"),
        ("[x]: https://example.org", "<p>[x]: https://example.org</p>"),
        ("- item\n  ---", "<ul>\n<li>item\n---</li>\n</ul>"),
        ("  ```\n# x", "<p>```\n# x</p>"),
        ("- ~~~\n# x", "<ul>\n<li>~~~\n# x</li>\n</ul>"),
    ],
)
def test_structure_in_a_note_shows_as_text(note, shown):
    assert html(note_markdown(note)).strip() == shown


def test_a_code_block_left_open_is_closed_at_the_end_of_the_note():
    out = note_markdown("```\n# inside\n")
    assert out == "```\n# inside\n```"
    assert html(out + "\n\n# After").count("<h1>") == 1


def test_obsidian_syntax_in_a_note_stays_text():
    out = note_markdown("#tag and ^abc123\n%%hidden%% $x$ $$\nend ^block-id")
    assert out == "\\#tag and \\^abc123\n\\%\\%hidden\\%\\% \\$x\\$ \\$\\$\nend \\^block-id"


def test_the_users_own_escapes_are_kept_and_not_undone():
    assert note_markdown("\\# kept, \\\\# escaped again") == "\\# kept, \\\\\\# escaped again"
    assert note_markdown("a `code` b ` c") == "a `code` b \\` c"
    # An escaped backtick opens nothing; the one after it opens a span that closes on the line.
    assert note_markdown("\\`` x `y`") == "\\`` x `y\\`"


def test_line_breaks_blank_edges_and_containers():
    assert note_markdown("\n\n  \nkept\r\nlines\r\n\n") == "kept\nlines"
    assert note_markdown("one\n\ntwo", prefix="> ") == "> one\n>\n> two"
    assert note_markdown(" \n\t") == ""


# --------------------------------------------------------------------------
# Properties: any note, any place
# --------------------------------------------------------------------------

BLOCK_ID_LINE = re.compile(r"^\^[A-Za-z0-9-]+$")


def code_lines(markdown: str) -> set[int]:
    """Source lines inside code blocks, where nothing is Markdown (or Obsidian syntax)."""
    lines: set[int] = set()
    for token in _MD.parse(markdown):
        if token.type in ("fence", "code_block") and token.map:
            lines.update(range(*token.map))
    return lines


def bare_text(markdown: str) -> list[str]:
    """Text a renderer took as it is: not code, not a backslash-escaped character."""
    out = []
    for token in _RAW.parse(markdown):
        for child in token.children or ():
            if child.type == "text":
                out.append(child.content)
    return out


def check_export(note: str) -> None:
    """The export's headings, front matter and block ids are margin's, whatever *note* is; so is what follows it."""
    anns = (
        make_annotation("aaaaaaaa1", 10, 20, exact="first passage", note=note, tags=(topic("Theme"),)),
        make_annotation("bbbbbbbb2", 30, 40, exact="second passage", note=note),
    )
    notes = [
        DocumentNotes(make_document(), (Section(0, 100, 1, "Chapter 1"),), anns),
        DocumentNotes(make_document("d2", "Zed"), (), (make_annotation("cccccccc3", doc_id="d2", note=note),)),
    ]
    for group_by, headings in (("document", ["The Secret Agent", "Zed"]), ("tag", ["Theme", "Untagged"])):
        markdown = render_markdown(notes, group_by=group_by)
        front, body = split_front_matter(markdown)
        assert parse_front_matter(markdown)["annotation_count"] == 3
        rendered = html(body)
        assert re.findall(r"<h(\d)>(.*?)</h\1>", rendered) == [("1", h) for h in headings]
        assert "<hr" not in rendered and rendered.count("<blockquote>") == 3
        # Every annotation still ends in its byline: nothing ran past a note.
        assert len(re.findall(r"<p>— alice, 2026-11-23</p>", rendered)) == 3
        code = code_lines(body)
        ids = [line for n, line in enumerate(body.split("\n")) if n not in code and re.search(r"(^|\s)\^[\w-]+\s*$", line)]
        assert ids == ["^aaaaaaaa", "^bbbbbbbb", "^cccccccc"]
        assert not any(line.strip() == "---" for n, line in enumerate(body.split("\n")) if n not in code)
    for text in bare_text(note_markdown(note)):
        # A bare # or ^ (outside [[wikilinks]]) could be an Obsidian tag or block id, $ maths,
        # %% a comment: in a note, none is left bare.
        outside = re.sub(r"\[\[[^\[\]]*\]\]", "", text)
        assert not re.search(r"[#^$<>]|%%", outside), text


def check_container(note: str) -> None:
    """In a blockquote or a list item, a note stays inside it."""
    inner = note_markdown(note, prefix="> ")
    quoted = html(f"{inner}\n\nafter")
    assert quoted.rstrip().endswith("<p>after</p>")
    if inner:
        assert quoted.startswith("<blockquote>") and quoted.count("<blockquote>") == 1
    item = html(f"- {note_markdown(note, prefix='  ').lstrip()}\n\nafter")
    assert item.rstrip().endswith("<p>after</p>") and "<h" not in item


def test_the_big_list_of_naughty_strings_cannot_break_an_export(shared):
    strings = json.loads((shared / "corpus" / "unicode" / "blns.json").read_text(encoding="utf-8"))
    for s in [*strings, *NASTY]:
        check_export(s)
        check_container(s)


#: Pieces of Markdown, ordinary and hostile, from which random notes are built.
PIECES = [
    "*em*", "**strong**", "_u_", "`code`", "``", "`", "```", "~~~", "```py", "# ", "## x", "#tag", "^abc",
    " ^id-1", "---", "===", "***", "- ", "* ", "+ ", "1. ", "2) ", "> ", ">", "<", "<div>", "</div>", "<!--",
    "-->", "[", "]", "[[", "]]", "[x]: /u", "(", ")", "\\", "\n", "\n\n", "    ", "\t", " ", "%%", "$$", "$",
    "|", "&amp;", "&#35;", "==", "~~", "word", "\u2028", "\r", "\x00",
]
markdown_notes = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=25).map("".join)


@pytest.mark.parametrize("note", ["\x1f------", "---\x1f", "\xa0---", "- \x1c***", "  ___\u3000", "\x0c==="])
def test_a_rule_beside_white_space_commonmark_does_not_count_is_still_no_rule(note):
    """CommonMark counts only spaces and tabs around a rule; a reader that strips a line first counts more."""
    check_export(note)
    check_container(note)


@settings(max_examples=300, deadline=None)
@given(markdown_notes)
def test_random_markdown_cannot_break_an_export(note):
    check_export(note)
    check_container(note)


#: Markdown that has no structure to neutralise: sanitising it changes nothing.
words = st.text(alphabet="abcdefghij ", min_size=1, max_size=12).map(str.strip).filter(bool)
inline_pieces = st.one_of(
    words,
    words.map(lambda w: f"*{w}*"),
    words.map(lambda w: f"**{w}**"),
    words.map(lambda w: f"`{w} # <b>`"),
    words.map(lambda w: f"[{w}](https://example.org/{w.replace(' ', '-')})"),
    words.map(lambda w: f"[[{w}]]"),
)
inline_lines = st.lists(inline_pieces, min_size=1, max_size=5).map(" ".join)
safe_blocks = st.one_of(
    inline_lines,
    st.lists(inline_lines, min_size=1, max_size=4).map(lambda items: "\n".join(f"- {i}" for i in items)),
    st.lists(inline_lines, min_size=1, max_size=4).map(lambda items: "\n".join(f"{n}. {i}" for n, i in enumerate(items, 1))),
    st.lists(st.sampled_from(["# comment", "<b>x</b>", "^id", "$x$", "---", "%% y %%", "plain"]), max_size=4).map(
        lambda lines: "```\n" + "\n".join(lines) + "\n```"
    ),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(safe_blocks, min_size=1, max_size=5).map("\n\n".join))
def test_markdown_with_nothing_structural_is_kept_as_written(note):
    assert note_markdown(note) == note


@settings(max_examples=200, deadline=None)
@given(markdown_notes, words)
def test_emphasis_renders_as_emphasis_after_anything(before, word):
    # Whatever comes first (unless it opens a code block, which would hold the rest
    # in the user's own Markdown too), the emphasis still renders as emphasis.
    if re.search(r"(^|[\n\r\u2028\u2029\x85])(```|~~~)", before):
        return
    note = f"{before}\n\nWe must act *{word}* now."
    md = render_markdown([DocumentNotes(make_document(), (), (make_annotation(note=note),))])
    assert f"<p>We must act <em>{word}</em> now.</p>" in html(split_front_matter(md)[1])
