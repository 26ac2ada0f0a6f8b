"""CSV: annotations as rows for a spreadsheet, and the codebook (tags) in and out.

Annotations: one row per annotation and tag (an annotation with no tag has
one row with the tag cells empty), with document, section, code-point
offsets, quote, note, author and dates.

Codebook: the layout Taguette writes (``tag``, ``description``,
``number of highlights``, ``number of documents``) followed by margin's own
columns (``kind``, ``entity type``, ``colour``, ``aliases`` as :mod:`.aliases` writes them), which Taguette
ignores. Import takes Taguette's layout and the tools that copy it: a
``tag`` (or ``name``, or ``path``) column, optionally ``description`` and a
``parent`` (or ``tag_parent``) path; comma, semicolon or tab separated.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is written with a leading ``'`` so that no spreadsheet runs it as a formula
(the OWASP rule); the codebook import takes that ``'`` off again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import MarginError
from ..export.files import read_input
from ..model import Annotation, Tag, TagKind
from ..sections import Outline
from ..store import Store
from ..store.tagging import canonical_entity_type, parse_tag_spec
from .aliases import join_aliases, split_aliases
from .intake import Intake
from .report import ImportReport
from .selection import Selection

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

ANNOTATION_COLUMNS = (
    "annotation_id", "document", "section", "start", "end", "quote", "tag", "tag_kind", "entity_type",
    "note", "author", "created", "updated", "document_id", "anchor_state", "anchor_score", "fragments",
)
CODEBOOK_COLUMNS = (
    "tag", "description", "number of highlights", "number of documents", "kind", "entity type", "colour", "aliases",
)


def neutralise(value: object) -> object:
    """*value* as a spreadsheet cell that cannot be a formula: text starting like one gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _restore(value: str) -> str:
    """Undo :func:`neutralise` on a cell read back."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def tag_spec(tag: Tag) -> str:
    """A tag as margin reads it when typed: ``Theme/Secrecy`` or ``Person:Ada Lovelace``."""
    if tag.kind is TagKind.ENTITY and tag.entity_type:
        return f"{tag.entity_type}:{tag.name}"
    return tag.name


def _tag_order(tag: Tag) -> tuple[int, str, str, str]:
    return (0 if tag.kind is TagKind.TOPIC else 1, (tag.entity_type or "").casefold(), tag.name.casefold(), tag.id)


def _fragments(annotation: Annotation) -> str:
    """A passage in fragments as brat writes offsets, ``0 5;16 23`` (start and end its covering span); else empty."""
    return ";".join(f"{f.start} {f.end}" for f in annotation.fragments)


def export_annotations_csv(selection: Selection) -> str:
    """The selection's annotations as CSV text, documents by title, then reading order."""
    order = {d.id: n for n, d in enumerate(selection.documents)}
    titles = {d.id: d.title for d in selection.documents}
    outlines = {d.id: Outline(selection.sections.get(d.id, ())) for d in selection.documents}
    rows: list[list[object]] = []
    annotations = sorted(
        (a for a in selection.annotations if not a.deleted),
        key=lambda a: (order.get(a.document_id, 0), a.start, a.end, a.created, a.id),
    )
    for a in annotations:
        section = outlines[a.document_id].label(a.start) if a.document_id in outlines else ""
        tags: list[Tag | None] = [*sorted((t for t in a.tags if not t.deleted), key=_tag_order)] or [None]
        for tag in tags:
            row: list[object] = [
                a.id, titles.get(a.document_id, ""), section, a.start, a.end, a.quote,
                tag.name if tag else "", tag.kind.value if tag else "", (tag.entity_type or "") if tag else "",
                a.note, a.author, a.created, a.updated, a.document_id,
                a.anchor_state, "" if a.anchor_score is None else a.anchor_score, _fragments(a),
            ]
            rows.append(row)
    # Orphans last: their offsets belong to an older text, so none are given.
    for a in sorted(selection.orphans, key=lambda a: (order.get(a.document_id, 0), a.created, a.id)):
        tags = [*sorted((t for t in a.tags if not t.deleted), key=_tag_order)] or [None]
        for tag in tags:
            rows.append([
                a.id, titles.get(a.document_id, ""), "", "", "", a.quote,
                tag.name if tag else "", tag.kind.value if tag else "", (tag.entity_type or "") if tag else "",
                a.note, a.author, a.created, a.updated, a.document_id, "orphaned", "", "",
            ])
    return _csv(ANNOTATION_COLUMNS, rows)


def export_codebook_csv(selection: Selection) -> str:
    """Every tag in the library, with how often the selection uses it, in Taguette's codebook layout."""
    highlights: dict[str, int] = {}
    documents: dict[str, set[str]] = {}
    for a in selection.annotations:
        if a.deleted:
            continue
        for tag in a.tags:
            highlights[tag.id] = highlights.get(tag.id, 0) + 1
            documents.setdefault(tag.id, set()).add(a.document_id)
    rows = [
        [
            tag_spec(tag), tag.description, highlights.get(tag.id, 0), len(documents.get(tag.id, ())),
            tag.kind.value, tag.entity_type or "", tag.colour, join_aliases(tag.aliases),
        ]
        for tag in sorted(selection.tags, key=_tag_order)
        if not tag.deleted
    ]
    return _csv(CODEBOOK_COLUMNS, rows)


