"""`margin refresh` and `margin review`: a changed file, its annotations placed, reviewed and settled."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from annotations.store import Store
from reader.cli import cli

from .conftest import fingerprint

ORIGINAL = (
    "# Memo\n\nThe bridge will close from 10 March until 28 April. The closure is a precaution. "
    "The bridge is safe.\n\n## Costs\n\nThe remainder will be met from reserves.\n"
)
EDITED = (
    "# Memo\n\nThe bridge will close from ten March until 28 April. The bridge is safe.\n\n"
    "## Costs\n\nThe remainder will be met from the reserves.\n"
)


@pytest.fixture
def run(db_path):
    runner = CliRunner()

    def invoke(*args: str, code: int = 0):
        result = runner.invoke(cli, ["--db", str(db_path), "--author", "ada", *args], catch_exceptions=False)
        assert result.exit_code == code, result.output + result.stderr
        return result

    return invoke


@pytest.fixture
def memo(run, tmp_path):
    path = tmp_path / "memo.md"
    path.write_text(ORIGINAL, encoding="utf-8")
    run("import", str(path))
    ids = {
        quote: run("annotate", "Memo", "--quote", quote, "--note", f"on {quote}").output.strip()
        for quote in ("10 March", "The closure is a precaution.", "The bridge is safe.", "met from reserves")
    }
    return path, ids


def test_refresh_places_every_annotation_and_review_lists_the_uncertain_ones(run, memo, db_path):
    path, ids = memo
    path.write_text(EDITED, encoding="utf-8")
    refreshed = run("refresh")
    assert "now version 2" in refreshed.output
    assert "1 moved, 2 found approximately, 1 not found; 3 to review" in refreshed.output

    listed = run("review", "Memo").output
    assert "1 orphaned, 2 fuzzy" in listed
    assert ids["The closure is a precaution."][:8] in listed and "not found in version 2" in listed
    assert "[ten March]" in listed and "[met from the reserves]" in listed
    assert ids["The bridge is safe."][:8] not in listed  # moved intact: nothing to check

    with Store.open(db_path, author="ada") as store:
        text = store.documents.text(store.documents.resolve("Memo").version_id)
        for quote in ("10 March", "met from reserves"):
            placed = store.annotations.get(ids[quote])
            assert placed.anchor_state == "fuzzy" and placed.note == f"on {quote}"
            assert text[placed.start : placed.end] == placed.exact
        assert store.annotations.get(ids["10 March"]).exact == "ten March"


def test_review_accepts_reattaches_and_deletes(run, memo, db_path):
    path, ids = memo
    path.write_text(EDITED, encoding="utf-8")
    run("refresh", "Memo")
    run("review", "Memo", "--accept-above", "0.7")
    left = run("review", "Memo").output
    assert "1 orphaned" in left and "fuzzy" not in left
    orphan = ids["The closure is a precaution."]
    run("review", "Memo", "--reattach", orphan[:8], "--quote", "The bridge is safe.")
    assert "nothing to review" in run("review", "Memo").output
    with Store.open(db_path, author="ada") as store:
        reattached = store.annotations.get(orphan)
        assert (reattached.exact, reattached.anchor_state, reattached.note) == (
            "The bridge is safe.", "exact", "on The closure is a precaution."
        )
    # undo puts it back where it was: an orphan on the first version, waiting for review
    run("undo")
    with Store.open(db_path, author="ada") as store:
        back = store.annotations.get(orphan)
        assert (back.exact, back.anchor_state, back.needs_review) == ("The closure is a precaution.", "orphaned", True)
    run("review", "Memo", "--delete", orphan[:8])
    assert "nothing to review" in run("review", "Memo").output


def test_refresh_of_a_vanished_file_keeps_the_document(run, memo, db_path):
    path, _ = memo
    path.unlink()
    before = fingerprint(db_path)
    result = run("refresh", "Memo", code=1)
    assert "is gone; showing the stored text" in result.stderr
    assert fingerprint(db_path) == before
    run("refresh")  # all documents: a warning, not a failure


def test_export_marks_orphans_until_they_are_dealt_with(run, memo):
    path, ids = memo
    path.write_text(EDITED, encoding="utf-8")
    run("refresh")
    exported = run("export").output
    assert "> The closure is a precaution." in exported
    assert "not found in version 2" in exported
    assert "found approximately" in exported


def test_review_refuses_an_annotation_of_another_document(run, memo, tmp_path, db_path):
    other = tmp_path / "other.md"
    other.write_text("# Other\n\nSomething else entirely.\n", encoding="utf-8")
    run("import", str(other))
    foreign = run("annotate", "Other", "--quote", "Something").output.strip()
    before = fingerprint(db_path)
    result = run("review", "Memo", "--accept", foreign[:8], code=1)
    assert result.stderr.startswith("Error: ") and "is not in “Memo”" in result.stderr
    assert fingerprint(db_path) == before


def test_csv_export_lists_orphans_without_offsets(run, memo):
    import csv
    import io

    path, ids = memo
    path.write_text(EDITED, encoding="utf-8")
    run("refresh")
    rows = list(csv.DictReader(io.StringIO(run("export", "--format", "csv").output)))
    orphan = [r for r in rows if r["annotation_id"] == ids["The closure is a precaution."]]
    assert len(orphan) == 1 and orphan[0]["anchor_state"] == "orphaned"
    assert (orphan[0]["start"], orphan[0]["end"], orphan[0]["quote"]) == ("", "", "The closure is a precaution.")
    assert {r["anchor_state"] for r in rows} == {"orphaned", "fuzzy", "moved"}


def test_importing_margins_own_annotations_csv_says_what_it_is(run, memo, tmp_path, db_path):
    out = tmp_path / "notes.csv"
    run("export", "--format", "csv", "-o", str(out))
    before = fingerprint(db_path)
    result = run("import-annotations", str(out), code=1)
    assert "margin's annotations CSV" in result.stderr and result.stderr.count("\n") == 1
    assert fingerprint(db_path) == before


def test_refresh_does_not_call_a_text_from_a_project_file_gone(run, memo, db_path, tmp_path):
    project = tmp_path / "project.qdpx"
    run("export", "--format", "qdpx", "-o", str(project))
    fresh = tmp_path / "fresh.db"
    runner_result = CliRunner().invoke(cli, ["--db", str(fresh), "import-annotations", str(project)], catch_exceptions=False)
    assert runner_result.exit_code == 0, runner_result.output
    refreshed = CliRunner().invoke(cli, ["--db", str(fresh), "refresh"], catch_exceptions=False)
    assert refreshed.exit_code == 0 and "is gone" not in refreshed.output + refreshed.stderr
    assert "came from inside" in refreshed.output
