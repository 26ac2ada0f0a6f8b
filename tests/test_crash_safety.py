"""Crash safety, a short session of the harness in tests/crash (run it by hand for 200+ rounds).

A child writes through the store and is killed with SIGKILL at random
moments; after each kill the library must be intact, hold every write the
child reported done, and show no operation half applied.
"""

from __future__ import annotations

import os
import sqlite3

import pytest

from tests.crash import harness

#: Kill timing is random whatever the seed; the seed fixes which operations run.
SEED = int(os.environ.get("MARGIN_CRASH_SEED", "2026"))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")
def test_killing_a_writer_at_random_never_breaks_the_library(tmp_path):
    figures = harness.run(25, seed=SEED, workdir=tmp_path, max_delay=0.35)
    report = figures.report(tmp_path / "crash.db")
    assert figures.failures == [], report
    assert figures.rounds == 25
    assert figures.kills_mid_operation > 0, report  # some kills did land inside an operation
    assert figures.operations["annotate"] > 0 and figures.operations["import"] > 0, report


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")
def test_the_child_also_runs_as_its_own_program(tmp_path):
    """The by-hand ``--spawn`` mode: a fresh interpreter per round, as a person would start margin."""
    figures = harness.run(2, seed=SEED, workdir=tmp_path, max_delay=0.3, spawn=True)
    assert figures.failures == [], figures.report(tmp_path / "crash.db")
    assert sum(figures.operations.values()) > 0


def _session(tmp_path):
    """A short session whose expectations the tests below then contradict by editing the file."""
    expected = harness.Expected()
    figures = harness.run(3, seed=SEED, workdir=tmp_path, max_delay=0.3)
    assert figures.failures == []
    conn = sqlite3.connect(tmp_path / "crash.db")
    for kind in harness.KINDS:
        expected.rows[kind] = harness.READERS[kind](conn)
    expected.bulk = dict(
        conn.execute("SELECT created, count(*) FROM annotations WHERE author = 'bulk' GROUP BY created").fetchall()
    )
    return conn, expected


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")
def test_the_checks_notice_a_lost_write_and_a_half_applied_bulk_insert(tmp_path):
    conn, expected = _session(tmp_path)
    assert harness.verify(tmp_path / "crash.db", expected, None, 0) == []
    noted = conn.execute("SELECT id FROM annotations WHERE author = 'crash' AND note != '' LIMIT 1").fetchone()[0]
    conn.execute("UPDATE annotations SET note = 'not what was reported' WHERE id = ?", (noted,))
    conn.execute("UPDATE notes_fts SET note = 'not what was reported' WHERE rowid = (SELECT rowid FROM annotations WHERE id = ?)", (noted,))
    marker = next(iter(expected.bulk))
    conn.execute(
        "DELETE FROM annotations WHERE rowid = (SELECT max(rowid) FROM annotations WHERE created = ?)", (marker,)
    )
    conn.commit()
    conn.close()
    failures = harness.verify(tmp_path / "crash.db", expected, None, 0)
    assert any(noted[:8] in line and "differs" in line for line in failures), failures
    assert any(marker in line for line in failures), failures


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")
def test_the_checks_notice_an_import_without_all_its_sections(tmp_path):
    conn, expected = _session(tmp_path)
    conn.execute("DELETE FROM sections WHERE rowid = (SELECT max(rowid) FROM sections)")
    conn.commit()
    conn.close()
    failures = harness.verify(tmp_path / "crash.db", expected, None, 0)
    assert any("sections" in line for line in failures), failures
