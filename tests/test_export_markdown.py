"""Markdown export: layout, ordering, grouping, front matter and determinism.

Exports are checked the way a reader sees them: the body is rendered with a
CommonMark renderer and the resulting HTML is walked, so the tests speak of
headings, blockquotes and paragraphs rather than of exact Markdown bytes.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from annotations.export.markdown import (
    DocumentNotes,
    LinkView,
    escape_block,
    escape_inline,
    obsidian_tag,
    render_markdown,
    wikilink,
)
from annotations.model import Annotation, Document, Section, Tag, TagKind

# --------------------------------------------------------------------------
# Reading an export back
# --------------------------------------------------------------------------

BR = object()  # a <br> inside a node's children

ALLOWED_TAGS = {"h1", "p", "blockquote", "em", "br"}
#: What a note's own Markdown may add.
NOTE_TAGS = {"p", "em", "strong", "code", "pre", "ul", "ol", "li", "a", "img", "br"}


class Node:
    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.children: list[object] = []

    @property
    def elements(self) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node)]

    def text(self) -> str:
        parts = []
        for child in self.children:
            if child is BR:
                parts.append("\n")
            elif isinstance(child, Node):
                parts.append(child.text())
            else:
                parts.append(child)
        return "".join(parts)

    def lines(self) -> list[str]:
        """Text split at <br> (and only there), so text holding a newline stays whole."""
        out = [""]
        for child in self.children:
            if child is BR:
                out.append("")
            elif isinstance(child, Node):
                out[-1] += child.text()
            else:
                out[-1] += child
        return out


class TreeBuilder(HTMLParser):
    """Just enough of an HTML tree to compare text, with every tag and raw bit recorded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]
        self.tags: list[str] = []
        self.raw: list[str] = []
        self.after_br = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if attrs:
            self.raw.append(f"attributes on <{tag}>")
        if tag == "br":
            self.stack[-1].children.append(BR)
            self.after_br = True
            return
        node = Node(tag)
        self.stack[-1].children.append(node)
        self.stack.append(node)
        self.after_br = False

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag != "br":
            self.stack.pop()

    def handle_endtag(self, tag):
        self.after_br = False
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return
        self.raw.append(f"stray </{tag}>")

    def handle_data(self, data):
        if self.after_br and data.startswith("\n"):
            data = data[1:]  # the renderer's own newline after <br />
        self.after_br = False
        if data:
            self.stack[-1].children.append(data)

    def handle_comment(self, data):
        self.raw.append("comment")

    def handle_decl(self, decl):
        self.raw.append("declaration")

    def handle_pi(self, data):
        self.raw.append("processing instruction")

    def unknown_decl(self, data):
        self.raw.append("unknown declaration")


_MD = MarkdownIt("commonmark")


def split_front_matter(markdown: str) -> tuple[list[str], str]:
    lines = markdown.split("\n")
    assert lines[0] == "---", "an export starts with front matter"
    end = lines.index("---", 1)
    return lines[1:end], "\n".join(lines[end + 1 :])


def parse_front_matter(markdown: str) -> dict[str, object]:
    """A deliberately tiny reader: ``key: value``, ``key:`` + list items, one nested mapping."""
    lines, _ = split_front_matter(markdown)
    data: dict[str, object] = {}
    key = sub = None
    for line in lines:
        if m := re.fullmatch(r"([a-z_]+): (.+)", line):
            data[m[1]] = json.loads(m[2])
            key = None
        elif m := re.fullmatch(r"([a-z_]+):", line):
            key, sub = m[1], None
            data[key] = None
        elif (m := re.fullmatch(r"  - (.+)", line)) and key:
            if data[key] is None:
                data[key] = []
            data[key].append(json.loads(m[1]))
        elif (m := re.fullmatch(r'  (".*"):', line)) and key:
            if data[key] is None:
                data[key] = {}
            sub = json.loads(m[1])
            data[key][sub] = []
        elif (m := re.fullmatch(r'  (".*"): \[\]', line)) and key:
            if data[key] is None:
                data[key] = {}
            data[key][json.loads(m[1])] = []
        elif (m := re.fullmatch(r"    - (.+)", line)) and key and sub is not None:
            data[key][sub].append(json.loads(m[1]))
        else:
            raise AssertionError(f"front matter line not understood: {line!r}")
    return data


