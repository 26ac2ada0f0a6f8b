"""The headless core never loads Textual, and neither do headless commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def loaded_modules(code: str) -> set[str]:
    script = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_annotations_package_loads_neither_textual_nor_reader():
    modules = loaded_modules(
        "import annotations, annotations.store, annotations.anchoring, annotations.export.markdown, annotations.export.gather"
    )
    assert "annotations.store" in modules
    assert not {m for m in modules if m == "textual" or m.startswith("textual.")}
    assert not {m for m in modules if m == "reader" or m.startswith("reader.")}


def test_no_annotations_module_imports_reader_or_textual():
    for path in (ROOT / "annotations").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for forbidden in ("import textual", "from textual", "import reader", "from reader"):
            assert forbidden not in source, f"{path.relative_to(ROOT)} has {forbidden!r}"


def test_headless_commands_do_not_load_textual(tmp_path):
    code = f"""
from click.testing import CliRunner
from reader.cli import cli
from reader.samples import sample_paths
db = {str(tmp_path / 'h.db')!r}
runner = CliRunner()
for args in (["import", *map(str, sample_paths())], ["docs"], ["annotate", "Notice", "--quote", "The closure is a precaution.", "--tag", "Claim/Safety"],
             ["annotations"], ["tags"], ["search", "shuttle"], ["export"], ["undo"], ["demo", "--print"]):
    result = runner.invoke(cli, ["--db", db, *args])
    assert result.exit_code == 0, (args, result.output)
"""
    modules = loaded_modules(code)
    assert "reader.cli" in modules
    assert not {m for m in modules if m == "textual" or m.startswith("textual.")}


def test_opening_a_library_does_not_load_numpy_yet_numpy_still_works():
    # sqlite-utils would import numpy (about 45 ms on every command) only to know its number types.
    pytest.importorskip("numpy")
    modules = loaded_modules(
        "import reader.cli, annotations.store, annotations.schema\n"
        "from annotations.store import Store\n"
        "Store.open(':memory:', author='a').close()"
    )
    assert "sqlite_utils" in modules
    assert "numpy" not in modules and "pandas" not in modules
    after = loaded_modules("import annotations.store\nimport numpy\nassert numpy.arange(3).sum() == 3")
    assert "numpy" in after
