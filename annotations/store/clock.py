"""Timestamps and identifiers, injectable so tests can fix time."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timezone

Clock = Callable[[], str]


def utc_now() -> str:
    """ISO 8601 UTC with microseconds: sorts as text, parses everywhere."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_id() -> str:
    """A random UUID: ids from different annotators' files never clash on merge."""
    return str(uuid.uuid4())
