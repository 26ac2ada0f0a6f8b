"""A library holding hostile text everywhere text can be: a title, headings, the text, a tag, a note, an author."""

from __future__ import annotations

from pathlib import Path

import pytest

import hashlib

from annotations.anchoring import anchor_span
from annotations.model import LoadedDocument, Section
from annotations.store import Store

from ..conftest import fingerprint
from .harness import HOSTILE

def text_holding(hostile: str) -> str:
    """A document's text with *hostile* in both its paragraphs."""
    return f"Opening {hostile} words in the body.\n\nA later line {hostile} with more words.\n"


TEXT = text_holding(HOSTILE)


def build_library(db: Path, hostile: str) -> Store:
    """A library whose title, headings, text, tags, note and author all hold *hostile*; returned open."""
    store = Store.open(db, author=f"mallory{hostile}")
    text = text_holding(hostile)
    split = text.index("A later")
    sections = (Section(0, split, 1, f"Opening {hostile}"), Section(split, len(text), 1, f"Later {hostile}"))
    loaded = LoadedDocument(text=text, title=f"Title {hostile}", format="text", sections=sections)
    digest = hashlib.sha256(text.encode()).hexdigest()
    document = store.documents.import_loaded("/docs/hostile.txt", digest, loaded).document
    store.annotations.create(
        document, anchor_span(text, 0, 30), tags=[f"Theme/x{hostile}", f"Person:Eve{hostile}"], note=f"note {hostile}"
    )
    return store


@pytest.fixture
def hostile_db(tmp_path) -> Path:
    """A library whose every stored string carries terminal controls; returns its path (closed)."""
    db = tmp_path / "library.db"
    with build_library(db, HOSTILE) as store:
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


@pytest.fixture
def snapshot():
    """The library's dump digest now, to compare after a refusal."""
    return fingerprint
