"""Long work shows how far it has gone on a terminal, and nothing extra anywhere else."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner

from annotations.anchoring import anchor_quote
from annotations.progress import task, tracked, watching
from reader.cli import cli
from reader.cli.progress import TerminalProgress

from .conftest import NOTICE, loaded


class Recorder:
    """A watcher that writes down what it is told."""

    def __init__(self) -> None:
        self.tasks: dict[int, dict] = {}

    def started(self, label, total):
        handle = len(self.tasks)
        self.tasks[handle] = {"label": label, "total": total, "done": 0, "finished": False}
        return handle

    def advanced(self, task, steps):
        assert not self.tasks[task]["finished"]
        self.tasks[task]["done"] += steps

    def finished(self, task):
        self.tasks[task]["finished"] = True

    def labelled(self, label: str) -> list[dict]:
        return [t for t in self.tasks.values() if t["label"] == label]


def test_without_a_watcher_work_runs_unchanged():
    assert list(tracked("counting", range(5))) == [0, 1, 2, 3, 4]
    with task("anything", 3) as advance:
        advance()
        advance(2)


def test_a_task_counts_every_item_and_ends_even_when_the_work_fails():
    recorder = Recorder()
    with watching(recorder):
        assert list(tracked("counting", list(range(1234)), every=100)) == list(range(1234))
        with pytest.raises(RuntimeError), task("failing", 10) as advance:
            advance(4)
            raise RuntimeError("disk full")
    counting, failing = recorder.labelled("counting")[0], recorder.labelled("failing")[0]
    assert counting == {"label": "counting", "total": 1234, "done": 1234, "finished": True}
    assert failing["done"] == 4 and failing["finished"]
    # Outside the block nobody watches any more.
    with task("after", 1) as advance:
        advance()
    assert not recorder.labelled("after")


def test_re_anchoring_reports_each_annotation_placed(store):
    doc = store.documents.import_loaded("/n.txt", "v1", loaded(NOTICE)).document
    text = store.documents.text(doc.version_id)
    sentences = [s.strip() + "." for s in NOTICE.split(".") if len(s.strip()) > 12][:6]
    for sentence in sentences:
        store.annotations.create(doc, anchor_quote(text, sentence))
    recorder = Recorder()
    with watching(recorder):
        store.documents.import_loaded("/n.txt", "v2", loaded("A new first line.\n\n" + NOTICE))
    [reanchoring] = recorder.labelled("re-anchoring")
    assert reanchoring["total"] == len(sentences) == reanchoring["done"] and reanchoring["finished"]


def test_importing_annotations_counts_each_one(store, tmp_path):
    doc = store.documents.import_loaded("/n.txt", "v1", loaded(NOTICE)).document
    text = store.documents.text(doc.version_id)
    rows = []
    for quote in ("The bridge is safe.", "The closure is a precaution."):
        anchor = anchor_quote(text, quote)
        rows.append({
            "@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation",
            "target": {"source": "urn:x", "selector": [
                {"type": "TextQuoteSelector", "exact": anchor.exact},
                {"type": "TextPositionSelector", "start": anchor.start, "end": anchor.end}]},
        })
    path = tmp_path / "notes.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    from annotations.interchange.formats import import_file

    recorder = Recorder()
    with watching(recorder):
        import_file(store, path, document_ref=doc.id)
    [importing] = recorder.labelled("importing annotations")
    assert importing == {"label": "importing annotations", "total": 2, "done": 2, "finished": True}

    # Again, with one passage the document does not hold: the two already here and the one left out
    # are counted too, so the bar ends full.
    rows.append({**rows[0], "target": {"source": "urn:x", "selector": {"type": "TextQuoteSelector",
                                                                          "exact": "words this notice never says"}}})
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    recorder = Recorder()
    with watching(recorder):
        report = import_file(store, path, document_ref=doc.id)
    assert (report.annotations, report.skipped) == (0, 3)
    [importing] = recorder.labelled("importing annotations")
    assert importing == {"label": "importing annotations", "total": 3, "done": 3, "finished": True}


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bars_appear_only_once_work_lasts_and_are_cleared_at_the_end():
    quick, slow = FakeTerminal(), FakeTerminal()
    with watching(TerminalProgress(quick, delay=60)):
        list(tracked("quick work", range(50)))
    assert quick.getvalue() == ""
    progress = TerminalProgress(slow, delay=0)
    with watching(progress):
        for _ in tracked("slow work \x1b]0;owned\x07", range(50)):
            pass
    drawn = slow.getvalue()
    assert "slow work" in drawn and "/50" in drawn
    assert "\x1b]0;owned" not in drawn and "\x07" not in drawn  # a label is text, never commands
    # Transient: the last thing written clears the bar's line.
    assert "\x1b[2K" in drawn[-16:]


def test_piped_commands_print_exactly_what_they_did_before(tmp_path):
    files = []
    for n in range(3):
        path = tmp_path / f"chapter-{n}.txt"
        path.write_text(f"Chapter {n}.\n\n" + NOTICE, encoding="utf-8")
        files.append(str(path))
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "lib.db"), "import", *files])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and all(line.startswith("imported") for line in lines)
    assert result.stderr == ""


def test_imports_of_qda_projects_and_brat_folders_count_every_passage_so_the_bar_fills(store, tmp_path):
    """REFI-QDA, brat and Taguette imports know their total at the start and count each passage once,
    whether it is stored, already there or left out: a long import's bar moves and ends full."""
    from pathlib import Path

    from annotations.interchange.brat import export_brat
    from annotations.interchange.formats import import_file
    from annotations.interchange.refiqda import export_qdpx
    from annotations.interchange.selection import select
    from annotations.store import Store

    doc = store.documents.import_loaded("/n.txt", "v1", loaded(NOTICE)).document
    text = store.documents.text(doc.version_id)
    sentences = [s.strip() + "." for s in NOTICE.split(".") if len(s.strip()) > 12][:5]
    for number, sentence in enumerate(sentences):
        store.annotations.create(doc, anchor_quote(text, sentence), tags=(f"Theme/T{number % 2}",))
    export_qdpx(select(store), tmp_path / "project.qdpx")
    export_brat(select(store), tmp_path / "brat")
    taguette = Path(__file__).parent / "fixtures" / "foreign" / "taguette" / "taguette.sqlite3"
    for path, expected in ((tmp_path / "project.qdpx", len(sentences)), (tmp_path / "brat", len(sentences)),
                           (taguette, None)):
        for attempt in ("first", "again"):  # again: every passage already there, and counted all the same
            fresh = Store.open(tmp_path / f"{path.stem}.db", author="ada")
            recorder = Recorder()
            with watching(recorder):
                import_file(fresh, path)
            fresh.close()
            [importing] = recorder.labelled("importing annotations")
            assert importing["finished"] and importing["total"] == importing["done"], (path.name, attempt, importing)
            assert importing["total"] == (expected if expected is not None else importing["total"]) > 0
