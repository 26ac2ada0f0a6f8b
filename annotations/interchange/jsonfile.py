"""Reading a JSON or JSON Lines file the user named, with a one-line error when it is neither.

W3C Web Annotation and Hypothesis files both come as JSON or JSON Lines, and
telling them apart means reading one first, so the W3C and Hypothesis imports
and format detection all read through here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import MarginError
from ..export.files import read_input


def load_json_documents(text: str, name: str) -> list[Any]:
    """*text* as one JSON value, or as JSON Lines; a one-line error naming *name* otherwise."""
    try:
        return [json.loads(text)]
    except RecursionError:
        raise MarginError(f"{name} is nested too deeply to read") from None
    except json.JSONDecodeError as whole:
        values = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                values.append(json.loads(line))
            except RecursionError:
                raise MarginError(f"{name}, line {number}, is nested too deeply to read") from None
            except json.JSONDecodeError as error:
                at = whole if number == 1 else error
                where = f"line {at.lineno}" if at is whole else f"line {number}"
                raise MarginError(f"{name} is not JSON or JSON Lines ({where}: {at.msg})") from None
        if not values:
            raise MarginError(f"{name} is empty") from None
        return values


def read_text(path: Path) -> str:
    """A UTF-8 file's text (a BOM allowed), or a one-line error naming it."""
    data = read_input(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MarginError(f"{path.expanduser().name} is not UTF-8 text") from None
