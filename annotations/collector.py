"""Python's cycle collector held while bulk work builds tens of thousands of objects.

An export or an import makes objects by the ten thousand (rows, annotations,
parsed JSON) and keeps them until it ends; none of them form cycles. Yet each
few hundred new objects set the collector walking, and every so often it
walks everything alive, the whole parsed file included, so its cost grows
faster than the work: a twentieth of an export of 10,000 annotations, a tenth
of an import of 10,000 W3C annotations and a quarter of one of 50,000.
Reference counting still frees everything as usual while it is held, and the
collector runs again as soon as the work ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    """Hold the cycle collector within (nested uses and an already held collector are left as they are)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
