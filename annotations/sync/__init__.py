"""Live sharing: several libraries kept in step through an existing sync engine (pycrdt, Yjs).

:mod:`.rows` reads and writes a library's shared rows as fields and checks a
peer's values; :mod:`.replica` keeps one library in step with a CRDT document;
:mod:`.network` serves a library and connects to a server. The last two need the
optional ``margin[sync]`` packages and are imported only when used;
:func:`missing` says, in one line, what to install when they are absent.
"""

from __future__ import annotations

import hashlib
import importlib.util
import ipaddress
import json

from ..store import Store
from .rows import KINDS, Rows

__all__ = ["INSTALL_HINT", "digest", "is_loopback", "missing"]

#: What to tell someone whose margin lacks the sync packages.
INSTALL_HINT = "live sharing needs the sync extra: pip install 'margin[sync]'"


def missing() -> str | None:
    """None when the sync packages are installed, else the one line that says how to install them."""
    for module in ("pycrdt", "pycrdt.websocket", "websockets"):
        try:
            if importlib.util.find_spec(module) is None:
                return INSTALL_HINT
        except (ImportError, ValueError):
            return INSTALL_HINT
    return None


def is_loopback(host: str) -> bool:
    """Whether *host* names this machine only (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def digest(store: Store) -> str:
    """A digest of everything a library shares (texts, titles given, tags, annotations, links, deletions), ids aside.

    Two libraries in step have the same digest, whatever their local ids,
    paths and reading positions.
    """
    rows = Rows(store)
    content = hashlib.sha256()
    for kind in KINDS:
        for key in sorted(rows.times(kind)):
            fields = rows.read(kind, key)
            if fields is None:
                continue
            if kind == "documents":  # the key is the text; ids, and titles read from files, stay each library's own
                fields = {"renamed": fields.get("renamed")}
            content.update(json.dumps([kind, key, fields], sort_keys=True, ensure_ascii=False).encode())
    return content.hexdigest()