def render_body(markdown: str) -> TreeBuilder:
    """Render the export (front matter set aside, as Obsidian does) and read the HTML."""
    _, body = split_front_matter(markdown)
    builder = TreeBuilder()
    builder.feed(_MD.render(body))
    builder.close()
    return builder


def top_level(builder: TreeBuilder) -> list[Node]:
    for child in builder.root.children:
        if not isinstance(child, Node):
            assert child.strip("\n") == "", f"text outside any block: {child!r}"
    return builder.root.elements


def assert_clean(builder: TreeBuilder, *, note: bool = False) -> None:
    """No raw HTML, and no element but the export's own (and, with *note*, a note's formatting)."""
    # Markdown gives a link its address, an image its source, a list its start and code its language.
    markdown_attributes = {f"attributes on <{tag}>" for tag in ("a", "img", "ol", "code")} if note else set()
    raw = [r for r in builder.raw if r not in markdown_attributes]
    assert not raw, raw
    unexpected = set(builder.tags) - ALLOWED_TAGS - (NOTE_TAGS if note else set())
    assert not unexpected, f"unexpected elements: {sorted(unexpected)}"


# --------------------------------------------------------------------------
# Building notes
# --------------------------------------------------------------------------

STAMP = "2026-11-23T10:00:00Z"


def make_document(doc_id="d1", title="The Secret Agent", **fields) -> Document:
    values = dict(
        id=doc_id,
        title=title,
        source_path=f"/library/{doc_id}.txt",
        version_id=f"{doc_id}-v1",
        version=1,
        format="txt",
        sha256="0" * 64,
        imported_at=STAMP,
        length=100_000,
    )
    values.update(fields)
    return Document(**values)


def make_annotation(ann_id="a1b2c3d4e5f6", start=10, end=20, *, doc_id="d1", **fields) -> Annotation:
    values = dict(
        id=ann_id,
        document_id=doc_id,
        version_id=f"{doc_id}-v1",
        start=start,
        end=end,
        exact="a quoted passage",
        prefix="",
        suffix="",
        note="",
        author="alice",
        created=STAMP,
        updated=STAMP,
    )
    values.update(fields)
    return Annotation(**values)


def topic(name, tag_id=None) -> Tag:
    return Tag(tag_id or f"topic:{name}", name, TagKind.TOPIC, "yellow")


def entity(name, kind="Organization", tag_id=None) -> Tag:
    return Tag(tag_id or f"entity:{kind}:{name}", name, TagKind.ENTITY, "blue", entity_type=kind)


# --------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------


def test_document_layout_shows_quote_location_tags_note_byline_and_links():
    ann = make_annotation(
        exact="I said:\nthe letter\n\nwas burnt.",
        note="Compare with chapter 1.\nSee the stove.",
        tags=(topic("Theme/Secrecy"), entity("CNPC")),
        start=1200,
        end=1264,
    )
    sections = (Section(0, 5000, 1, "Chapter 3"), Section(1000, 1500, 2, "The Letter"))
    links = {
        ann.id: (
            LinkView("quotes", True, "Other doc", "what was quoted"),
            LinkView("quotes", False, "Third doc", "quoting it", note="an echo"),
        )
    }
    md = render_markdown([DocumentNotes(make_document(), sections, (ann,), links)])
    builder = render_body(md)
    assert_clean(builder)
    blocks = top_level(builder)
    assert [b.tag for b in blocks] == ["h1", "p", "blockquote", "p", "p", "p", "p"]
    h1, about, quote, block_id, where, note, byline = blocks
    assert h1.text() == "The Secret Agent"
    assert about.text() == "/library/d1.txt · version 1 · txt"
    assert quote.elements[0].text() == ann.exact
    assert block_id.text() == "^a1b2c3d4"
    assert where.lines() == [
        "Chapter 3 › The Letter · chars 1200–1264",
        "#Theme/Secrecy [[CNPC]] (#Organization)",
    ]
    assert note.text() == ann.note
    # Neither other passage is in this export: their documents are named, not linked.
    assert byline.lines() == [
        "— alice, 2026-11-23",
        "→ quotes Other doc › “what was quoted”",
        "← quoted by Third doc › “quoting it” — an echo",
    ]


