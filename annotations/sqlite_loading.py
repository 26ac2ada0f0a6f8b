"""Loading sqlite-utils without the array libraries it would pull in.

sqlite-utils imports numpy and pandas at import time when they are installed,
only to map their number types to column types when it creates tables from
Python values. margin never hands it numpy or pandas values, yet with numpy
installed (the alignment extra uses it) every command paid for numpy's import
(about 45 ms, more than sqlite-utils itself). :func:`load` imports sqlite-utils
with the two hidden from that one import, on the loading thread only; they stay
importable for whoever needs them (another thread may import numpy meanwhile),
and when something already imported them nothing changes. Nothing is loaded
when this module is imported: a library opened to be read needs no sqlite-utils
(see :mod:`annotations.store.database`).

sqlite-utils also imports dateutil's date parser at import time, for two
recipes (``parsedate``, ``parsedatetime``) margin never calls; it is handed
a module that loads itself on first use instead (:func:`_lazy`), which takes
about 20 ms off every command. Whoever uses the parser gets the whole of it.
Likewise the one regular expression it compiles at import that costs
something (about 11 ms: case-insensitive, over most of Unicode), used only to
read a virtual table's module: it is compiled when first used (:class:`LazyPattern`).
"""

from __future__ import annotations

import builtins
import importlib
import importlib.util
import re
import sys
import threading
from typing import Any

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


#: What marks the regular expression sqlite-utils compiles at import that is worth deferring.
DEFERRED_PATTERN = r"CREATE\s+VIRTUAL\s+TABLE"


class LazyPattern:
    """A regular expression compiled on its first use; it then answers as the compiled pattern does."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        compiled = self._compiled
        if compiled is None:
            with self._lock:
                compiled = self._compiled = self._compiled or re.compile(*self._source)
        return getattr(compiled, name)


def _importing_with_deferred_pattern() -> None:
    """Import sqlite-utils with its costly import-time pattern deferred (every other is compiled as usual)."""
    original = re.compile

    def compile_(pattern: Any, flags: int = 0) -> Any:
        if isinstance(pattern, str) and DEFERRED_PATTERN in pattern:
            return LazyPattern(pattern, flags)
        return original(pattern, flags)

    re.compile = compile_
    try:
        import sqlite_utils  # noqa: F401
    finally:
        re.compile = original


#: One loading at a time: the import hook below is installed for the loading thread only.
_LOADING = threading.Lock()


def _refusing(names: tuple[str, ...], original: Any) -> Any:
    """*original* (``__import__`` or ``importlib.import_module``), refusing *names* to this thread only.

    sqlite-utils may now be loaded late, on any thread (a library is opened
    without it, see :mod:`annotations.store.database`), while another thread
    imports numpy for the aligner: hiding numpy from the whole process, as
    ``sys.modules[name] = None`` would, could make that import fail.
    """
    loading = threading.get_ident()

    def import_(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.partition(".")[0] in names and threading.get_ident() == loading:
            raise ImportError(f"{name} is not loaded for sqlite-utils")
        return original(name, *args, **kwargs)

    return import_


def load() -> None:
    """Import sqlite-utils (once) without importing numpy or pandas for it, nor dateutil's parser until it is used."""
    if "sqlite_utils" in sys.modules:
        return
    with _LOADING:
        if "sqlite_utils" in sys.modules:
            return
        for name in DEFERRED:
            _lazy(name)
        hidden = tuple(name for name in HIDDEN if name not in sys.modules)
        statement, function = builtins.__import__, importlib.import_module
        builtins.__import__ = _refusing(hidden, statement)
        importlib.import_module = _refusing(hidden, function)
        try:
            _importing_with_deferred_pattern()
        finally:
            builtins.__import__, importlib.import_module = statement, function
