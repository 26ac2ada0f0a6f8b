"""Which exchange formats exist, how to tell them apart, and which module handles each.

The CLI (and anything else) asks here instead of importing format modules
itself, so each module loads only when its format is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..collector import collection_paused
from ..errors import MarginError
from ..store import Store
from .report import ImportReport
from .selection import Selection

#: Export formats written as one text (to standard output or a file) → (module, function).
TEXT_EXPORTS: dict[str, tuple[str, str]] = {
    "w3c": ("w3c", "export_collection"),
    "jsonl": ("w3c", "export_jsonl"),
    "csv": ("tabular", "export_annotations_csv"),
    "codebook-csv": ("tabular", "export_codebook_csv"),
    "csv-codebook": ("tabular", "export_codebook_csv"),
}
#: Export formats that write files themselves (they need a destination) → (module, function).
FILE_EXPORTS: dict[str, tuple[str, str]] = {
    "qdpx": ("refiqda", "export_qdpx"),
    "qdc": ("refiqda", "export_qdc"),
    "brat": ("brat", "export_brat"),
}
#: Import formats → (module, function).
IMPORTS: dict[str, tuple[str, str]] = {
    "w3c": ("w3c", "import_w3c"),
    "jsonl": ("w3c", "import_w3c"),
    "hypothesis": ("hypothesis", "import_hypothesis"),
    "qdpx": ("refiqda", "import_qdpx"),
    "qdc": ("refiqda", "import_qdc"),
    "brat": ("brat", "import_brat"),
    "csv-codebook": ("tabular", "import_codebook_csv"),
    "codebook-csv": ("tabular", "import_codebook_csv"),
    "taguette-csv": ("taguette", "import_highlights_csv"),
    "taguette": ("taguette", "import_project"),
}
#: Import formats whose annotations may need ``--doc`` to find their document.
TAKES_DOCUMENT = frozenset({"w3c", "jsonl", "hypothesis", "taguette-csv"})

_BY_SUFFIX = {
    ".qdpx": "qdpx", ".qde": "qdpx", ".qdc": "qdc", ".ann": "brat", ".csv": "csv-codebook", ".tsv": "csv-codebook",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".sqlite3": "taguette",
}


def _function(module: str, name: str, fmt: str) -> Callable[..., Any]:
    try:
        loaded = importlib.import_module(f"{__package__}.{module}")
    except ModuleNotFoundError as error:
        if error.name == f"{__package__}.{module}":
            raise MarginError(f"the {fmt} format is not available in this version of margin") from None
        raise
    found = getattr(loaded, name, None)
    if found is None:
        raise MarginError(f"the {fmt} format is not available in this version of margin")
    return found


def export_text(selection: Selection, fmt: str) -> str:
    """The selection in a one-text format (``w3c``, ``jsonl``, ``csv``, ``codebook-csv``)."""
    return str(_function(*TEXT_EXPORTS[fmt], fmt)(selection))


def export_files(selection: Selection, fmt: str, destination: Path, *, overwrite: bool, author: str) -> list[Path]:
    """Write the selection in a file format (``qdpx``, ``qdc``, ``brat``); returns the files written."""
    function = _function(*FILE_EXPORTS[fmt], fmt)
    if fmt == "qdpx":
        return list(function(selection, destination, overwrite=overwrite, author=author))
    return list(function(selection, destination, overwrite=overwrite))


def detect(path: Path) -> str:
    """The import format of *path*, by what it is, its suffix, then its content."""
    return _detected(path)[0]


def _detected(path: Path) -> tuple[str, list[Any] | None]:
    """:func:`detect`'s answer, and the file's JSON values when telling the format meant reading them.

    A JSON file is W3C or Hypothesis by its content, so it is parsed to tell;
    the import is handed those values rather than parsing the file again (a
    tenth of importing 10,000 W3C annotations).
    """
    path = path.expanduser()
    if path.is_dir():
        return "brat", None
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv") and path.is_file():
        from .taguette import is_highlights_csv

        with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
            first = handle.readline()
        if is_highlights_csv(first.replace("\t", ",").split(",")):
            return "taguette-csv", None
    json_lines = _BY_SUFFIX.get(suffix) == "jsonl"
    if suffix in _BY_SUFFIX and not json_lines:
        return _BY_SUFFIX[suffix], None
    if json_lines or suffix in (".json", ".jsonld", ""):
        if not path.exists():
            raise MarginError(f"{path} does not exist")
        from .hypothesis import is_empty_page, looks_like_hypothesis
        from .jsonfile import load_json_documents, read_text

        # JSON Lines too: the Hypothesis API's rows (or its pages of rows) are often saved one to a line.
        values = load_json_documents(read_text(path), path.name)
        sample = [value for value in values[:20] if not is_empty_page(value)]
        hypothesis = bool(sample) and all(looks_like_hypothesis(value) for value in sample)
        return ("hypothesis" if hypothesis else "jsonl" if json_lines else "w3c"), values
    if not path.exists():
        raise MarginError(f"{path} does not exist")
    raise MarginError(
        f"cannot tell what kind of file {path.name} is; name its format with --format "
        f"({', '.join(sorted(IMPORTS))})"
    )


def import_file(store: Store, path: Path, fmt: str = "auto", *, document_ref: str | None = None) -> ImportReport:
    """Import annotations (or a codebook) from *path* in format *fmt* (``auto`` detects it)."""
    with collection_paused():  # the parsed file and what is made of it live until the end: a quarter of 50,000's time
        return _import_file(store, path, fmt, document_ref)


def _import_file(store: Store, path: Path, fmt: str, document_ref: str | None) -> ImportReport:
    values = None
    if fmt == "auto":
        fmt, values = _detected(path)
    if document_ref is not None and fmt not in TAKES_DOCUMENT:
        raise MarginError(f"--doc applies to {', '.join(sorted(TAKES_DOCUMENT))} files, not {fmt}")
    function = _function(*IMPORTS[fmt], fmt)
    before = store.db.conn.total_changes
    if values is not None:
        report = function(store, path.expanduser(), document_ref=document_ref, values=values)
    elif fmt in TAKES_DOCUMENT:
        report = function(store, path.expanduser(), document_ref=document_ref)
    else:
        report = function(store, path.expanduser())
    report.changed = store.db.conn.total_changes != before
    return report
