"""Loading sqlite-utils without the array libraries it would pull in.

sqlite-utils imports numpy and pandas at import time when they are installed,
only to map their number types to column types when it creates tables from
Python values. margin never hands it numpy or pandas values, yet with numpy
installed (the alignment extra uses it) every command paid for numpy's import
(about 45 ms, more than sqlite-utils itself). Importing this module imports sqlite-utils
with the two hidden for that one import (:func:`load`); they stay importable for
whoever needs them, and when something already imported them nothing changes.

sqlite-utils also imports dateutil's date parser at import time, for two
recipes (``parsedate``, ``parsedatetime``) margin never calls; it is handed
a module that loads itself on first use instead (:func:`_lazy`), which takes
about 20 ms off every command. Whoever uses the parser gets the whole of it.
"""

from __future__ import annotations

import importlib.util
import sys

#: Imported by sqlite-utils only to extend its column-type mapping.
HIDDEN = ("numpy", "pandas")


#: Imported by sqlite-utils for recipes margin does not use: loaded when first used.
DEFERRED = ("dateutil.parser",)


def _lazy(name: str) -> None:
    """Put a module in ``sys.modules`` that runs *name*'s code only when one of its attributes is first read."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return  # not installed: the import that needs it fails as it would have
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)


def load() -> None:
    """Import sqlite-utils (once) without importing numpy or pandas for it, nor dateutil's parser until it is used."""
    if "sqlite_utils" in sys.modules:
        return
    for name in DEFERRED:
        _lazy(name)
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