# --------------------------------------------------------------------------
# Codebook import
# --------------------------------------------------------------------------


def _decode(data: bytes, name: str, report: ImportReport) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise MarginError(f"{name} is not text")
    report.warnings.append(f"{name} is not UTF-8; read it as {best.encoding}")
    return str(best)


def _rows(text: str, name: str) -> list[list[str]]:
    """The file's rows; the separator (comma, semicolon or tab) is the one its header uses most."""
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter if header.count(delimiter) else ","))
    except csv.Error as error:
        raise MarginError(f"{name} is not a readable CSV file ({error})") from None


def _column(header: list[str], *names: str) -> int | None:
    return next((header.index(n) for n in names if n in header), None)


def import_codebook_csv(store: Store, path: Path) -> ImportReport:
    """Add the tags of a codebook CSV (Taguette's layout, or margin's); existing tags are kept.

    An existing tag without a description takes the file's. A row with no tag
    name, or a file with no ``tag``/``name``/``path`` column, is refused with
    the line it is on, and nothing is imported.
    """
    path = path.expanduser()
    name = path.name or str(path)
    report = ImportReport(source=name)
    rows = _rows(_decode(read_input(path), name, report), name)
    if not rows:
        raise MarginError(f"{name} is empty")
    header = [cell.strip().lower() for cell in rows[0]]
    if all(column in header for column in ("id", "document", "tag", "content")):
        raise MarginError(
            f"{name}: this is Taguette's highlights CSV, not a codebook; import it with --format taguette-csv"
            " (which --format auto picks)"
        )
    if "annotation_id" in header and "quote" in header:
        raise MarginError(
            f"{name}: this is margin's annotations CSV, a report for spreadsheets that is not read back;"
            " to move annotations between libraries use --format w3c or qdpx"
        )
    columns = [c for c in ("tag", "name", "path") if c in header]
    if len(columns) != 1:
        raise MarginError(
            f"{name}: needs one column named tag, name or path"
            + (f" (it has {', '.join(columns)})" if columns else "")
        )
    at_name = header.index(columns[0])
    at_description = _column(header, "description")
    at_parent = _column(header, "parent", "tag_parent")
    at_kind = _column(header, "kind")
    at_type = _column(header, "entity type", "entity_type")
    at_colour = _column(header, "colour", "color")
    at_aliases = _column(header, "aliases")

    def cell(row: list[str], at: int | None) -> str:
        return _restore(row[at].strip()) if at is not None and at < len(row) else ""

    wanted = []
    for line, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        tag_name = cell(row, at_name)
        if not tag_name:
            raise MarginError(f"{name}, line {line}: the tag name is empty")
        parent = cell(row, at_parent)
        if parent and not tag_name.casefold().startswith(parent.casefold() + "/"):
            tag_name = f"{parent}/{tag_name}"
        wanted.append((line, tag_name, row))

    with store.importing() as batch:
        intake = Intake(store, batch, report)
        entity_types = store.tags.entity_types()
        for line, tag_name, row in wanted:
            kind, tag_name, entity_type = _kind(intake, entity_types, tag_name, cell(row, at_kind), cell(row, at_type))
            if entity_type and entity_type not in entity_types:
                entity_types.append(entity_type)
            description = cell(row, at_description)
            before = report.tags
            tag = store.tags.get(
                intake.tag(kind, tag_name, entity_type=entity_type, colour=cell(row, at_colour) or None,
                           description=description)
            )
            if report.tags == before and description and not tag.description:
                store.tags.describe(tag.id, description)
            for alias in split_aliases(cell(row, at_aliases)):
                if alias and alias.casefold() not in {a.casefold() for a in (tag.name, *tag.aliases)}:
                    try:
                        store.tags.add_alias(tag.id, alias)
                    except MarginError as error:
                        report.warnings.append(f"{name}, line {line}: alias “{alias}” left out: {error}")
        intake.finish()
    return report


def _kind(
    intake: Intake, entity_types: list[str], name: str, kind: str, entity_type: str
) -> tuple[TagKind, str, str | None]:
    """What a codebook row names: margin's own columns if present, else the name read as margin reads it."""
    if kind.strip().lower() == TagKind.ENTITY.value and entity_type:
        prefix = f"{entity_type}:"
        if name.casefold().startswith(prefix.casefold()):
            name = name[len(prefix):].strip()
        return TagKind.ENTITY, name, canonical_entity_type(entity_type)
    if kind.strip().lower() == TagKind.TOPIC.value:
        return TagKind.TOPIC, name, None
    spec = parse_tag_spec(name, entity_types)
    if spec.kind is TagKind.ENTITY:
        return TagKind.ENTITY, spec.name, spec.entity_type
    existing = intake.store.tags.find(spec.name) if intake.may_name_a_tag(spec.name) else None
    if existing is not None:
        return existing.kind, existing.name, existing.entity_type
    return TagKind.TOPIC, spec.name, None
