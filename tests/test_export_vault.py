"""Markdown for a vault: links reach the passage's own block, in this file or in the other note.

The exports are made the way a user makes them (``margin export`` and
``--split`` on the bundled samples) and read as Obsidian would: every
``[[note#^block|label]]`` must name a note that was written and a block id that
note holds, right under the quote of the passage linked to.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt

from annotations.export.gather import split_notes
from annotations.export.markdown import DocumentNotes, LinkView, render_markdown
from annotations.export.notes import link_quote
from annotations.export.template import default_template, render_template, template_context
from annotations.model import Section
from tests.test_cli import run, samples  # noqa: F401  (fixtures)
from tests.test_export_markdown import make_annotation, make_document, split_front_matter

WIKILINK = re.compile(r"\[\[([^\[\]|#^]*)#\^([A-Za-z0-9-]+)\|([^\[\]]*)\]\]")
MARKDOWN_LINK = re.compile(r"\[(?:[^\]\\]|\\.)*\]\(([^)#]*)#\^([A-Za-z0-9-]+)\)")


def blocks(markdown: str) -> dict[str, str]:
    """Block id → the quote (as written) just above it, for every ``^id`` line margin wrote."""
    lines = markdown.split("\n")
    found = {}
    for index, line in enumerate(lines):
        if re.fullmatch(r"\^[A-Za-z0-9-]+", line):
            quote = []
            back = index - 2
            while back >= 0 and lines[back].startswith(">"):
                quote.insert(0, lines[back].lstrip("> ").rstrip("\\"))
                back -= 1
            found[line[1:]] = " ".join(quote)
    return found


def links(markdown: str) -> list[tuple[str, str]]:
    """(note, block id) for every link to a block, note ``""`` for this file."""
    out = [(m[1], m[2]) for m in WIKILINK.finditer(markdown)]
    out += [(unquote(m[1])[: -len(".md")], m[2]) for m in MARKDOWN_LINK.finditer(markdown)]
    return out


def link_some_passages(run) -> tuple[str, str, str]:
    """A link from the article to the notice, and one inside the notice."""
    article = run("annotate", "Harbour Bridge", "--quote", "is not expected to reopen before May").output.strip()
    notice = run("annotate", "Notice", "--quote", "from 10 March until 28 April", "--note", "We must act *urgently*.").output.strip()
    again = run("annotate", "Notice", "--quote", "The closure is a precaution.").output.strip()
    run("link", article[:8], notice[:8], "--relation", "contradicts")
    run("link", again[:8], notice[:8], "--relation", "see-also")
    return article, notice, again


def test_a_single_file_export_links_within_itself(run, samples, tmp_path):  # noqa: F811
    _, notice, _ = link_some_passages(run)
    out = tmp_path / "notes.md"
    run("export", "-o", str(out))
    text = out.read_text(encoding="utf-8")
    here = blocks(text)
    found = links(text)
    assert len(found) == 4  # two links, each seen from both ends
    for note, block_id in found:
        assert note == "", "a single file links only within itself"
        assert block_id in here
    assert f"→ contradicts [[#^{notice[:8]}|Notice of Temporary Closure Eastquay Harbour Footbridge]]" in text
    assert here[notice[:8]] == "from 10 March until 28 April"
    # No link names a note the file does not hold.
    assert not re.search(r"\[\[(?!#\^)[^\]]*\]\](?! \(#)", text.replace("[[Mara Ilves]]", ""))


def test_a_split_export_links_to_the_block_in_the_other_note(run, samples, tmp_path):  # noqa: F811
    article, notice, again = link_some_passages(run)
    folder = tmp_path / "vault"
    run("export", "--split", str(folder))
    notes = {path.stem: path.read_text(encoding="utf-8") for path in folder.glob("*.md")}
    assert len(notes) == 2
    seen = []
    for name, text in notes.items():
        for note, block_id in links(text):
            target = notes[note] if note else text
            assert block_id in blocks(target), f"{name} links to ^{block_id} in {note or 'itself'}, which it lacks"
            seen.append((name, note, block_id))
    article_note = next(n for n in notes if n.startswith("Harbour"))
    notice_note = next(n for n in notes if n.startswith("Notice"))
    assert (article_note, notice_note, notice[:8]) in seen  # across notes, by the other note's file name
    assert (notice_note, article_note, article[:8]) in seen
    assert (notice_note, "", notice[:8]) in seen and (notice_note, "", again[:8]) in seen  # within a note
    assert f"[[{notice_note}#^{notice[:8]}|" in notes[article_note]


def test_a_link_to_a_passage_the_export_leaves_out_names_its_document(run, samples):  # noqa: F811
    link_some_passages(run)
    text = run("export", "--doc", "Harbour Bridge").output
    assert "→ contradicts Notice of Temporary Closure: Eastquay Harbour Footbridge › “from 10 March until 28 April”" in text
    assert not links(text)


def test_a_note_that_cannot_be_a_wikilink_name_is_reached_by_a_markdown_link():
    a = make_annotation("aaaaaaaa1", exact="one")
    b = make_annotation("bbbbbbbb2", doc_id="d2", exact="two")
    notes = [
        DocumentNotes(make_document(title="C# in Depth [2nd ed.]"), (), (a,), {a.id: (LinkView("quotes", True, "Other", "two", other_id=b.id),)}),
        DocumentNotes(make_document("d2", "Other"), (), (b,), {b.id: (LinkView("quotes", False, "C# in Depth [2nd ed.]", "one", other_id=a.id),)}),
    ]
    first, second = (render_markdown([item]) for item in split_notes(notes))
    assert "→ quotes [[Other#^bbbbbbbb|Other]] › “two”" in first
    assert "← quoted by [C\\# in Depth \\[2nd ed.\\]](C%23%20in%20Depth%20%5B2nd%20ed.%5D.md#^aaaaaaaa) › “one”" in second
    assert links(second) == [("C# in Depth [2nd ed.]", "aaaaaaaa")]
    rendered = MarkdownIt("commonmark").render(split_front_matter(second)[1])
    assert '<a href="C%23%20in%20Depth%20%5B2nd%20ed.%5D.md#%5Eaaaaaaaa">C# in Depth [2nd ed.]</a>' in rendered


@pytest.mark.parametrize("group_by", ["document", "tag"])
def test_the_default_template_links_like_the_built_in_layout_in_a_split_export(group_by):
    a = make_annotation("aaaaaaaa1", exact="one", note="*urgently*")
    b = make_annotation("bbbbbbbb2", doc_id="d2", exact="two")
    notes = split_notes([
        DocumentNotes(make_document(), (), (a,), {a.id: (LinkView("quotes", True, "Zed", "two", other_id=b.id),)}),
        DocumentNotes(make_document("d2", "Zed"), (), (b,), {b.id: (LinkView("quotes", False, "The Secret Agent", "one", other_id=a.id),)}),
    ])
    for item in notes:
        expected = render_markdown([item], group_by=group_by)
        assert render_template(default_template(), [item], group_by=group_by) == expected
        assert "[[" in expected and "#^" in expected


@pytest.mark.parametrize(
    ("quote", "shown"),
    [
        ("a precaution", "“a precaution”"),
        ('"a precaution"', '"a precaution"'),
        ("“a precaution”", "“a precaution”"),
        ("«une précaution»", "«une précaution»"),
        ('"No," she said', '“"No," she said”'),
        ('"one" and "two"', '“"one" and "two"”'),
    ],
)
def test_a_quote_in_quotation_marks_is_not_quoted_twice(quote, shown):
    assert link_quote(quote) == shown
    ann = make_annotation()
    md = render_markdown([DocumentNotes(make_document(), (), (ann,), {ann.id: (LinkView("quotes", True, "B", quote),)})])
    assert f"→ quotes B › {shown}" in md


def test_a_long_quote_is_cut_at_a_word_and_keeps_its_closing_mark():
    words = "the bearings have reached the end of their service life and cannot be replaced " * 4
    assert link_quote(words).endswith("…”") and len(link_quote(words)) <= 203
    cut = link_quote(words)[1:-2]
    assert words.startswith(cut) and words[len(cut)] == " "
    assert link_quote(f'"{words.strip()}"').endswith('…"')


def test_a_plain_text_location_gives_its_heading_and_line(run, samples, tmp_path):  # noqa: F811
    notice, _ = samples
    run("annotate", "Notice", "--quote", "A free shuttle boat will run")
    run("annotate", "Notice", "--quote", "The works are budgeted at 1.4 million")
    text = run("export").output
    source = Path(notice).read_text(encoding="utf-8").split("\n")
    shuttle = next(n for n, line in enumerate(source, 1) if "A free shuttle boat" in line)
    budget = next(n for n, line in enumerate(source, 1) if "budgeted at 1.4 million" in line)
    locations = re.findall(r"^\*(.*?)\*$", text, flags=re.M)
    assert any(re.fullmatch(rf".* › Alternative routes · line {shuttle} · chars \d+–\d+", loc) for loc in locations), locations
    assert any(re.fullmatch(rf".* › Cost and funding · line {budget} · chars \d+–\d+", loc) for loc in locations), locations


def test_a_template_sees_the_block_link_and_the_location():
    a = make_annotation("aaaaaaaa1", 23, 40, exact="second line\nthird", note="*urgently*")
    b = make_annotation("bbbbbbbb2", 0, 5, exact="first")
    text = "first line of the text\nsecond line\nthird line\n"
    notes = [
        DocumentNotes(
            make_document(format="text"), (Section(0, 100, 1, "Chapter 1"),), (a, b),
            {a.id: (LinkView("see-also", True, "The Secret Agent", '"first"', other_id=b.id),)}, text=text,
        )
    ]
    out = render_template(
        "{% for a in annotations %}{{ a.heading }} | {{ a.line }}-{{ a.end_line }} | {{ a.location }} | {{ a.note_markdown }}\n"
        "{% for link in a.links %}  {{ link.target }} {{ link.block_id }} [{{ link.note_name }}] {{ link.quoted }}\n{% endfor %}"
        "{% endfor %}",
        notes,
    )
    assert out == (
        "Chapter 1 | 1-1 | Chapter 1 · line 1 · chars 0–5 | \n"
        + "Chapter 1 | 2-3 | Chapter 1 · lines 2–3 · chars 23–40 | *urgently*\n"
        + "  [[#^bbbbbbbb|The Secret Agent]] bbbbbbbb [] \"first\"\n"
    )
    context = template_context(notes)
    assert context["annotations"][0].note_markdown == ""
