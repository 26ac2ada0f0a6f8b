"""No stored text reaches the terminal raw: every printer, through a real pseudo-terminal; JSON escapes instead."""

from __future__ import annotations

import json

import pytest

from annotations.terminal import HIDDEN_CODES, json_safe, terminal_safe

from .harness import HOSTILE, assert_clean, margin, through_pty

PRINTERS = [
    ["docs"], ["annotations"], ["tags"], ["search", "words"], ["search", "--notes", "note"], ["review", "Title"],
    ["export"], ["export", "--format", "csv"], ["export", "--format", "codebook-csv"], ["export", "--group-by", "tag"],
    ["export", "--format", "w3c"], ["export", "--format", "jsonl"], ["docs", "--format", "json"],
    ["annotations", "--format", "json"], ["tags", "--format", "json"], ["annotate", "Title", "--quote", "nowhere\x1b]0;x\x07"],
    ["tags", "add", "Theme/x\x1b]0;PWNED\x07\u202e"], ["entities"], ["suggest", "Title", "--from", "rules"],
]


@pytest.mark.parametrize("args", PRINTERS, ids=lambda a: " ".join(a)[:30])
def test_every_printer_sends_the_terminal_only_safe_text(hostile_db, args):
    code, sent = through_pty(hostile_db, *args)
    text = sent.decode("utf-8", "replace")
    assert_clean(text)
    assert "Traceback" not in text
    assert "PWNED" in text or code != 0 or args[0] in ("review", "search"), text  # shown, made visible, not dropped


@pytest.mark.parametrize("args", [["export"], ["export", "--format", "csv"], ["annotations"], ["docs"]])
def test_a_pipe_gets_safe_text_too(hostile_db, args):
    run = margin(hostile_db, *args)
    assert run.code == 0, run.err
    assert_clean(run.out)
    assert "␛" in run.out  # ESC is shown as a picture of itself, not hidden


def test_json_escapes_what_it_cannot_show_and_keeps_every_character(hostile_db):
    for args in (["docs", "--format", "json"], ["annotations", "--format", "json"], ["export", "--format", "w3c"]):
        run = margin(hostile_db, *args)
        assert run.code == 0, run.err
        assert not [ch for ch in run.out if ord(ch) in HIDDEN_CODES and ch not in "\n"], args
        assert "\\u009b" in run.out and "\\u202e" in run.out
        assert any(HOSTILE in text for text in _strings(json.loads(run.out)))  # read back, nothing lost


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_export_to_a_file_keeps_the_stored_text(hostile_db, tmp_path):
    out = tmp_path / "notes.md"
    assert margin(hostile_db, "export", "-o", str(out)).code == 0
    written = out.read_text(encoding="utf-8")
    assert "\x1b" in written and "PWNED" in written  # a file is data: the stored text, as Markdown escaping leaves it


def test_an_error_naming_hostile_text_is_one_safe_line(hostile_db):
    run = margin(hostile_db, "annotate", "no such\x1b]0;PWNED\x07\ndocument", "--quote", "x")
    run.refused("no such")


def test_one_definition_of_safe_text():
    assert terminal_safe("a\x1bb\x07c\u009bd\u202ee\nf\tg") == "a␛b␇c\ufffdd\ufffde\nf\tg"
    assert terminal_safe("a\nb", lines=False) == "a␊b"
    assert json_safe(json.dumps("\u009b\u202e\x7f", ensure_ascii=False)) == '"\\u009b\\u202e\\u007f"'
    from reader.tui.widgets.row_render import HIDDEN

    assert set(HIDDEN) == set(HIDDEN_CODES)  # the reading pane hides exactly what the CLI replaces


def test_exactly_the_hidden_code_points_are_replaced_among_all_of_unicode():
    every = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000)
    shown = terminal_safe(every, lines=False)
    assert len(shown) == len(every)
    replaced = {ord(before) for before, after in zip(every, shown) if before != after}
    assert replaced == HIDDEN_CODES
    kept = terminal_safe(every)  # lines=True: line feed and tab stay
    assert {ord(before) for before, after in zip(every, kept) if before != after} == HIDDEN_CODES - {0x09, 0x0A}
    raw = json.dumps(every, ensure_ascii=False)
    assert json.loads(json_safe(raw)) == every and not any(ord(c) in HIDDEN_CODES for c in json_safe(raw))
