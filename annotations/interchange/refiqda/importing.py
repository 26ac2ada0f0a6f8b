"""Importing REFI-QDA: what :mod:`.reading` read, put into the library in one transaction.

Codes become tags, texts documents, selections annotations (their codings as
tags; their description, notes and memos joined as the note) and links
between two selections links. Ids that are UUIDs are kept, so margin →
REFI-QDA → margin keeps every id.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

from ...properties import split_attributes
from ...store import Store
from ...text import normalise
from ..codetree import CodePlan
from ..intake import Intake
from ..report import ImportReport
from ..xmltext import is_uuid
from .fragments import split_fragment
from .reading import CodingPlan, Project, SelectionPlan, read_codebook, read_project

_LAYERS = "3c1f0b9e-7a2d-4e61-9b8c-5d4e3f2a1b0c"
"""Namespace of the ids given to second and later coders' annotations of one selection."""


def import_qdpx(store: Store, path: Path) -> ImportReport:
    """Import a REFI-QDA project (``.qdpx``, or a bare ``project.qde``): all of it, or nothing."""
    path = path.expanduser()
    project = read_project(path)
    report = ImportReport(source=path.name, skipped=project.skipped, warnings=list(project.warnings))
    with store.importing(total=sum(len(source.selections) for source in project.sources)) as batch:
        intake = Intake(store, batch, report)
        tags = _tags(intake, project.codes, {code for s in project.sources for sel in s.selections for code in sel.codes})
        memos = _memos(project)
        placed: dict[str, str] = {}
        empty = 0
        documents: dict[str, str] = {}
        for source in project.sources:
            text = normalise(source.raw)
            if not text.strip():
                batch.advance(len(source.selections))
                report.skipped += 1 + len(source.selections)
                report.warnings.append(
                    f"“{source.title}” has no text; left out with its {len(source.selections)} selections"
                )
                continue
            document = intake.document(
                title=source.title, text=text, raw=source.raw_bytes, source_path=f"{path.resolve()}#{source.guid}",
                known_id=source.guid if is_uuid(source.guid) else None, origin="REFI-QDA",
            )
            if document.id in documents:
                report.warnings.append(
                    f"“{source.title}” has the same text as “{documents[document.id]}”; both are one document here"
                )
            documents.setdefault(document.id, source.title)
            fragments, absorbed, broken = _fragments(source.selections, source.spans)
            if broken:
                report.warnings.append(
                    f"“{source.title}”: {broken} selections name fragments of passages whose other fragments are not"
                    " all there; each kept as a passage of its own"
                )
            for selection, (start, end) in zip(source.selections, source.spans):
                batch.advance(1)  # each selection counts once, placed or left out
                if selection.guid in absorbed:
                    continue  # a later fragment of a passage: placed with its first
                if start >= end:
                    empty += 1
                    continue
                layers = _layers(selection)
                description, attributes = split_attributes(selection.description)
                description = split_fragment(description)[0]
                notes = [description] + [project.notes.get(g, "") for g in selection.notes]
                notes += memos.get(selection.guid, [])
                for number, (coder, codings) in enumerate(layers):
                    own = number == 0
                    placed_id = intake.annotation(
                        document, start, end,
                        tag_ids=list(dict.fromkeys(tags[c.code] for c in codings)),
                        note=_join((notes if own else []) + [project.notes.get(g, "") for c in codings for g in c.notes]),
                        author=coder,
                        created=selection.created if own else (codings[0].created or selection.created),
                        updated=selection.updated if own else (codings[0].created or selection.updated),
                        annotation_id=_layer_id(selection.guid, coder, own),
                        attributes=attributes,
                        fragments=fragments.get(selection.guid, ()),
                    )
                    if own:
                        placed[selection.guid] = placed_id
                if len(layers) > 1:
                    report.coders_split += 1
        other = 0
        for link in project.links:
            if link.origin in placed and link.target in placed:
                note = _join([project.notes.get(g, "") for g in link.notes])
                intake.link(
                    placed[link.origin], placed[link.target], link.name or "see-also", note=note,
                    link_id=link.guid if is_uuid(link.guid) else None,
                )
            elif not (link.origin in project.notes or link.target in project.notes):
                other += 1
        if report.coders_split:
            report.warnings.append(
                f"selections coded by more than one coder: {report.coders_split}, each coder's codings made"
                " that coder's own annotation"
            )
        if empty:
            report.skipped += empty
            report.warnings.append(f"empty selections: {empty} left out")
        if other:
            report.skipped += other
            report.warnings.append(f"links that do not join two text selections: {other} left out")
        intake.finish()
    return report


