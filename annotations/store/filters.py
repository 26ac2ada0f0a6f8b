"""Which annotations a listing selects: the one WHERE clause every annotation listing and export shares."""

from __future__ import annotations

from collections.abc import Iterable


def annotation_filters(
    *,
    document_ids: Iterable[str] = (),
    tag_ids: Iterable[str] = (),
    authors: Iterable[str] = (),
    current_only: bool = True,
    include_deleted: bool = False,
    include_orphans: bool = False,
    attributes: Iterable[tuple[str, str | None]] = (),
) -> tuple[str, list[object]]:
    """The WHERE clause (over ``annotations a`` joined to ``versions v``) and parameters of an annotation listing.

    Each filter is an OR over its values; every attribute filter must hold.
    """
    where = ["1 = 1"]
    params: list[object] = []
    if not include_deleted:
        where.append("a.deleted IS NULL")
    if current_only:
        placed = "(v.id = (SELECT current_version FROM documents WHERE id = v.document_id) AND a.anchor_state != 'orphaned')"
        where.append(f"({placed} OR a.anchor_state = 'orphaned')" if include_orphans else placed)
    for column, values in (("v.document_id", list(document_ids)), ("a.author", list(authors))):
        if values:
            where.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    tag_ids = list(tag_ids)
    if tag_ids:
        where.append(
            f"a.id IN (SELECT annotation_id FROM annotation_tags WHERE tag_id IN ({','.join('?' * len(tag_ids))}))"
        )
        params.extend(tag_ids)
    for name, value in attributes:
        value = value.casefold() if value is not None and value.casefold() in ("true", "false") else value
        # Every attribute filter must hold; a value is compared in words (true, 3, High).
        where.append(
            "EXISTS (SELECT 1 FROM json_each(a.attributes) WHERE key = ? COLLATE NOCASE AND (? IS NULL OR CASE type"
            " WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(value AS TEXT) END = ?))"
        )
        params.extend((name, value, value))
    return " AND ".join(where), params