def test_block_id_is_its_own_block_right_after_the_quote():
    ann = make_annotation(ann_id="0123abcd-ffff-4444")
    md = render_markdown([DocumentNotes(make_document(), (), (ann,))])
    assert "> a quoted passage\n\n^0123abcd\n\n" in md


def test_location_shows_innermost_enclosing_section_and_its_ancestors():
    sections = (
        Section(0, 1000, 1, "Part One"),
        Section(0, 400, 2, "Opening"),
        Section(400, 1000, 2, "The Letter"),
        Section(450, 500, 3, "A Postscript"),
        Section(1000, 2000, 1, "Part Two"),
    )
    anns = (
        make_annotation("aaaaaaaa1", 420, 430),
        make_annotation("aaaaaaaa2", 460, 470),
        make_annotation("aaaaaaaa3", 10, 20),
        make_annotation("aaaaaaaa4", 1500, 1510),
        make_annotation("aaaaaaaa5", 3000, 3010),
    )
    md = render_markdown([DocumentNotes(make_document(), sections, anns)])
    locations = [
        b.lines()[0] for b in top_level(render_body(md)) if b.tag == "p" and "chars " in b.text()
    ]
    assert locations == [
        "Part One › Opening · chars 10–20",
        "Part One › The Letter · chars 420–430",
        "Part One › The Letter › A Postscript · chars 460–470",
        "Part Two · chars 1500–1510",
        "chars 3000–3010",
    ]


def test_page_sections_read_as_pages():
    md = render_markdown(
        [DocumentNotes(make_document(), (Section(0, 900, 1, "p. 12"),), (make_annotation(),))]
    )
    assert "*p. 12 · chars 10–20*" in md


def test_annotations_follow_reading_order_and_documents_follow_title():
    doc_b = make_document("d2", "Beta")
    doc_a = make_document("d1", "alpha")
    anns_b = (make_annotation("b2", 50, 60, doc_id="d2", exact="second"),
              make_annotation("b1", 5, 9, doc_id="d2", exact="first"))
    anns_a = (make_annotation("a1", 1, 2, exact="only"),)
    md = render_markdown([DocumentNotes(doc_b, (), anns_b), DocumentNotes(doc_a, (), anns_a)])
    blocks = top_level(render_body(md))
    assert [b.text() for b in blocks if b.tag == "h1"] == ["alpha", "Beta"]
    assert [b.elements[0].text() for b in blocks if b.tag == "blockquote"] == ["only", "first", "second"]
    fm = parse_front_matter(md)
    assert fm["title"] == "Reading notes"
    assert fm["documents"] == ["alpha", "Beta"]


def test_heading_count_equals_document_count():
    notes = [
        DocumentNotes(make_document(f"d{i}", f"Doc {i}"), (), (make_annotation(f"x{i}", doc_id=f"d{i}"),))
        for i in range(5)
    ]
    notes.append(DocumentNotes(make_document("d9", "# Not a second heading\n# really"), (), ()))
    builder = render_body(render_markdown(notes))
    assert_clean(builder)
    assert builder.tags.count("h1") == 6


def test_document_without_annotations_says_so():
    md = render_markdown([DocumentNotes(make_document(), (), ())])
    blocks = top_level(render_body(md))
    assert [b.tag for b in blocks] == ["h1", "p", "p"]
    assert blocks[-1].text() == "No annotations."


@pytest.mark.parametrize("group_by", ["document", "tag"])
def test_empty_export_has_valid_front_matter_and_says_so(group_by):
    md = render_markdown([], group_by=group_by)
    fm = parse_front_matter(md)
    assert fm == {
        "title": "Reading notes",
        "documents": [],
        "annotation_count": 0,
        "tag_count": 0,
        "authors": [],
        "updated": None,
    }
    builder = render_body(md)
    assert_clean(builder)
    assert [b.text() for b in top_level(builder)] == ["No annotations."]


