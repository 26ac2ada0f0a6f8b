"""The classroom loop in a real terminal, from the pack to the consensus.

A teacher makes a pack; three students join it, two annotating from the
command line and one in the reader under tmux; the teacher collects the three
files, reads the agreement table, compares two students side by side in the
reader, keeps one side of a disagreement, and exports the consensus. One of
the few slow tests (about fifteen seconds): it is the whole of issue 12's
promise, run the way a teacher and a class would.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid

from .test_terminal_smoke import ROOT, pytestmark, start, tmux, wait_for  # noqa: F401 - pytestmark skips without tmux

POEM = """The Lighthouse

At dusk the white light on the headland turns,
and the cold sea answers with its grey reply.
A keeper climbs the stair, and the lamp burns
until the morning takes it from the sky.
"""


def margin(db, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "reader.cli", "--db", str(db), *args],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def test_a_class_from_pack_to_consensus(tmp_path):
    teacher = tmp_path / "teacher.db"
    poem = tmp_path / "lighthouse.txt"
    poem.write_text(POEM, encoding="utf-8")
    instructions = tmp_path / "instructions.md"
    instructions.write_text("# Close reading\n\nMark every image of **light** and of the sea.\n", encoding="utf-8")
    margin(teacher, "import", str(poem))
    margin(teacher, "tags", "add", "Imagery", "--description", "A picture in words")
    pack = tmp_path / "lighthouse.pack"
    margin(teacher, "pack", "create", str(pack), "--title", "Week 3", "--lock-codebook",
           "--instructions", str(instructions))

    # Two students work from the command line; a locked codebook refuses a new tag.
    for name, quotes in (("Ana", ["white light"]), ("Ben", ["white light on", "the cold sea"])):
        copy = tmp_path / f"{name.lower()}.db"
        margin(teacher, "join", str(pack), "--author", name, "-o", str(copy), "--no-open")
        for quote in quotes:
            margin(copy, "annotate", "The Lighthouse", "--quote", quote, "--tag", "Imagery")
    refused = margin(tmp_path / "ana.db", "annotate", "The Lighthouse", "--quote", "lamp", "--tag", "Metaphor", check=False)
    assert refused.returncode != 0 and len(refused.stderr.strip().splitlines()) == 1

    # The third joins at a terminal: the reader opens on the poem, with the instructions.
    session = f"margin-class-{uuid.uuid4().hex[:8]}"
    cara = tmp_path / "cara.db"
    start(tmp_path, session, teacher, f"join {pack} --author Cara -o {cara}", cwd=tmp_path)
    screen = lambda: tmux("capture-pane", "-p", "-t", session)  # noqa: E731

    def keys(*typed: str) -> None:
        tmux("send-keys", "-t", session, *typed)

    try:
        assert wait_for(lambda: "image of" in screen()), screen()  # the instructions, rendered
        keys("Escape")
        assert wait_for(lambda: "white light on the headland" in screen()), screen()
        time.sleep(0.5)  # a key right after escape would arrive as alt+key
        keys("/")
        assert wait_for(lambda: "Search this document" in screen()), screen()
        tmux("send-keys", "-t", session, "-l", "the cold sea")
        keys("Enter")
        assert wait_for(lambda: "hit 1 of 1" in screen()), screen()
        time.sleep(0.2)
        keys("v", *["l"] * (len("the cold sea") - 1))
        assert wait_for(lambda: "selected 12 characters" in screen()), screen()
        keys("a")
        assert wait_for(lambda: "Tag passage" in screen()), screen()
        tmux("send-keys", "-t", session, "-l", "Imagery")
        time.sleep(0.3)
        keys("Enter")
        assert wait_for(lambda: "Saved" in screen()), screen()
        keys("q")
        assert wait_for(lambda: "MARGIN-EXITED-0" in screen()), screen()
    finally:
        tmux("kill-session", "-t", session)

    # The teacher collects the three files and reads how far the class agrees.
    collected = margin(teacher, "collect", str(tmp_path / "ana.db"), str(tmp_path / "ben.db"), str(cara))
    assert collected.stdout.count("added") >= 3, collected.stdout
    table = margin(teacher, "agreement", "--format", "json").stdout
    report = json.loads(table)
    assert report["annotators"] == ["Ana", "Ben", "Cara"]
    overall = next(row for row in report["tags"] if row["tag"] == "all tags")
    assert sorted(overall["spans"]) == ["Ana", "Ben", "Cara"] and overall["alpha"] is not None

    # Ana and Ben side by side: the first place they differ, and Ana's side kept.
    session = f"margin-compare-{uuid.uuid4().hex[:8]}"
    start(tmp_path, session, teacher, "compare \"The Lighthouse\" --authors Ana,Ben", cwd=tmp_path)
    try:
        assert wait_for(lambda: "2 places differ" in screen()), screen()
        keys("]")
        assert wait_for(lambda: "different boundaries" in screen()), screen()
        keys("<")
        assert wait_for(lambda: "Kept Ana's" in screen()), screen()
        keys("q")
        assert wait_for(lambda: "MARGIN-EXITED-0" in screen()), screen()
    finally:
        tmux("kill-session", "-t", session)

    consensus = margin(teacher, "export", "--author", "consensus").stdout
    assert "> white light\n" in consensus or "> white light " in consensus.replace("\n", " ")
    assert "white light on" not in consensus and "the cold sea" not in consensus
