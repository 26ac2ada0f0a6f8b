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

TEXT = f"Opening {HOSTILE} words in the body.\n\nA later line {HOSTILE} with more words.\n"


@pytest.fixture
def hostile_db(tmp_path) -> Path:
    """A library whose every stored string carries terminal controls; returns its path (closed)."""
    db = tmp_path / "library.db"
    with Store.open(db, author=f"mallory{HOSTILE}") as store:
        split = TEXT.index("A later")
        sections = (Section(0, split, 1, f"Opening {HOSTILE}"), Section(split, len(TEXT), 1, f"Later {HOSTILE}"))
        loaded = LoadedDocument(text=TEXT, title=f"Title {HOSTILE}", format="text", sections=sections)
        digest = hashlib.sha256(TEXT.encode()).hexdigest()
        document = store.documents.import_loaded("/docs/hostile.txt", digest, loaded).document
        store.annotations.create(
            document, anchor_span(TEXT, 0, 30), tags=[f"Theme/x{HOSTILE}", f"Person:Eve{HOSTILE}"], note=f"note {HOSTILE}"
        )
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


@pytest.fixture
def snapshot():
    """The library's dump digest now, to compare after a refusal."""
    return fingerprint