def test_tag_mode_empty_with_documents_says_so():
    md = render_markdown([DocumentNotes(make_document(), (), ())], group_by="tag")
    assert [b.text() for b in top_level(render_body(md))] == ["No annotations."]
    assert parse_front_matter(md)["title"] == "The Secret Agent"


def test_deleted_annotations_and_tags_are_left_out():
    gone = make_annotation("gone0000", exact="deleted one", deleted=True)
    kept = make_annotation("kept0000", tags=(replace(topic("Old"), deleted=True), topic("New")))
    md = render_markdown([DocumentNotes(make_document(), (), (gone, kept))])
    assert "deleted one" not in md
    assert "#Old" not in md and "#New" in md
    fm = parse_front_matter(md)
    assert fm["annotation_count"] == 1 and fm["tag_count"] == 1


# --------------------------------------------------------------------------
# Grouping by tag
# --------------------------------------------------------------------------


def test_group_by_tag_puts_a_two_tag_annotation_under_both():
    both = make_annotation("both0000", 10, 20, exact="in both", tags=(topic("Theme/Secrecy"), entity("CNPC")))
    one = make_annotation("one00000", 30, 40, exact="in one", tags=(topic("Theme/Secrecy"),))
    none = make_annotation("none0000", 50, 60, exact="in none")
    later = make_annotation("later000", 5, 6, doc_id="d2", exact="other doc", tags=(topic("Art"),))
    notes = [
        DocumentNotes(make_document(), (Section(0, 100, 1, "Ch 1"),), (none, one, both)),
        DocumentNotes(make_document("d2", "Zed"), (), (later,)),
    ]
    md = render_markdown(notes, group_by="tag")
    builder = render_body(md)
    assert_clean(builder)
    groups: dict[str, list[str]] = {}
    current = None
    for block in top_level(builder):
        if block.tag == "h1":
            current = block.text()
            groups[current] = []
        elif block.tag == "blockquote":
            groups[current].append(block.elements[0].text())
    assert list(groups) == ["Art", "Theme/Secrecy", "Organization: CNPC", "Untagged"]
    assert groups == {
        "Art": ["other doc"],
        "Theme/Secrecy": ["in both", "in one"],
        "Organization: CNPC": ["in both"],
        "Untagged": ["in none"],
    }
    assert "*The Secret Agent › Ch 1 · chars 10–20*" in md
    assert "*Zed · chars 5–6*" in md
    # Block ids stay unique although one annotation appears twice.
    ids = re.findall(r"^\^(\S+)$", md, flags=re.M)
    assert len(ids) == len(set(ids)) == 5
    assert "both0000" in ids
    assert parse_front_matter(md)["annotation_count"] == 4


def test_tag_order_topics_by_path_then_entities_by_type_and_name():
    tags = (
        entity("Zeta", "Person"),
        entity("Alpha", "Place"),
        entity("Beta", "Person"),
        topic("b/c"),
        topic("B"),
        topic("a"),
    )
    md = render_markdown(
        [DocumentNotes(make_document(), (), (make_annotation(tags=tags),))], group_by="tag"
    )
    headings = [b.text() for b in top_level(render_body(md)) if b.tag == "h1"]
    assert headings == ["a", "B", "b/c", "Person: Beta", "Person: Zeta", "Place: Alpha"]


# --------------------------------------------------------------------------
# Determinism and front matter
# --------------------------------------------------------------------------


