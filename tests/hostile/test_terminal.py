"""No stored text reaches the terminal raw: every printer, through a real pseudo-terminal; JSON escapes instead."""

from __future__ import annotations

import json
from pathlib import Path

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


#: Rich markup in stored text: a hyperlink (OSC 8, a sequence the terminal obeys) and a colour, if read as markup.
RICH_MARKUP = "[link=http://evil.example]go[/link] [bold red]loud[/bold red]"


@pytest.fixture
def markup_db(tmp_path) -> tuple[Path, list[str]]:
    """Two documents starting with the same markup-laden sentence, an author, a tag and a note holding markup."""
    import hashlib

    from annotations.anchoring import anchor_span
    from annotations.model import LoadedDocument
    from annotations.store import Store

    db = tmp_path / "library.db"
    ids = []
    with Store.open(db, author=f"ann {RICH_MARKUP}") as store:
        for ending in (".", "!"):
            text = f"{RICH_MARKUP} one{ending}\n\nA second paragraph, quite different{ending}\n"
            loaded = LoadedDocument(text=text, title=f"T {RICH_MARKUP}{ending}", format="text")
            digest = hashlib.sha256(text.encode()).hexdigest()
            document = store.documents.import_loaded(f"/docs/{len(ids)}.txt", digest, loaded).document
            ids.append(document.id)
            for author in (f"ann {RICH_MARKUP}", f"bo {RICH_MARKUP}"):
                store.as_author(author).annotations.create(
                    document, anchor_span(text, 0, 20), tags=[f"Person:[bold]Eve{ending}[/bold]"], note=RICH_MARKUP
                )
    return db, ids


@pytest.mark.parametrize("args", [["docs"], ["annotations"], ["align"], ["entities"], ["agreement"],
                                  ["mentions", "Person:[bold]Eve.[/bold]"]], ids=lambda a: a[0])
def test_markup_in_stored_text_is_shown_as_written_never_obeyed(markup_db, args):
    db, ids = markup_db
    if args == ["align"]:
        args = ["align", *ids]
    code, sent = through_pty(db, *args)
    text = sent.decode("utf-8", "replace")
    assert code == 0, text
    assert "\x1b]" not in text, text  # no hyperlink, nor any other OSC
    assert "\x1b[1;31m" not in text and "\x1b[31m" not in text, text  # no colour the text asked for
    assert "[link=" in text or "[bold]" in text, text  # the brackets are shown, as typed


def test_one_cell_one_line_and_the_same_stand_ins_on_a_pipe_and_in_a_listing(tmp_path):
    """A tab in a file name stays in its column; a title's ESC and BEL read the same in ``import`` and ``docs``."""
    source = tmp_path / "tab\tname.md"
    source.write_text("# Title \x1b[2J with \x07 bell\n\nSome text here.\n", encoding="utf-8")
    db = tmp_path / "library.db"
    imported = margin(db, "import", str(source))
    assert imported.code == 0, imported.err
    assert "Title ␛[2J with ␇ bell" in imported.out, imported.out  # a pipe: click would drop the ESC sequence
    listed = margin(db, "docs")
    assert listed.code == 0, listed.err
    rows = listed.out.strip().splitlines()
    assert len(rows) == 2, listed.out  # the heading and one document, not a row broken at the tab
    assert "Title ␛[2J with ␇ bell" in rows[1] and "tab␉name.md" in rows[1], listed.out