def import_qdc(store: Store, path: Path) -> ImportReport:
    """Import a REFI-QDA codebook: every code becomes a tag (entities where margin wrote them as such)."""
    path = path.expanduser()
    codes, sets = read_codebook(path)
    report = ImportReport(source=path.name)
    if sets:
        report.skipped += sets
        report.warnings.append(f"sets: {sets} left out")
    with store.importing() as batch:
        intake = Intake(store, batch, report)
        _tags(intake, codes, set())
        intake.finish()
    return report


def _tags(intake: Intake, codes: Iterable[CodePlan], used: set[str]) -> dict[str, str]:
    """Tag ids by code guid: every codable code, and any other a selection is coded with."""
    found: dict[str, str] = {}
    for code in codes:
        if code.codable or code.guid in used:
            found[code.guid] = intake.tag(
                code.kind, code.name, entity_type=code.entity_type, colour=code.colour, description=code.description
            )
            for identifier in code.identifiers:
                intake.identify(found[code.guid], identifier)
            for alias in code.aliases:
                intake.alias(found[code.guid], alias)
    return found


def _memos(project: Project) -> dict[str, list[str]]:
    """Notes joined to a selection by a link (ATLAS.ti's memo–quotation links), by selection guid."""
    found: dict[str, list[str]] = {}
    for link in project.links:
        for note, other in ((link.origin, link.target), (link.target, link.origin)):
            if note in project.notes and other not in project.notes:
                found.setdefault(other, []).append(project.notes[note])
    return found


def _layers(selection: SelectionPlan) -> list[tuple[str | None, list[CodingPlan]]]:
    """The selection's codings by coder: the selection's own creator first (with any codings of theirs).

    A selection coded by two people is two people's work, as in the tools
    REFI-QDA comes from; each becomes that coder's own annotation over the
    passage, so agreement between them can still be measured here.
    """
    by_coder: dict[str | None, list[CodingPlan]] = {selection.author: []}
    for coding in selection.codings:
        by_coder.setdefault(coding.coder, []).append(coding)
    layers = list(by_coder.items())
    if not layers[0][1] and len(layers) > 1:
        layers = layers[1:]  # the selection's maker coded nothing on it: the first coder's annotation is it
    return layers


def _layer_id(guid: str, coder: str | None, own: bool) -> str | None:
    """The id of one coder's annotation: the selection's own for the first, one derived from it for the others."""
    if own:
        return guid if is_uuid(guid) else None
    return str(uuid.uuid5(uuid.UUID(_LAYERS), f"{guid}/{coder or ''}"))


def _fragments(
    selections: Sequence[SelectionPlan], spans: Sequence[tuple[int, int]]
) -> tuple[dict[str, list[tuple[int, int]]], set[str], int]:
    """Passages in fragments among a source's selections (see :mod:`.fragments`).

    Returns each passage's fragment spans by its first selection's guid, the
    guids of its later selections (placed with the first), and how many
    selections name a passage whose fragments are not all there (those stay separate).
    """
    parts: dict[str, dict[int, tuple[SelectionPlan, tuple[int, int], int]]] = {}
    for selection, span in zip(selections, spans):
        _, part = split_fragment(split_attributes(selection.description)[0])
        if part is not None:
            parts.setdefault(part[0], {}).setdefault(part[1], (selection, span, part[2]))
    found: dict[str, list[tuple[int, int]]] = {}
    absorbed: set[str] = set()
    broken = 0
    for passage, got in parts.items():
        count = next(iter(got.values()))[2]
        first = got.get(1)
        # The count is checked against what is there before any range is made of it: a file may claim 10**12.
        # A set with an empty fragment stays apart too, so its other fragments are not lost with the empty one.
        if len(got) != count or set(got) != set(range(1, count + 1)) or any(c != count for _, _, c in got.values()) \
                or first is None or first[0].guid.lower() != passage or any(s >= e for _, (s, e), _ in got.values()):
            broken += len(got)
            continue
        found[first[0].guid] = [got[n][1] for n in range(1, count + 1)]
        absorbed.update(got[n][0].guid for n in range(2, count + 1))
    return found, absorbed, broken


def _join(notes: Iterable[str]) -> str:
    return "\n\n".join(note for note in notes if note.strip())
