"""Writing brat standoff: a ``.txt`` and an ``.ann`` per document, and the two conf files.

The ``.ann`` lines and what each carries are described on the package; here
they are made, and the type names they use are chosen so that every one is
valid, readable and never shared by two meanings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ...errors import MarginError
from ...export.files import write_folder
from ...export.naming import unique_file_names
from ...model import RELATIONS, Annotation, Link, Tag, TagKind
from ..selection import Selection
from .vocabulary import (
    BREAKS, ENTITY_GROUP, LINE_BREAK, TOPIC_GROUP, UNTAGGED, attribute_value, conf_label, one_line, reference, type_base,
)


class _Types:
    """brat type names for entity types, topics and relations: readable, valid, never shared."""

    def __init__(self, tags: Iterable[Tag], relations: Iterable[str]) -> None:
        self._taken = {ENTITY_GROUP, TOPIC_GROUP, UNTAGGED}
        self.entity: dict[str, str] = {}
        self.topic: dict[str, str] = {}
        self.relation: dict[str, str] = {}
        self.colour: dict[str, str] = {}
        live = sorted((t for t in tags if not t.deleted), key=lambda t: (t.name.casefold(), t.id))
        for tag in live:
            if tag.kind is TagKind.ENTITY:
                entity_type = tag.entity_type or "Thing"
                if entity_type not in self.entity:
                    self.entity[entity_type] = self._claim(entity_type, "Entity")
                    self.colour[self.entity[entity_type]] = tag.colour
        for tag in live:
            if tag.kind is TagKind.TOPIC:
                self.topic[tag.id] = self._claim(tag.name, "Topic")
                self.colour[self.topic[tag.id]] = tag.colour
        for relation in sorted(set(relations)):
            self.relation[relation] = self._claim(relation, "relation")

    def _claim(self, name: str, fallback: str) -> str:
        base = type_base(name, fallback)
        claimed, n = base, 2
        while claimed in self._taken:
            claimed, n = f"{base}_{n}", n + 1
        self._taken.add(claimed)
        return claimed

    def of(self, tag: Tag | None) -> str:
        if tag is None:
            return UNTAGGED
        if tag.kind is TagKind.ENTITY:
            return self.entity[tag.entity_type or "Thing"]
        return self.topic[tag.id]


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` as brat fragments: runs between line breaks and tabs, first and last at the very ends."""
    runs = [(start + m.start(), start + m.end()) for m in re.finditer(f"[^{BREAKS}]+", text[start:end])]
    if not runs or runs[0][0] != start:
        runs.insert(0, (start, start))
    if runs[-1][1] != end:
        runs.append((end, end))
    return runs


def _ann(text: str, annotations: list[Annotation], links: list[Link], types: _Types) -> str:
    lines: list[str] = []
    counts = {"T": 0, "N": 0, "#": 0, "R": 0, "A": 0}

    def next_id(prefix: str) -> str:
        counts[prefix] += 1
        return f"{prefix}{counts[prefix]}"

    def notes(target: str, note: str) -> None:
        if note:
            for line in LINE_BREAK.split(note):
                lines.append(f"{next_id('#')}\tAnnotatorNotes {target}\t{line}")

    first: dict[str, str] = {}
    for annotation in annotations:
        # A passage in fragments is written as its fragments (each cut at line breaks), never over its gaps.
        fragments = [run for piece in annotation.pieces for run in _fragments(text, piece.start, piece.end)]
        spans = ";".join(f"{a} {b}" for a, b in fragments)
        quoted = " ".join(text[a:b] for a, b in fragments)
        for tag in annotation.tags or (None,):
            t_id = next_id("T")
            first.setdefault(annotation.id, t_id)
            lines.append(f"{t_id}\t{types.of(tag)} {spans}\t{quoted}")
            refid, label = reference(annotation, tag)
            lines.append(f"{next_id('N')}\tReference {t_id} {refid}\t{label}")
            if tag is not None:
                for identifier in tag.identifiers:
                    lines.append(f"{next_id('N')}\tReference {t_id} {identifier}\t{one_line(tag.name)}")
        for name, value in annotation.attributes:
            if value is True:
                lines.append(f"{next_id('A')}\t{name} {first[annotation.id]}")
            else:
                lines.append(f"{next_id('A')}\t{name} {first[annotation.id]} {attribute_value(value)}")
        notes(first[annotation.id], annotation.note)
    for link in links:
        relation = types.relation[link.relation]
        r_id = next_id("R")
        exact = link.relation if relation != link.relation else ""
        lines.append(f"{r_id}\t{relation} Arg1:{first[link.source_id]} Arg2:{first[link.target_id]}\t{exact}")
        notes(r_id, link.note)
    return "".join(line + "\n" for line in lines)


