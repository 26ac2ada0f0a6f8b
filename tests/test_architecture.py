"""The parts stay apart: the import contracts in pyproject.toml hold, and no module grows into several.

The contracts (checked by import-linter over the real import graph, imports
inside functions and under ``TYPE_CHECKING`` included) keep ``annotations``
headless, keep the command line from importing the Textual reader, keep
document loading below both front ends, and forbid import cycles between
sibling packages and modules at any depth.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Lines past which a module is a sign of more than one job (the style guide says about 400).
MODULE_LINES = 450


def test_import_contracts_are_kept():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "BROKEN" not in result.stdout
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def test_a_forbidden_import_breaks_a_contract(tmp_path):
    """The check can fail: a copy of the tree where the core imports the reader is refused."""
    copy = tmp_path / "tree"
    for part in ("annotations", "reader"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    errors = copy / "annotations" / "errors.py"
    errors.write_text(errors.read_text(encoding="utf-8") + "\nimport reader.tui.app  # noqa\n", encoding="utf-8")
    linter = Path(sys.executable).with_name("lint-imports")
    env = {"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([str(linter), "--no-cache"], cwd=copy, capture_output=True, text=True, env=env)
    assert result.returncode != 0
    assert "The headless core imports neither the front ends nor Textual BROKEN" in result.stdout


def test_no_module_holds_several_jobs():
    long = []
    for package in ("annotations", "reader"):
        for path in (ROOT / package).rglob("*.py"):
            lines = path.read_text(encoding="utf-8").count("\n")
            if lines > MODULE_LINES:
                long.append(f"{path.relative_to(ROOT)}: {lines}")
    assert not long, f"over {MODULE_LINES} lines, split by job: {long}"
