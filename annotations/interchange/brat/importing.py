"""Importing brat standoff: what :mod:`.reading` read, put into the library in one transaction.

Here the brat lines get margin's meaning: text-bound lines over one passage
become one annotation with several tags (margin's own normalisations say
which tag each was, unless the passage was given another type in brat since),
event triggers become topics, relations, event arguments and equivalences
become links, and notes become notes. What margin has no place for is counted
in the report.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import MarginError
from ...model import AttributeValue, Document, TagKind
from ...properties import typed_value
from ...store import Store
from ...text import normalise
from ..intake import Intake
from ..placing import stable_id
from ..report import ImportReport
from .reading import Conf, Pair, read_pairs
from .vocabulary import UNTAGGED, Reference, conf_label, one_line, parse_reference, type_base


#: What corpora write as a normalisation's id for a mention linked to no entry.
_UNLINKED = {"NULL", "NIL", "NONE", ""}


@dataclass(slots=True)
class _Tagging:
    kind: TagKind | None
    """None for a passage margin wrote without tags."""
    name: str = ""
    entity_type: str | None = None
    colour: str | None = None
    identifiers: tuple[str, ...] = ()
    """Other knowledge bases' normalisations (``Wikidata:Q42``) of an entity mention."""
    surface: str = ""
    """The mention's own text, kept as an alias of an identified entity named otherwise."""


@dataclass(slots=True)
class _Passage:
    start: int
    end: int
    annotation_id: str | None
    pieces: list[tuple[int, int]] = field(default_factory=list)
    """The fragments of a discontinuous passage (empty for one stretch of text)."""
    taggings: list[_Tagging] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    attributes: dict[str, AttributeValue] = field(default_factory=dict)


def _margin_tagging(ours: Reference, type_: str, conf: Conf, colour: str | None) -> _Tagging | None:
    """The tag margin's normalisation names, or None if the passage was given another type in brat since."""
    if ours.kind == "entity" and len(ours.parts) >= 2:
        entity_type, name = ours.parts[0], "/".join(ours.parts[1:])
        tagging = _Tagging(TagKind.ENTITY, name, entity_type, colour)
        meant, fallback = entity_type, "Entity"
    elif ours.kind == "topic":
        tagging = _Tagging(TagKind.TOPIC, "/".join(ours.parts), None, colour)
        meant, fallback = tagging.name, "Topic"
    else:
        return _Tagging(None) if type_ == UNTAGGED else None
    if conf.margin and type_ in conf.labels:
        return tagging if conf.labels[type_] == conf_label(meant) else None
    base = type_base(meant, fallback)
    return tagging if re.fullmatch(re.escape(base) + r"(_\d+)?", type_) else None


def _taggings(pair: Pair) -> tuple[list[_Passage], dict[str, _Passage]]:
    """Passages (several T lines over one passage made one) and the passage of every T id."""
    conf = pair.conf
    triggers = {o.refs[0][1] for o in pair.others if o.kind == "E"}
    names: dict[str, list[tuple[str, str]]] = {}  # T id → (normalisation id, text) in file order
    for other in pair.others:
        if other.kind == "N":
            names.setdefault(other.refs[0][1], []).append((other.extra, other.tail.strip()))
    passages: dict[tuple[object, ...], _Passage] = {}
    of_mention: dict[str, _Passage] = {}
    for mention in pair.mentions:
        normalisations = names.get(mention.id, [])
        ours = next((r for r in (parse_reference(refid) for refid, _ in normalisations) if r), None)
        # ``Wikidata:NULL`` (NEREL) and ``…:NIL`` say the mention is linked to nothing: not an identifier.
        foreign = [
            (refid, name) for refid, name in normalisations
            if parse_reference(refid) is None and refid.rpartition(":")[2].upper() not in _UNLINKED
        ]
        identifiers = tuple(refid for refid, _ in foreign)
        # Named by another knowledge base's normalisation, else by margin's (a retyped entity keeps its name).
        named = foreign[0][1] if foreign else (normalisations[0][1] if ours and normalisations else "")
        key: tuple[object, ...] = (
            ("id", ours.annotation_id) if ours else ("span", mention.start, mention.end, *mention.pieces)
        )
        passage = passages.setdefault(
            key, _Passage(mention.start, mention.end, ours.annotation_id if ours else None, mention.pieces)
        )
        of_mention[mention.id] = passage
        label = conf.labels.get(mention.type, mention.type) if conf.margin else mention.type
        colour = conf.colours.get(mention.type)
        tagging = _margin_tagging(ours, mention.type, conf, colour) if ours else None
        if tagging is not None:
            if tagging.kind is not None:
                tagging.identifiers = identifiers if tagging.kind is TagKind.ENTITY else ()
                passage.taggings.append(tagging)
        elif mention.id in triggers or mention.type in conf.events or mention.type in conf.topics:
            passage.taggings.append(_Tagging(TagKind.TOPIC, label, None, colour))
        elif conf.margin and mention.type == UNTAGGED:
            pass
        else:
            # Named by the normalisation: another knowledge base's name, or margin's for a retyped entity.
            if ours and ours.kind != "entity":
                named = ""
            passage.taggings.append(
                _Tagging(TagKind.ENTITY, named or one_line(mention.text), label, colour, identifiers, one_line(mention.text))
            )
    return list(passages.values()), of_mention


