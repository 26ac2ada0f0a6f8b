"""Passages in fragments from files a stranger wrote: REFI-QDA fragment sets that lie about themselves."""

from __future__ import annotations

import json
import re
import resource
import zipfile
from pathlib import Path

import pytest

from annotations.anchoring import anchor_fragments
from annotations.interchange.placing import MAX_FRAGMENTS
from annotations.interchange.refiqda import export_qdpx, import_qdpx
from annotations.interchange.selection import select
from annotations.interchange.w3c import import_w3c
from annotations.store import Store

from .conftest import NOTICE, add_document, fixed_clock

SPANS = [(0, 9), (20, 31), (40, 52)]


@pytest.fixture
def project(store, tmp_path) -> Path:
    """A project holding one passage in three fragments, tagged, as margin writes it."""
    document = add_document(store)
    anchor, fragments = anchor_fragments(NOTICE, SPANS)
    store.annotations.create(document, anchor, fragments=fragments, tags=["Theme/Closure"])
    path = tmp_path / "study.qdpx"
    export_qdpx(select(store), path)
    return path


def tampered(path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    """A copy of the project at *path* whose ``project.qde`` went through *change*."""
    out = path.with_name("tampered.qdpx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "project.qde":
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(name, data)
    return out


def covered(fresh: Store) -> list[tuple[tuple[int, int], ...]]:
    """Each annotation's fragments (or its one span), sorted."""
    return sorted(tuple((p.start, p.end) for p in a.pieces) for a in fresh.annotations.list())


@pytest.fixture
def fresh(tmp_path):
    opened = Store.open(tmp_path / "fresh.db", author="carol", clock=fixed_clock())
    yield opened
    opened.close()


def test_a_fragment_count_of_a_trillion_is_read_at_once_without_memory(project, fresh):
    path = tampered(project, lambda qde: re.sub(r"Fragment (\d) of 3 ", r"Fragment \1 of 999999999999 ", qde))
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, hard))  # a set of 10**12 numbers would need terabytes
    try:
        report = import_qdpx(fresh, path)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    assert covered(fresh) == [((0, 9),), ((20, 31),), ((40, 52),)]
    assert any("not all there" in warning for warning in report.warnings)


def test_an_empty_fragment_does_not_take_the_others_with_it(project, fresh):
    first = re.compile(r'startPosition="0" endPosition="9"')
    path = tampered(project, lambda qde: first.sub('startPosition="4" endPosition="4"', qde, count=1))
    import_qdpx(fresh, path)
    assert covered(fresh) == [((20, 31),), ((40, 52),)]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda qde: qde.replace("Fragment 2 of 3", "Fragment 2 of 4"), id="contradictory-count"),
        pytest.param(lambda qde: qde.replace("Fragment 3 of 3", "Fragment 2 of 3"), id="duplicate-number"),
        pytest.param(lambda qde: qde.replace("Fragment 2 of 3 of passage", "fragment two"), id="missing-line"),
    ],
)
def test_a_set_that_does_not_add_up_keeps_every_selection_as_its_own_passage(project, fresh, change):
    report = import_qdpx(fresh, tampered(project, change))
    assert covered(fresh) == [((0, 9),), ((20, 31),), ((40, 52),)]
    assert report.warnings
    assert all(a.tags for a in fresh.annotations.list())


def test_a_whole_set_is_one_passage_again(project, fresh):
    import_qdpx(fresh, project)
    assert covered(fresh) == [((0, 9), (20, 31), (40, 52))]


def _w3c(path: Path, targets: list[dict]) -> Path:  # type: ignore[type-arg]
    body = [{"type": "TextualBody", "value": "Theme/Closure", "purpose": "tagging"}]
    path.write_text(json.dumps([{"id": "urn:x:1", "type": "Annotation", "body": body, "target": targets}]))
    return path


def _quote(exact: str, *, junk: int = 0) -> dict:  # type: ignore[type-arg]
    return {"source": "urn:x:notice", "selector": [{"type": "Other"}] * junk + [{"type": "TextQuoteSelector", "exact": exact}]}


def test_a_w3c_passage_of_more_fragments_than_allowed_is_skipped_saying_so(store, tmp_path):
    document = add_document(store)
    path = _w3c(tmp_path / "many.json", [_quote("bridge")] * (MAX_FRAGMENTS + 1))
    report = import_w3c(store, path, document_ref=document.id)
    assert store.annotations.list() == []
    assert any(f"{MAX_FRAGMENTS + 1:,} fragments" in warning for warning in report.warnings)


def test_a_w3c_quote_after_thousands_of_other_selectors_is_still_found(store, tmp_path):
    document = add_document(store)
    path = _w3c(tmp_path / "wide.json", [_quote("The closure", junk=20_000), _quote("a precaution", junk=20_000)])
    import_w3c(store, path, document_ref=document.id)
    (made,) = store.annotations.list()
    assert [p.exact for p in made.pieces] == ["The closure", "a precaution"]
