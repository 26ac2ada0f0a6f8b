"""File names from titles: nothing in a title can leave the folder, hide an extension or clash."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from annotations.export.naming import MAX_STEM_BYTES, safe_stem, unique_file_names

RESERVED = ["CON", "prn", "Aux", "NUL", "COM1", "lpt9", "COM¹", "CONIN$"]


def assert_safe(name: str) -> None:
    assert name and name not in (".", "..")
    assert "/" not in name and "\\" not in name and ".." not in name
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in name)
    assert not any(ch in name for ch in ':*?"<>|\u202e\u202d\u200f\u2066')
    assert not name.startswith((".", " ")) and not name.endswith((".", " "))
    assert name.split(".")[0].upper() not in {r.upper() for r in RESERVED}
    assert len(name.encode("utf-8")) <= MAX_STEM_BYTES


def test_path_tricks_are_flattened():
    assert safe_stem("../../etc/passwd") == "etc passwd"
    assert safe_stem("..\\..\\Windows\\win.ini") == "Windows win.ini"
    assert safe_stem("a/b: c?") == "a b c"
    assert safe_stem("...") == "untitled" and safe_stem("") == "untitled" and safe_stem(" \t\n") == "untitled"
    assert safe_stem(".hidden") == "hidden"
    assert safe_stem("report\u202etxt.exe") == "reporttxt.exe"


def test_reserved_windows_names_are_changed():
    for name in RESERVED:
        assert_safe(safe_stem(name))
        assert_safe(safe_stem(name + ".txt"))
    assert safe_stem("con.txt") == "con_.txt"
    assert safe_stem("Console") == "Console"


def test_long_titles_are_cut_between_characters():
    stem = safe_stem("é" * 500)
    assert len(stem.encode("utf-8")) <= MAX_STEM_BYTES and set(stem) == {"é"}
    flags = safe_stem("👨\u200d👩\u200d👧" * 40)
    assert not flags.endswith("\u200d")


def test_clashing_titles_get_numbers_whatever_their_case():
    names = unique_file_names(["Notes", "notes", "NOTES", "Notes (2)", "a/b", "a:b"])
    assert names == ["Notes.md", "notes (2).md", "NOTES (3).md", "Notes (2) (2).md", "a b.md", "a b (2).md"]
    assert len({n.casefold() for n in names}) == len(names)


def test_stems_for_formats_that_write_several_files_per_title():
    """brat writes NAME.txt and NAME.ann: the stems alone must not clash, even when cut short for the number."""
    stems = unique_file_names(["Notes", "notes", "NOTES", "x" * 500, "x" * 500, "é" * 500, "é" * 500], suffix="")
    assert stems[:3] == ["Notes", "notes (2)", "NOTES (3)"]
    assert len({stem.casefold() for stem in stems}) == len(stems)
    assert all(len(stem.encode("utf-8")) <= MAX_STEM_BYTES for stem in stems)


@given(st.lists(st.text(max_size=300), min_size=1, max_size=8))
def test_any_titles_give_safe_distinct_names(titles):
    names = unique_file_names(titles)
    for name in names:
        assert_safe(name[: -len(".md")])
    assert len({n.casefold() for n in names}) == len(names)


def test_naughty_strings_give_safe_names(shared):
    strings = json.loads((shared / "corpus" / "unicode" / "blns.json").read_text(encoding="utf-8"))
    names = unique_file_names(strings)
    for name in names:
        assert_safe(name[: -len(".md")])
    assert len({n.casefold() for n in names}) == len(names)
