"""One C allocator arena for the reader's threads, where the C library allows choosing.

glibc gives each thread that allocates an arena of its own and keeps what the
thread freed there for that arena alone. The reader's workers (the highlights,
the whole book's layout after the first frame) each allocate a few megabytes
for a moment; with an arena apiece, what they free cannot serve the main
thread later, and the reader's peak memory stayed 3–5 MB higher (one book /
two books, measured under tmux: docs/performance.md). The workers run Python
under one interpreter lock, so sharing one arena costs them no waiting worth
measuring. Elsewhere (musl, macOS, Windows) nothing is changed.
"""

from __future__ import annotations

import ctypes
import sys

#: glibc's ``mallopt`` parameter for the most arenas (``M_ARENA_MAX`` in malloc.h).
_M_ARENA_MAX = -8


def one_arena() -> bool:
    """Ask glibc for one allocator arena for every thread; True when it agreed."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter itself runs on
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, 1))
