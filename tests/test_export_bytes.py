"""The Markdown export of a varied library, byte for byte: a change to how exports are gathered or
rendered (made for speed, say) must not change a byte of what they write.

The expected files in ``tests/fixtures/export/`` were written by the code the
export had before its speed work; if the layout changes on purpose, write them
again (``python -m tests.test_export_bytes``) and read the difference.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from annotations.anchoring import anchor_fragments, anchor_quote
from annotations.export.gather import markdown_export, markdown_per_document
from annotations.model import Section
from annotations.store import Store, annotating, bulk, documents, linking, tagging

from .conftest import fixed_clock, loaded

EXPECTED = Path(__file__).parent / "fixtures" / "export"

TEXT = (
    "Chapter 1\n\n"
    "# Not a heading, *not* emphasis_here_ and [a link](x) <b>html</b> | pipes | and 50% %% comment.\n"
    "1. Not a list\n"
    "- not a bullet\n"
    "  > not a quote\n"
    "    indented line with trailing spaces   \n"
    "Plain words with an em dash \u2014 and \u201ccurly quotes\u201d and a vertical\x0btab.\n\n"
    "Chapter 2\n\n"
    "The remainder will be met from reserves. The bridge reopens in April.\n"
    "A line = another ==highlight==, a ~~strike~~, $maths$, ^block and &amp; entity.\n"
    "Snake_case_words, a_b, _lead and trail_ with [[wikilink]] and #tag.\n"
    "Last line without a newline"
)
OTHER = (
    "Notice\n\nThe bridge will close from 10 March until 28 April. "
    "The closure is a precaution. The bridge is safe.\n\nCosts\n\n"
    "The remainder will be met from reserves. The bridge reopens in April.\n"
)


def _sections(text: str, *titles: str) -> tuple[Section, ...]:
    starts = [text.index(t) for t in titles] + [len(text)]
    return tuple(Section(starts[i], starts[i + 1], 1, t) for i, t in enumerate(titles))


def _import(store: Store, text: str, title: str, *headings: str):
    import hashlib

    digest = hashlib.sha256(text.encode()).hexdigest()
    document = loaded(text, title, sections=_sections(text, *headings))
    return store.documents.import_loaded(f"/docs/{title}.txt", digest, document).document


def build(path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A library with something of every kind an export shows, with fixed ids and times."""
    counter = itertools.count(1)

    def next_id() -> str:
        n = next(counter)
        return f"{n * 7919 % 65536:04x}{n:04x}-0000-4000-8000-{n:012x}"

    monkeypatch.setattr(annotating, "new_id", next_id)
    monkeypatch.setattr(bulk, "new_ids", lambda count: sorted(next_id() for _ in range(count)))
    for module in (documents, linking, tagging):
        monkeypatch.setattr(module, "new_id", next_id)
    clock = fixed_clock()
    store = Store.open(path, author="ada", clock=clock)
    log = _import(store, TEXT, "Harbour *log* #1", "Chapter 1", "Chapter 2")
    notice = _import(store, OTHER, "Notice", "Notice", "Costs")
    a = store.annotations
    heading = a.create(log, anchor_quote(TEXT, "# Not a heading, *not* emphasis_here_"), tags=["Theme/Markup"],
                       note="**Bold** note with #todo, a <tag>, $x$ and ^id.\n\n- one\n- two\n\n```\n# code\n```")
    lines = a.create(log, anchor_quote(TEXT, "1. Not a list\n- not a bullet\n  > not a quote\n    indented line"),
                     tags=["Person:Ada Lovelace", "Theme/Markup/Lists"], note="Several lines.")
    a.create(log, anchor_quote(TEXT, "trailing spaces   \nPlain words"), note="")
    a.create(log, anchor_quote(TEXT, "vertical\x0btab.\n\nChapter 2"), tags=["Question"])
    a.create(log, anchor_quote(TEXT, "==highlight==, a ~~strike~~, $maths$, ^block and &amp; entity"),
             tags=["Place:Harbour", "Organisation:Port Authority"])
    a.create(log, anchor_quote(TEXT, "Snake_case_words, a_b, _lead and trail_ with [[wikilink]] and #tag."),
             note="A [[Wiki]] link and a [link](https://example.org) and `code`.")
    a.create(log, anchor_quote(TEXT, "Last line without a newline"), note="  leading and trailing  ")
    covering, pieces = anchor_fragments(TEXT, [(TEXT.index("The remainder"), TEXT.index(" from reserves")),
                                               (TEXT.index("reopens"), TEXT.index(" in April"))])
    split = a.create(log, covering, fragments=pieces, tags=["Theme/Costs"], note="In two pieces.")
    a.change_attributes(split.id, [("Certainty", "high"), ("Negation", True)])
    gone = a.create(log, anchor_quote(TEXT, "Plain words with an em dash"), note="deleted")
    a.delete(gone.id)
    a.set_note(lines.id, "Several lines, edited.")
    precaution = a.create(notice, anchor_quote(OTHER, "The closure is a precaution."), tags=["Theme/Safety"])
    safe = a.create(notice, anchor_quote(OTHER, "The bridge is safe."), note="Says who?")
    close = a.create(notice, anchor_quote(OTHER, "10 March until 28 April"), tags=["Theme/Dates"])
    store.links.create(heading.id, precaution.id, "quotes", note="same *words*")
    store.links.create(safe.id, lines.id, "contradicts")
    store.links.create(split.id, close.id, "see-also")
    store.links.create(close.id, heading.id, "explains")
    with Store.open(path, author="bo", clock=clock) as bo:
        bo.annotations.create(bo.documents.get(notice.id), anchor_quote(OTHER, "The bridge will close"),
                              tags=["Theme/Safety"], note="Bo's note.")
    # A new version of the notice: one passage moves, one is found approximately, one is lost.
    edited = OTHER.replace("The bridge is safe.", "The bridge is quite safe.").replace(
        "10 March until 28 April", "mid-March")
    _import(store, "A preface.\n\n" + edited, "Notice", "Notice", "Costs")
    return store