def _library(seed: int) -> list[DocumentNotes]:
    rng = random.Random(seed)
    tags = [topic("Theme/Secrecy"), topic("Theme/Exile"), entity("CNPC"), entity("Ada", "Person")]
    notes = []
    for d in range(3):
        anns = []
        for i in range(30):
            start = rng.randrange(0, 5000)
            anns.append(
                make_annotation(
                    f"{d}{i:03d}" + "f" * 8,
                    start,
                    start + rng.randrange(0, 50),
                    doc_id=f"d{d}",
                    exact=f"passage {d}/{i}",
                    note=rng.choice(["", "a note", "two\nlines", "*urgently* `code`\n\n- one\n- two", "# not a heading ^x"]),
                    author=rng.choice(["alice", "bob"]),
                    created=f"2026-11-{rng.randrange(1, 29):02d}T10:00:00Z",
                    updated=f"2026-12-{rng.randrange(1, 29):02d}T10:00:00Z",
                    tags=tuple(rng.sample(tags, rng.randrange(0, 3))),
                )
            )
        # Two annotations on the very same span, told apart by creation then id.
        anns.append(make_annotation(f"{d}zz", 7, 9, doc_id=f"d{d}", created="2026-11-02T00:00:00Z"))
        anns.append(make_annotation(f"{d}yy", 7, 9, doc_id=f"d{d}", created="2026-11-02T00:00:00Z"))
        nxt = (d + 1) % 3
        links = {
            anns[0].id: (LinkView("see-also", True, "X", "y"), LinkView("contradicts", False, "A", "b")),
            # To passages in this export: in this document and in the next one.
            anns[1].id: (
                LinkView("quotes", True, f"Doc {d}", anns[2].exact, other_id=anns[2].id),
                LinkView("see-also", False, f"Doc {nxt}", f'"passage {nxt}/0"', other_id=f"{nxt}000" + "f" * 8),
            ),
        }
        sections = (Section(0, 2500, 1, "First half"), Section(2500, 5100, 1, "Second half"))
        # One document is plain text, whose locations give line numbers.
        text = "".join(f"line {n:03d} of the text\n" for n in range(250)) if d == 0 else ""
        document = make_document(f"d{d}", f"Doc {d}", format="text" if d == 0 else "txt")
        notes.append(DocumentNotes(document, sections, tuple(anns), links, text=text))
    return notes


def _shuffled(notes: list[DocumentNotes], seed: int) -> list[DocumentNotes]:
    rng = random.Random(seed)
    out = []
    for item in notes:
        anns = list(item.annotations)
        rng.shuffle(anns)
        links = {k: tuple(rng.sample(v, len(v))) for k, v in item.links.items()}
        out.append(replace(item, annotations=tuple(anns), links=links))
    rng.shuffle(out)
    return out


@pytest.mark.parametrize("group_by", ["document", "tag"])
def test_rendering_is_deterministic_whatever_the_input_order(group_by):
    notes = _library(1)
    first = render_markdown(notes, group_by=group_by)
    assert render_markdown(notes, group_by=group_by) == first
    for seed in range(3):
        assert render_markdown(_shuffled(notes, seed), group_by=group_by) == first


def test_front_matter_fields():
    notes = _library(2)
    md = render_markdown(notes, filters={"tag": ["Theme/Secrecy", 'quote "me"'], "author": ["alice"]})
    fm = parse_front_matter(md)
    anns = [a for n in notes for a in n.annotations]
    assert fm["title"] == "Reading notes"
    assert fm["documents"] == ["Doc 0", "Doc 1", "Doc 2"]
    assert fm["annotation_count"] == len(anns)
    assert fm["tag_count"] == len({t.id for a in anns for t in a.tags})
    assert fm["authors"] == ["alice", "bob"]
    assert fm["updated"] == max(a.updated for a in anns)
    assert fm["filters"] == {"author": ["alice"], "tag": ["Theme/Secrecy", 'quote "me"']}


def test_front_matter_survives_any_title():
    title = 'He said "no": ---\n# x\t\\ \x00 \x1b \u2028 \ufeff — ok'
    md = render_markdown([DocumentNotes(make_document(title=title), (), (make_annotation(author=title),))])
    fm = parse_front_matter(md)
    assert fm["title"] == title
    assert fm["documents"] == [title]
    assert fm["authors"] == [title]
    front, _ = split_front_matter(md)
    assert "---" not in [line.strip() for line in front]


def test_single_document_title_is_the_export_title():
    md = render_markdown([DocumentNotes(make_document(title="Heart of Darkness"), (), ())])
    assert parse_front_matter(md)["title"] == "Heart of Darkness"


