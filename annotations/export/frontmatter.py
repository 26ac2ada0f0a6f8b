"""YAML front matter: the export's title, counts, authors and filters, at the top of the file.

Obsidian and other tools read it as properties. Tags that go by other names
are listed with them (``tag_aliases``). Every value is a
double-quoted scalar (which is also a JSON string), so no title or name can
turn into YAML structure; templates get the same quoting as a filter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..model import Document
from .notes import Entry

_YAML_SPECIAL = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]')
_YAML_SHORT = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _yaml_char(match: re.Match[str]) -> str:
    ch = match.group()
    short = _YAML_SHORT.get(ch)
    if short is not None:
        return short
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        code = 0xFFFD
    return f"\\u{code:04x}"


def yaml_str(text: str) -> str:
    """A double-quoted YAML scalar (which is also a JSON string) holding *text*."""
    return '"' + _YAML_SPECIAL.sub(_yaml_char, text) + '"'


def _yaml_list(key: str, values: Sequence[str], indent: str = "") -> list[str]:
    if not values:
        return [f"{indent}{key}: []"]
    return [f"{indent}{key}:", *(f"{indent}  - {yaml_str(v)}" for v in values)]


def front_matter(
    documents: Sequence[Document],
    entries: Sequence[Entry],
    filters: Mapping[str, Sequence[str]] | None,
) -> list[str]:
    """The built-in layout's front matter; *filters* records how the caller chose what to export."""
    title = documents[0].title if len(documents) == 1 else "Reading notes"
    tag_ids = {t.id for e in entries for t in e.annotation.tags if not t.deleted}
    authors = {e.annotation.author for e in entries if e.annotation.author}
    stamps = [e.annotation.updated or e.annotation.created for e in entries]
    stamps = [s for s in stamps if s]
    lines = ["---", f"title: {yaml_str(title)}"]
    lines += _yaml_list("documents", [d.title for d in documents])
    lines += [f"annotation_count: {len(entries)}", f"tag_count: {len(tag_ids)}"]
    lines += _yaml_list("authors", sorted(authors, key=lambda s: (s.casefold(), s)))
    lines.append(f"updated: {yaml_str(max(stamps)) if stamps else 'null'}")
    named = {t.id: t for e in entries for t in e.annotation.tags if not t.deleted and t.aliases}
    if named:  # the other names each tag goes by, so a reader of the notes can find "CNPC" under its entity
        lines.append("tag_aliases:")
        for tag in sorted(named.values(), key=lambda t: (t.label.casefold(), t.id)):
            lines.append(f"  {yaml_str(tag.label)}: [{', '.join(yaml_str(a) for a in tag.aliases)}]")
    if filters:
        lines.append("filters:")
        for key in sorted(filters):
            values = filters[key]
            if isinstance(values, str):
                values = (values,)
            lines += _yaml_list(yaml_str(key), list(values), indent="  ")
    lines.append("---")
    return lines
