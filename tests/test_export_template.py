"""Markdown templates: the built-in one is the built-in layout byte for byte; any template escapes by default."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from markdown_it import MarkdownIt

from annotations.errors import MarginError
from annotations.export.markdown import DocumentNotes, LinkView, render_markdown
from annotations.export.template import default_template, render_template, template_context
from annotations.model import Section
from tests.test_export_markdown import _library, entity, make_annotation, make_document, topic
from tests.test_export_markdown_escaping import NASTY, _notes

GROUPINGS = ["document", "tag"]
FILTERS = [None, {"tags": ["Theme", "Person: Ada"], "authors": ["alice"], "documents": []}]


def same_as_built_in(notes, group_by, filters=None) -> None:
    expected = render_markdown(notes, group_by=group_by, filters=filters)
    assert render_template(default_template(), notes, group_by=group_by, filters=filters) == expected


@pytest.mark.parametrize("group_by", GROUPINGS)
@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_default_template_is_the_built_in_layout(seed, group_by, filters):
    same_as_built_in(_library(seed), group_by, filters)


@pytest.mark.parametrize("group_by", GROUPINGS)
def test_default_template_marks_orphaned_and_approximate_passages_like_the_built_in_layout(group_by):
    notes = []
    for item in _library(4):
        anns = list(item.annotations)
        anns[0] = replace(anns[0], anchor_state="orphaned")
        anns[1] = replace(anns[1], anchor_state="fuzzy", anchor_score=0.8712, needs_review=True)
        anns[2] = replace(anns[2], anchor_state="fuzzy", anchor_score=0.5)
        anns[3] = replace(anns[3], anchor_state="moved", needs_review=True)
        notes.append(replace(item, annotations=tuple(anns)))
    built_in = render_markdown(notes, group_by=group_by)
    assert "not found in version" in built_in and "found approximately" in built_in
    same_as_built_in(notes, group_by)


@pytest.mark.parametrize("group_by", GROUPINGS)
def test_default_template_on_an_empty_export_and_a_document_without_notes(group_by):
    same_as_built_in([], group_by)
    same_as_built_in([DocumentNotes(make_document())], group_by)


@pytest.mark.parametrize("group_by", GROUPINGS)
@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
def test_default_template_escapes_exactly_like_the_built_in_layout(text, group_by):
    # Each string is at once title, section, path, quote, note, author, tag, entity, relation and link note.
    same_as_built_in(_notes(text), group_by, {"tags": [text]})


def test_default_template_on_the_big_list_of_naughty_strings(shared):
    strings = json.loads((shared / "corpus" / "unicode" / "blns.json").read_text(encoding="utf-8"))
    for text in strings:
        for group_by in GROUPINGS:
            same_as_built_in(_notes(text), group_by)


def test_default_template_ships_with_the_package():
    text = default_template()
    assert "{% macro entry" in text and "md_block" in text


# --------------------------------------------------------------------------
# Templates of one's own
# --------------------------------------------------------------------------


def _notes_with_everything() -> list[DocumentNotes]:
    ann = make_annotation(
        "a1b2c3d4e5f6", 12, 30, exact="the letter\nwas burnt", note="# Not a heading\n- not a list <b>no</b>",
        author="alice", tags=(topic("Theme/Secrecy"), entity("Ada Lovelace", "Person")),
        created="2026-11-01T10:00:00Z", updated="2026-11-05T09:00:00Z",
    )
    links = {ann.id: (LinkView("contradicts", False, "Other", "what was said", note="why"),)}
    document = make_document(title="The Secret Agent")
    return [DocumentNotes(document, (Section(0, 100, 1, "Chapter 1"),), (ann,), links)]


def test_a_template_of_ones_own_sees_every_documented_variable():
    template = (
        "{{ title }} ({{ annotation_count }} notes, {{ tag_count }} tags) by {{ authors | join(', ') }}\n"
        "{% for d in documents %}{% for a in d.annotations %}"
        "- {{ a.section }} {{ a.start }}-{{ a.end }} [{{ a.block_id }}] {{ a.author }} {{ a.created | date }}"
        " edited={{ a.edited }} state={{ a.anchor_state }}\n"
        "  topics: {% for t in a.topics %}{{ t.name | tag }}{% endfor %};"
        " entities: {% for t in a.entities %}{{ t.label }} {{ t.name | wikilink }}{% endfor +%}\n"
        "{% for link in a.links %}  {{ link.arrow }} {{ link.phrase }} {{ link.document }}: {{ link.short_quote }}\n"
        "{% endfor %}{% endfor %}{% endfor %}"
    )
    out = render_template(template, _notes_with_everything())
    assert out == (
        "The Secret Agent (1 notes, 2 tags) by alice\n"
        "- Chapter 1 12-30 [a1b2c3d4] alice 2026-11-01 edited=True state=exact\n"
        "  topics: #Theme/Secrecy; entities: Person: Ada Lovelace [[Ada Lovelace]]\n"
        "  ← contradicted by Other: what was said\n"
    )


def _blocks(markdown: str) -> list[str]:
    return [token.type for token in MarkdownIt("commonmark").parse(markdown) if token.nesting >= 0 and token.level == 0]


def test_whatever_a_template_prints_is_escaped_unless_it_says_raw():
    ann = _notes_with_everything()[0].annotations[0]
    escaped = render_template("{% for a in annotations %}{{ a.note }}{% endfor %}", _notes_with_everything())
    assert _blocks(escaped) == ["paragraph_open"]  # one paragraph: no heading, list or HTML
    tokens = MarkdownIt("commonmark").parseInline(escaped.strip())[0].children
    assert all(t.type in ("text", "softbreak") for t in tokens)
    assert "".join(t.content for t in tokens) == ann.note
    raw = render_template("{% for a in annotations %}{{ a.note | raw }}{% endfor %}", _notes_with_everything())
    assert _blocks(raw)[0] == "heading_open"  # the same text, unescaped, is structure


def test_md_block_keeps_line_breaks_inside_one_blockquote():
    out = render_template('{% for a in annotations %}{{ a.quote | md_block(prefix="> ") }}{% endfor %}',
                          _notes_with_everything())
    assert out == "> the letter\\\n> was burnt\n"


@pytest.mark.parametrize("template, message", [
    ("{% for a in annotations %}", "mine.md.j2, line 1"),
    ("ok\n{{ annotations.nope }}", "mine.md.j2, line 2"),
    ("{{ no_such_variable }}", "no_such_variable"),
    ("{{ annotations.__class__.__mro__ }}", "mine.md.j2"),
    ("{{ ''.__class__.__subclasses__() }}", "unsafe"),
])
def test_a_broken_or_unsafe_template_is_one_clear_error(template, message):
    with pytest.raises(MarginError) as caught:
        render_template(template, _notes_with_everything(), name="mine.md.j2")
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_context_groups_put_an_annotation_under_each_of_its_tags_with_unique_block_ids():
    context = template_context(_notes_with_everything(), group_by="tag")
    groups = context["groups"]
    assert [g.label for g in groups] == ["Theme/Secrecy", "Person: Ada Lovelace"]
    assert [a.block_id for g in groups for a in g.annotations] == ["a1b2c3d4", "a1b2c3d4-2"]