def test_unknown_grouping_is_refused():
    with pytest.raises(ValueError):
        render_markdown([], group_by="author")  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# Obsidian tags, wikilinks and links
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "tag"),
    [
        ("Theme/Secrecy", "#Theme/Secrecy"),
        ("Secret Police", "#Secret-Police"),
        ("Theme / Secret  Police!", "#Theme/Secret-Police"),
        ("1984", "#_1984"),
        ("19/84", "#_19/84"),
        ("1984a", "#1984a"),
        ("snake_case", "#snake_case"),
        ("_private_", "#private"),
        ("Naïve café", "#Naïve-café"),
        ("Nai\u0308ve", "#Naïve"),
        ("東京/渋谷", "#東京/渋谷"),
        ("a#b[c]|d*e", "#a-b-c-d-e"),
        ("???", "#untitled"),
        ("", "#untitled"),
    ],
)
def test_obsidian_tags(name, tag):
    assert obsidian_tag(name) == tag


@pytest.mark.parametrize(
    ("name", "link"),
    [
        ("CNPC", "[[CNPC]]"),
        ("AT&T", "[[AT&T]]"),
        ("a]]b", "[[a b]]"),
        ("x|y", "[[x y]]"),
        ("C#", "[[C]]"),
        ("Part 1: The *Beginning*", "[[Part 1 The Beginning]]"),
        ("  spaced\n out  ", "[[spaced out]]"),
        ("&amp;", "[[amp;]]"),
        ("snake_case _x_", "[[snake_case x]]"),
        ("///", "[[Untitled]]"),
    ],
)
def test_wikilinks(name, link):
    assert wikilink(name) == link


def test_links_are_listed_outgoing_first_with_quotes_cut_at_a_word():
    long = "word " * 40 + "antidisestablishmentarianism " * 3
    ann = make_annotation()
    links = {
        ann.id: (
            LinkView("contradicts", False, "B", "short"),
            LinkView("my-relation", False, "C", "x"),
            LinkView("see-also", True, "A", long, note="multi\nline *note*"),
        )
    }
    md = render_markdown([DocumentNotes(make_document(), (), (ann,), links)])
    byline = top_level(render_body(md))[-1]
    lines = byline.lines()
    assert lines[0] == "— alice, 2026-11-23"
    assert lines[1].startswith("→ see also A › “word word")
    assert lines[1].endswith(" word…” — multi\nline *note*")
    shown = lines[1].split("“")[1].split("”")[0]
    assert 150 < len(shown) <= 201
    assert lines[2:] == ["← contradicted by B › “short”", "← my-relation from C › “x”"]


def test_edited_annotations_show_both_dates():
    ann = make_annotation(created="2026-11-23T10:00:00Z", updated="2026-12-01T09:00:00Z")
    md = render_markdown([DocumentNotes(make_document(), (), (ann,))])
    assert "— alice, 2026-11-23 (edited 2026-12-01)" in md


# --------------------------------------------------------------------------
# The escaping helpers on their own
# --------------------------------------------------------------------------


def _inline_text(markdown: str) -> str:
    builder = TreeBuilder()
    builder.feed(_MD.render(markdown))
    assert_clean(builder)
    (para,) = top_level(builder)
    assert para.tag == "p"
    return para.text()


@pytest.mark.parametrize(
    "text",
    ["# x", "- x", "1. x", "  lead", "trail  ", "*a* _b_ `c`", "a\nb", "<b>", "&amp;", "x\\", "==x== %%y%%"],
)
def test_escape_inline_renders_exactly(text):
    rendered = _inline_text("x " + escape_inline(text, at_line_start=False))
    assert rendered == "x " + text
    assert _inline_text(escape_inline(text)) == text


def test_escape_inline_leaves_plain_text_alone():
    assert escape_inline("Plain words, commas; quotes 'x' and \"y\" (z)!") == (
        "Plain words, commas; quotes 'x' and \"y\" (z)!"
    )
    assert escape_inline("snake_case AT&T 50% a=b a > b") == "snake_case AT&T 50% a=b a > b"


def test_escape_block_keeps_every_line_break():
    text = "one\n\ntwo  \n   three\n\n"
    assert _inline_text(escape_block(text)) == text
    assert escape_block("") == ""