@pytest.mark.parametrize("name, split, options", [
    ("by-document.md", False, {}),
    ("by-tag.md", False, {"group_by": "tag"}),
    ("theme-by-tag.md", False, {"group_by": "tag", "tag_refs": ["Theme"]}),
    ("per-document.md", True, {}),
])
def test_the_export_of_a_varied_library_is_byte_for_byte_what_it_was(tmp_path, monkeypatch, name, split, options):
    store = build(tmp_path / "library.db", monkeypatch)
    try:
        written = _export(store, split, options)
    finally:
        store.close()
    assert written == (EXPECTED / name).read_text(encoding="utf-8")


def _export(store: Store, split: bool, options: dict) -> str:
    if split:
        return "".join(f"=== {doc.title}\n{text}" for doc, text, _ in markdown_per_document(store, **options))
    return markdown_export(store, **options)[0]


def test_the_varied_library_has_what_it_should():
    """The fixture covers what the export treats apart: orphans, fuzzy places, fragments, links, deletions."""
    text = (EXPECTED / "by-document.md").read_text(encoding="utf-8")
    assert "not found in version 2" in text and "found approximately" in text
    assert " … " in text and "→ quotes" in text and "← contradicted by" in text
    assert "deleted" not in text.split("---", 2)[2]


if __name__ == "__main__":  # write the expected files again
    import tempfile

    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        built = build(Path(folder) / "library.db", patch)
        for written_name, written_split, written_options in (
            ("by-document.md", False, {}), ("by-tag.md", False, {"group_by": "tag"}),
            ("theme-by-tag.md", False, {"group_by": "tag", "tag_refs": ["Theme"]}), ("per-document.md", True, {}),
        ):
            (EXPECTED / written_name).write_text(_export(built, written_split, written_options), encoding="utf-8")
        built.close()
