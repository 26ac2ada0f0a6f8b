"""sqlite-utils' ``Migrations`` object that every migration module registers with.

Importing it loads sqlite-utils (without numpy). The migrations are registered,
in order, by importing :mod:`annotations.schema.registry`.
"""

from __future__ import annotations

from .. import sqlite_loading

sqlite_loading.load()  # first: sqlite-utils without numpy

from sqlite_utils.migrations import Migrations  # noqa: E402

from . import MIGRATION_SET  # noqa: E402

migrations = Migrations(MIGRATION_SET)