def _attributes_conf(annotations: Iterable[Annotation]) -> list[str]:
    """``[attributes]`` lines: a flag for an attribute only ever set, else its values as brat lists them."""
    values: dict[str, set[str]] = {}
    for annotation in annotations:
        for name, value in annotation.attributes:
            values.setdefault(name, set()).update(() if value is True else (attribute_value(value),))
    return [
        f"{name}\tArg:<ENTITY>" + (f", Value:{'|'.join(sorted(found))}" if found else "")
        for name, found in sorted(values.items())
    ]


def _annotation_conf(types: _Types, annotations: Iterable[Annotation] = ()) -> str:
    every = [*types.entity.values(), *types.topic.values(), UNTAGGED]
    lines = [
        "# Written by margin. Entity types are grouped under Entities, topics under Topics;",
        "# visual.conf gives each type its real name. Highlight marks a passage without tags.",
        "[entities]",
    ]
    for group, names in ((ENTITY_GROUP, types.entity.values()), (TOPIC_GROUP, types.topic.values())):
        if names:
            lines.append(f"!{group}")
            lines += [f"\t{name}" for name in names]
    lines += [UNTAGGED, "", "[relations]"]
    lines += [f"{name}\tArg1:{'|'.join(every)}, Arg2:{'|'.join(every)}" for name in types.relation.values()]
    lines += ["", "[events]", "", "[attributes]", *_attributes_conf(annotations), ""]
    return "\n".join(lines)


def _visual_conf(types: _Types, tags: Iterable[Tag]) -> str:
    lines = ["[labels]"]
    lines += [f"{name} | {conf_label(entity_type)}" for entity_type, name in types.entity.items()]
    by_id = {t.id: t for t in tags}
    for tag_id, name in types.topic.items():
        lines.append(f"{name} | {conf_label(by_id[tag_id].name)} | {conf_label(by_id[tag_id].parts[-1])}")
    lines += [f"{UNTAGGED} | {UNTAGGED}"]
    lines += [f"{name} | {conf_label(relation)}" for relation, name in types.relation.items()]
    lines += ["", "[drawing]"]
    lines += [f"{name}\tbgColor:{colour}" for name, colour in types.colour.items() if colour]
    lines += [f"{UNTAGGED}\tbgColor:#d3d7cf", ""]
    return "\n".join(lines)


def export_brat(selection: Selection, folder: Path, *, overwrite: bool = False) -> list[Path]:
    """Write *selection* into *folder* as brat standoff files; returns every file written.

    *folder* is made if its parent exists. Nothing is written when any file
    would replace an existing one, unless *overwrite*.
    """
    folder = folder.expanduser()
    if folder.exists() and not folder.is_dir():
        raise MarginError(f"{folder} is a file; give a folder for the brat files")
    if not folder.exists() and not folder.parent.is_dir():
        raise MarginError(f"folder {folder.parent} does not exist")
    # Only passages found in the current text: one re-anchoring could not place has no offsets here.
    exported = {
        a.id: a for a in selection.annotations
        if selection.texts.get(a.document_id, "")[a.start : a.end] == a.exact and a.start < a.end
    }
    links_by_document: dict[str, list[Link]] = {}
    for link in selection.links:
        source, target = exported.get(link.source_id), exported.get(link.target_id)
        if source is not None and target is not None and source.document_id == target.document_id:
            links_by_document.setdefault(source.document_id, []).append(link)
    types = _Types(selection.tags, [*RELATIONS, *(link.relation for links in links_by_document.values() for link in links)])
    planned: list[tuple[Path, str]] = []
    stems = unique_file_names([document.title for document in selection.documents], suffix="")
    for document, stem in zip(selection.documents, stems, strict=True):
        text = selection.texts[document.id]
        annotations = sorted(
            (a for a in selection.annotations_of(document.id) if a.id in exported),
            key=lambda a: (a.start, a.end, a.created, a.id),
        )
        planned.append((folder / f"{stem}.txt", text))
        planned.append((folder / f"{stem}.ann", _ann(text, annotations, links_by_document.get(document.id, []), types)))
    planned.append((folder / "annotation.conf", _annotation_conf(types, exported.values())))
    planned.append((folder / "visual.conf", _visual_conf(types, selection.tags)))
    return write_folder(folder, planned, overwrite=overwrite)
