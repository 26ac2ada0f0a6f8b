"""Properties of the store, over sequences no one would think to write by hand.

A state machine annotates, edits notes and tags, moves, deletes, undoes and
redoes at random, and after every step checks that each annotation's offsets
lie inside its text and its quote and context are the text there; undo must
bring back exactly what was there before the step it undoes, and redo what
was there after. Round-trip properties check that what is written (notes,
tag names, titles, texts, in any script) reads back as it was written.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from annotations.anchoring import anchor_span
from annotations.errors import MarginError, NothingToUndo
from annotations.model import CONTEXT_CHARS, LoadedDocument
from annotations.store import Store
from annotations.text import normalise

from .conftest import fixed_clock

#: Modest, so the suite stays quick; CI runs derandomized so a failure repeats.
SETTINGS = settings(
    max_examples=int(os.environ.get("MARGIN_PROPERTY_EXAMPLES", "60")),
    stateful_step_count=25,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Text in any script, with combining marks, emoji, RTL and the odd control; never lone surrogates,
# which no file on disk can hold once decoded.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=200)
NOTES = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)
TAG_NAMES = st.sampled_from(
    ["Theme/Safety", "Theme/Safety/Bridges", "Claim", "Person:Ada Lovelace", "Place:Lowmere", "主题/安全", "Тема/Мост", "Claim/Dates"]
)


def _document(store: Store, text: str, title: str) -> Any:
    text = normalise(text)
    digest = hashlib.sha256(f"{title}\0{text}".encode()).hexdigest()
    loaded = LoadedDocument(text=text, title=title, format="text")
    return store.documents.import_loaded(f"/docs/{digest}.txt", digest, loaded).document


class StoreMachine(RuleBasedStateMachine):
    """Random sequences of annotation edits, with undo and redo, on two documents."""

    annotations = Bundle("annotations")

    def __init__(self) -> None:
        super().__init__()
        self.store = Store.open(":memory:", author="ada", clock=fixed_clock())
        self.documents: list[Any] = []
        self.undo_stack: list[dict[str, Any]] = []
        self.redo_stack: list[dict[str, Any]] = []

    def teardown(self) -> None:
        self.store.close()

    # what a person can observe -------------------------------------------------
    def observed(self, *, with_deleted: bool = False) -> dict[str, Any]:
        """Every live annotation as a person sees it (a deleted one is gone, as one never made)."""
        where = "" if with_deleted else " WHERE deleted IS NULL"
        rows = self.store.db.execute(
            f'SELECT id, version_id, start, "end", exact, prefix, suffix, note FROM annotations{where} ORDER BY id'
        ).fetchall()
        tags: dict[str, list[str]] = {}
        for annotation_id, tag_id in self.store.db.execute("SELECT annotation_id, tag_id FROM annotation_tags ORDER BY tag_id"):
            tags.setdefault(annotation_id, []).append(tag_id)
        return {row[0]: (*row[1:], tuple(tags.get(row[0], ()))) for row in rows}

    def did(self, before: dict[str, Any]) -> None:
        """A step has been taken: it is what undo must take back (if it changed anything)."""
        if self.observed() != before:
            self.undo_stack.append(before)
            self.redo_stack.clear()

    def text(self, document: Any) -> str:
        return self.store.documents.text(document.version_id)

    # steps ----------------------------------------------------------------------
    @initialize(first=TEXT, second=TEXT)
    def two_documents(self, first: str, second: str) -> None:
        for number, text in enumerate((first, second)):
            if not normalise(text):
                text = "x" + text
            self.documents.append(_document(self.store, text, f"Document {number}"))

    @rule(target=annotations, data=st.data(), tags=st.lists(TAG_NAMES, max_size=2), note=NOTES)
    def annotate(self, data: st.DataObject, tags: list[str], note: str) -> str:
        document = data.draw(st.sampled_from(self.documents))
        text = self.text(document)
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        before = self.observed()
        try:
            made = self.store.annotations.create(document, anchor_span(text, start, end), tags=tags, note=note)
        except MarginError:  # e.g. a name already used by a tag of the other kind
            assert self.observed() == before
            return ""
        self.did(before)
        return made.id

    @rule(annotation=annotations, note=NOTES)
    def edit_note(self, annotation: str, note: str) -> None:
        self._change(annotation, lambda: self.store.annotations.set_note(annotation, note))

    @rule(annotation=annotations, tags=st.lists(TAG_NAMES, min_size=1, max_size=2))
    def add_tags(self, annotation: str, tags: list[str]) -> None:
        self._change(annotation, lambda: self.store.annotations.add_tags(annotation, tags))

    @rule(annotation=annotations, data=st.data())
    def remove_a_tag(self, annotation: str, data: st.DataObject) -> None:
        if not annotation:
            return
        current = self.store.annotations.get(annotation).tags
        if current:
            tag = data.draw(st.sampled_from(current))
            self._change(annotation, lambda: self.store.annotations.remove_tags(annotation, [tag.id]))

    @rule(annotation=annotations, data=st.data())
    def move(self, annotation: str, data: st.DataObject) -> None:
        if not annotation:
            return
        version_id = self.store.annotations.get(annotation).version_id
        text = self.store.documents.text(version_id)
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        self._change(annotation, lambda: self.store.annotations.move(annotation, anchor_span(text, start, end)))

    @rule(annotation=annotations)
    def delete(self, annotation: str) -> None:
        self._change(annotation, lambda: self.store.annotations.delete(annotation))

    def _change(self, annotation: str, step: Any) -> None:
        if not annotation:
            return
        before = self.observed()
        try:
            step()
        except MarginError:  # a deleted annotation, a clashing tag name: refused, and nothing changed
            assert self.observed() == before
            return
        self.did(before)

    @rule()
    def undo(self) -> None:
        before = self.observed()
        try:
            self.store.history.undo()
        except NothingToUndo:
            assert not self.undo_stack
            return
        assert self.observed() == self.undo_stack.pop()
        self.redo_stack.append(before)

    @rule()
    def redo(self) -> None:
        before = self.observed()
        try:
            self.store.history.redo()
        except NothingToUndo:
            assert not self.redo_stack
            return
        assert self.observed() == self.redo_stack.pop()
        self.undo_stack.append(before)

    # after every step -------------------------------------------------------------
    @invariant()
    def every_anchor_is_the_text_at_its_offsets(self) -> None:
        texts: dict[str, str] = {}
        for version_id, start, end, exact, prefix, suffix, *_ in self.observed(with_deleted=True).values():
            text = texts.setdefault(version_id, self.store.documents.text(version_id))
            assert 0 <= start < end <= len(text)
            assert text[start:end] == exact
            assert text[max(0, start - CONTEXT_CHARS) : start] == prefix
            assert text[end : end + CONTEXT_CHARS] == suffix

    @invariant()
    def the_note_index_says_what_the_notes_say(self) -> None:
        expected = {rowid: note for rowid, note in self.store.db.execute("SELECT rowid, note FROM annotations") if note.strip()}
        assert dict(self.store.db.execute("SELECT rowid, note FROM notes_fts").fetchall()) == expected


TestStoreMachine = StoreMachine.TestCase
TestStoreMachine.settings = SETTINGS


# round trips ------------------------------------------------------------------------
@SETTINGS
@given(note=NOTES)
def test_a_note_reads_back_as_written(store, note):
    document = _document(store, "Some words to annotate.", "Notes")
    made = store.annotations.create(document, anchor_span(store.documents.text(document.version_id), 0, 4), note=note)
    assert store.annotations.get(made.id).note == note
    assert store.annotations.set_note(made.id, note + "!").note == note + "!"


@SETTINGS
@given(text=TEXT, title=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60), data=st.data())
def test_a_document_and_any_passage_of_it_read_back_as_written(store, text, title, data):
    text = normalise(text) or "x"
    document = _document(store, text, title)
    assert store.documents.text(document.version_id) == text
    assert store.documents.get(document.id).title == title
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    made = store.annotations.create(document, anchor_span(text, start, end))
    again = store.annotations.get(made.id)
    assert (again.start, again.end, again.exact) == (start, end, text[start:end])


@SETTINGS
@given(
    name=st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40).filter(
        lambda s: s.strip() and "/" not in s and ":" not in s
    )
)
def test_a_tag_name_reads_back_as_written(store, name):
    existing = store.tags.find(name)
    try:
        tag = store.tags.ensure(name)
    except MarginError:
        return  # refused in one line; what is refused is the tag parser's business
    if existing is not None:  # the same name in another case, from an earlier example
        assert tag.id == existing.id
        return
    assert tag.name == name.strip()
    assert store.tags.resolve(name).id == tag.id
    assert store.tags.get(tag.id).name == name.strip()
