"""Loading sqlite-utils without the array libraries it would pull in.

sqlite-utils imports numpy and pandas at import time when they are installed,
only to map their number types to column types when it creates tables from
Python values. margin never hands it numpy or pandas values, yet with numpy
installed (the alignment extra uses it) every command paid for numpy's import
(about 45 ms, more than sqlite-utils itself). Importing this module imports sqlite-utils
with the two hidden for that one import (:func:`load`); they stay importable for
whoever needs them, and when something already imported them nothing changes.
"""

from __future__ import annotations

import sys

#: Imported by sqlite-utils only to extend its column-type mapping.
HIDDEN = ("numpy", "pandas")


def load() -> None:
    """Import sqlite-utils (once) without importing numpy or pandas for it."""
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in HIDDEN if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` raise ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


load()
