"""The library's schema, one migration per change, applied in order on open.

Migrations are never edited once released: a new column or table is a new
function, in a module of its own here or at the bottom of the latest one,
imported below in order. A file whose applied migrations include names this
list does not know was written by a newer margin, and is refused.
"""

from __future__ import annotations

from .. import sqlite_loading  # noqa: F401  (first: sqlite-utils without numpy)
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "margin"

#: Annotations longer than this many characters are in an index of their own (see m012_annotation_indexes).
LONG_ANNOTATION = 1000
migrations = Migrations(MIGRATION_SET)

#: An annotation's ``version_key`` for a version id bound as ``?`` (m014_version_keys): the version's rowid.
VERSION_KEY = "(SELECT rowid FROM versions WHERE id = ?)"
#: The ``version_key`` of the current version of the document aliased ``d`` in the query.
CURRENT_VERSION_KEY = "(SELECT rowid FROM versions WHERE id = d.current_version)"

# Registered in this order, which is the order they are applied in.
from . import first  # noqa: E402,F401  (m001–m013)
from . import keys  # noqa: E402,F401  (m014)