def _apply(pair: Pair, intake: Intake, report: ImportReport) -> None:
    text = normalise(pair.raw)
    document: Document = intake.document(
        title=pair.txt.stem, text=text, raw=pair.raw_bytes, source_path=str(pair.txt.resolve()), origin="brat"
    )
    passages, of_mention = _taggings(pair)
    events = {o.id: o for o in pair.others if o.kind == "E"}

    def passage_of(ref: str) -> _Passage | None:
        if ref in of_mention:
            return of_mention[ref]
        if ref in events:
            return of_mention.get(events[ref].refs[0][1])
        return None

    link_notes: dict[str, list[str]] = {}
    left_out: Counter[str] = Counter()
    for other in pair.others:
        if other.kind == "#":
            target = other.refs[0][1]
            passage = passage_of(target)
            if other.type != "AnnotatorNotes":
                left_out[f"“{other.type}” comments"] += 1
            elif target.startswith("R"):
                link_notes.setdefault(target, []).append(other.tail)
            elif passage is not None:
                passage.notes.append(other.tail)
            else:
                left_out["notes on things margin does not keep"] += 1
        elif other.kind in "AM":
            passage = passage_of(other.refs[0][1])
            if passage is None:
                left_out["attributes of relations"] += 1
            else:
                value = typed_value(other.extra) if other.extra.strip() else True
                if passage.attributes.setdefault(other.type, value) != value:
                    left_out[f"“{other.type}” values that differ on one passage (the first is kept)"] += 1
    ids: dict[int, str] = {}
    empty = 0
    mentions_of = Counter(id(passage) for passage in of_mention.values())
    intake.batch.advance(len(pair.mentions) - len(of_mention))  # a T id given twice: counted here
    for passage in passages:
        intake.batch.advance(mentions_of[id(passage)])  # each mention counts once, kept or left out
        if passage.start >= passage.end:
            empty += 1
            continue
        tag_ids = []
        for t in passage.taggings:
            if t.kind is not None:
                tag_ids.append(
                    intake.tag(t.kind, t.name, entity_type=t.entity_type, colour=t.colour, identifiers=t.identifiers)
                )
                if t.identifiers and t.surface:
                    intake.alias(tag_ids[-1], t.surface)
        ids[id(passage)] = intake.annotation(
            document, passage.start, passage.end, tag_ids=list(dict.fromkeys(tag_ids)),
            note="\n".join(passage.notes),
            annotation_id=passage.annotation_id or _passage_id(document, pair, passage, text),
            attributes=passage.attributes, fragments=passage.pieces,
        )

    def annotation_of(ref: str) -> str | None:
        passage = passage_of(ref)
        return ids.get(id(passage)) if passage is not None else None

    for other in pair.others:
        joins: list[tuple[str, str, str, str]] = []
        if other.kind == "R":
            relation = other.tail.strip() or other.type
            joins.append((other.refs[0][1], other.refs[1][1], relation, "\n".join(link_notes.get(other.id, []))))
        elif other.kind == "E":
            trigger = other.refs[0][1]
            joins += [(trigger, ref, re.sub(r"\d+$", "", role) or role, "") for role, ref in other.refs[1:]]
        elif other.kind == "*":
            head = other.refs[0][1]
            joins += [(head, ref, other.type, "") for _, ref in other.refs[1:]]
        for source_ref, target_ref, relation, note in joins:
            source_id, target_id = annotation_of(source_ref), annotation_of(target_ref)
            if source_id is None or target_id is None:
                left_out["links to passages left out"] += 1
                continue
            intake.link(source_id, target_id, relation, note=note)
    if empty:
        left_out["empty passages"] = empty
    for what, count in sorted(left_out.items()):
        report.skipped += count
        report.warnings.append(f"{pair.ann.name}: {what}: {count} left out")
    report.warnings.extend(pair.warnings)


def _passage_id(document: Document, pair: Pair, passage: _Passage, text: str) -> str:
    """The id a passage of a file margin did not write gets here: the same on every import of that file.

    brat ids (``T1``) are only unique within their file, so the passage is named
    by its document, the ``.ann`` file with its folder (two annotators' files on
    one text stay apart, whether named alike in two folders or apart in one),
    where it lies and what it says (a new passage at an old place of a changed
    text is new). A second import then finds it, as for W3C.
    """
    stretches = passage.pieces or [(passage.start, passage.end)]
    where = ",".join(f"{start}-{end}" for start, end in stretches)
    said = "\u2029".join(text[start:end] for start, end in stretches)
    return stable_id(f"brat:{document.id}:{pair.ann.parent.name}/{pair.ann.name}:{where}:{said}")


def import_brat(store: Store, path: Path) -> ImportReport:
    """Import brat standoff: one ``.ann`` (its ``.txt`` beside it) or every pair in a folder; all or nothing."""
    path = path.expanduser()
    if not path.exists():
        raise MarginError(f"{path} does not exist")
    pairs = read_pairs(path)
    report = ImportReport(source=path.name)
    with store.importing(total=sum(len(pair.mentions) for pair in pairs)) as batch:
        intake = Intake(store, batch, report)
        for pair in pairs:
            _apply(pair, intake, report)
        intake.finish()
    return report
