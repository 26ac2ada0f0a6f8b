"""The library's schema: what queries need to know of it, and the names of its migrations.

The migrations themselves (:mod:`annotations.schema.registry`, sqlite-utils'
``Migrations`` over the functions in ``first.py``, ``keys.py``...) are loaded
only when a library needs one applied, or is not yet known to be margin's:
opening an up-to-date library reads the names it has applied and compares them
with :data:`MIGRATION_NAMES`, without importing sqlite-utils.

Migrations are never edited once released: a new column or table is a new
function, in a module of its own there or at the bottom of the latest one,
imported by the registry in order, and its name goes at the end of
:data:`MIGRATION_NAMES` (a test holds the two lists equal). A file whose
applied migrations include names margin does not know was written by a newer
margin, and is refused.
"""

from __future__ import annotations

MIGRATION_SET = "margin"

#: Every migration of :data:`MIGRATION_SET`, in the order they are applied.
MIGRATION_NAMES = (
    "m001_initial",
    "m002_anchor_states",
    "m003_reading_layout",
    "m004_document_renames",
    "m005_identifiers_attributes",
    "m006_classroom",
    "m007_entity_work",
    "m008_alignment_rejections",
    "m009_fragments",
    "m010_consensus",
    "m011_tag_history",
    "m012_annotation_indexes",
    "m013_sync_state",
    "m014_version_keys",
    "m015_plain_checks",
    "m016_marked_index",
)

#: Where sqlite-utils' ``Migrations`` records what it applied (one row per migration).
MIGRATIONS_TABLE = "_sqlite_migrations"

#: Annotations longer than this many characters are in an index of their own (see m012_annotation_indexes).
LONG_ANNOTATION = 1000

#: An annotation's ``version_key`` for a version id bound as ``?`` (m014_version_keys): the version's rowid.
VERSION_KEY = "(SELECT rowid FROM versions WHERE id = ?)"
#: The ``version_key`` of the current version of the document aliased ``d`` in the query.
CURRENT_VERSION_KEY = "(SELECT rowid FROM versions WHERE id = d.current_version)"
