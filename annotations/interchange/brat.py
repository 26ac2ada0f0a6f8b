"""brat standoff: a ``.txt`` and an ``.ann`` per document, the format of the brat annotation tool.

Writing, per document, ``<title>.txt`` (the normalised text, UTF-8, ``\\n``
line ends, so brat's code-point offsets are margin's) and ``<title>.ann``:

- one ``T`` line per tag of an annotation, typed by the tag's entity type
  (``Person``) or topic (``Theme-Secrecy``) in the characters brat allows; an
  annotation without tags is one ``Highlight`` line. A passage spanning line
  breaks or tabs is written as fragments around them, as brat does itself;
- after each ``T``, a normalisation line ``N… Reference T… margin:<id>/…``
  naming the annotation and, exactly, its tag (``/entity/Person/Ada%20Lovelace``,
  ``/topic/Theme/Secrecy``); this is what brings back tag names, kinds and
  annotation ids that brat's type names cannot hold, and keeps two
  annotations over the same passage apart;
- the note as ``AnnotatorNotes`` on the first ``T``, one line per line (a
  rarer line separator, such as U+2028, comes back as a plain line break);
- a link between two annotations of the document as an ``R`` line typed by
  its relation (the exact relation after a tab when brat's characters cannot
  spell it), its note as ``AnnotatorNotes`` on the ``R``. brat relations live
  inside one document, so links between documents are not written.

Beside them ``annotation.conf`` declares the types (entity types under
``Entities``, topics under ``Topics``) and relations, and ``visual.conf``
gives each type its real name and colour, so brat can open the folder and
annotations added in brat come back with the right tags (and one given
another type in brat comes back with that type).

Reading takes any brat ``.ann``: text-bound annotations over the same passage
become one annotation with several tags; an entity mention becomes an entity
tag of its type, named by its normalisation (``N``) or its text; event
triggers become topics named by the event type, and each event argument a
link from the trigger named by its role; ``R`` lines and ``*`` equivalences
become links; ``AnnotatorNotes`` become notes. Attributes have no place in
margin and are counted as left out.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from ..errors import MarginError
from ..export.files import refuse_existing, write_atomically
from ..export.naming import unique_file_names
from ..model import RELATIONS, Annotation, Document, Link, Tag, TagKind
from ..store import Store
from ..text import normalise
from .intake import Intake
from .offsets import CODE_POINTS, CODE_POINTS_CRLF_AS_ONE, CountedText, readings
from .report import ImportReport
from .selection import Selection

#: Characters brat keeps in a type name; others become ``_``.
_NOT_TYPE = re.compile(r"[^A-Za-z0-9_-]")
#: Characters that end a line for brat or for a line-splitting reader, and the tab that separates fields.
_BREAKS = "\n\r\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_SPACING = re.compile(f"[{_BREAKS}]+")

UNTAGGED = "Highlight"
ENTITY_GROUP = "Entities"
TOPIC_GROUP = "Topics"
MARGIN_DB = "margin"

_REFERENCE = re.compile(
    r"^margin:(?P<id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    r"(?:/(?P<kind>entity|topic)/(?P<rest>\S+))?$"
)


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------


def _type_name(name: str) -> str:
    """*name* in brat's type characters: accents dropped, spaces and others as ``_``, ``/`` as ``-``."""
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return _NOT_TYPE.sub("_", folded.replace("/", "-"))


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
        base = _type_name(name)
        if not re.search("[A-Za-z0-9]", base):
            base = fallback
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
    runs = [(start + m.start(), start + m.end()) for m in re.finditer(f"[^{_BREAKS}]+", text[start:end])]
    if not runs or runs[0][0] != start:
        runs.insert(0, (start, start))
    if runs[-1][1] != end:
        runs.append((end, end))
    return runs


def _one_line(text: str) -> str:
    return _SPACING.sub(" ", text).strip()


def _reference(annotation: Annotation, tag: Tag | None) -> tuple[str, str]:
    """The normalisation id and text that name *annotation* and *tag* exactly."""
    refid = f"{MARGIN_DB}:{annotation.id}"
    if tag is None:
        return refid, ""
    if tag.kind is TagKind.ENTITY:
        refid += f"/entity/{quote(tag.entity_type or 'Thing', safe='')}/{quote(tag.name, safe='')}"
    else:
        refid += "/topic/" + "/".join(quote(part, safe="") for part in tag.parts)
    return refid, _one_line(tag.name)


def _ann(text: str, annotations: list[Annotation], links: list[Link], types: _Types) -> str:
    lines: list[str] = []
    counts = {"T": 0, "N": 0, "#": 0, "R": 0}

    def next_id(prefix: str) -> str:
        counts[prefix] += 1
        return f"{prefix}{counts[prefix]}"

    def notes(target: str, note: str) -> None:
        if note:
            for line in _LINE_BREAK.split(note):
                lines.append(f"{next_id('#')}\tAnnotatorNotes {target}\t{line}")

    first: dict[str, str] = {}
    for annotation in annotations:
        fragments = _fragments(text, annotation.start, annotation.end)
        spans = ";".join(f"{a} {b}" for a, b in fragments)
        quoted = " ".join(text[a:b] for a, b in fragments)
        for tag in annotation.tags or (None,):
            t_id = next_id("T")
            first.setdefault(annotation.id, t_id)
            lines.append(f"{t_id}\t{types.of(tag)} {spans}\t{quoted}")
            refid, label = _reference(annotation, tag)
            lines.append(f"{next_id('N')}\tReference {t_id} {refid}\t{label}")
        notes(first[annotation.id], annotation.note)
    for link in links:
        relation = types.relation[link.relation]
        r_id = next_id("R")
        exact = link.relation if relation != link.relation else ""
        lines.append(f"{r_id}\t{relation} Arg1:{first[link.source_id]} Arg2:{first[link.target_id]}\t{exact}")
        notes(r_id, link.note)
    return "".join(line + "\n" for line in lines)


def _label(name: str) -> str:
    return _one_line(name).replace("|", "¦")


def _annotation_conf(types: _Types) -> str:
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
    lines += ["", "[events]", "", "[attributes]", ""]
    return "\n".join(lines)


def _visual_conf(types: _Types, tags: Iterable[Tag]) -> str:
    lines = ["[labels]"]
    lines += [f"{name} | {_label(entity_type)}" for entity_type, name in types.entity.items()]
    by_id = {t.id: t for t in tags}
    for tag_id, name in types.topic.items():
        lines.append(f"{name} | {_label(by_id[tag_id].name)} | {_label(by_id[tag_id].parts[-1])}")
    lines += [f"{UNTAGGED} | {UNTAGGED}"]
    lines += [f"{name} | {_label(relation)}" for relation, name in types.relation.items()]
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
    planned.append((folder / "annotation.conf", _annotation_conf(types)))
    planned.append((folder / "visual.conf", _visual_conf(types, selection.tags)))
    if not overwrite:
        refuse_existing(path for path, _ in planned)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise MarginError(f"cannot make folder {folder}: {error.strerror or error}") from error
    for path, content in planned:
        write_atomically(path, content, overwrite=overwrite)
    return [path for path, _ in planned]


# ---------------------------------------------------------------------------
# Import: reading files into plain values (nothing written yet)
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Mention:
    """A text-bound (``T``) line."""

    id: str
    type: str
    fragments: list[tuple[int, int]]
    text: str
    line: int
    start: int = 0
    end: int = 0
    """Offsets into the normalised text (filled in once the counting is known)."""


@dataclass(slots=True)
class _Line:
    """Any other line, split into what margin needs from it."""

    id: str
    kind: str
    type: str
    refs: list[tuple[str, str]]
    """(role, id) pairs: a relation's or event's arguments, a note's or normalisation's target."""
    tail: str
    """What follows the second tab: a note's text, a normalisation's name, margin's exact relation."""
    line: int
    extra: str = ""
    """Words after the target: a normalisation's ``DB:ID``, an attribute's value."""


@dataclass(slots=True)
class _Conf:
    """What margin reads from ``annotation.conf`` and ``visual.conf`` beside an ``.ann``."""

    margin: bool = False
    topics: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)
    colours: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Pair:
    ann: Path
    txt: Path
    raw: str
    raw_bytes: bytes
    mentions: list[_Mention]
    others: list[_Line]
    conf: _Conf
    warnings: list[str]


def _pairs(path: Path) -> list[tuple[Path, Path]]:
    if path.is_dir():
        anns = sorted(p for p in path.rglob("*.ann") if p.is_file())
        if not anns:
            raise MarginError(f"{path} holds no .ann files")
    elif path.suffix.lower() in (".ann", ".txt"):
        anns = [path.with_suffix(".ann")]
        if not anns[0].is_file():
            raise MarginError(f"{anns[0]} does not exist")
    else:
        raise MarginError(f"{path} is neither a brat .ann file nor a folder of them")
    pairs = []
    for ann in anns:
        txt = ann.with_suffix(".txt")
        if not txt.is_file():
            raise MarginError(f"{ann.name} has no {txt.name} beside it")
        pairs.append((ann, txt))
    return pairs


def _read_conf(folder: Path) -> _Conf:
    conf = _Conf()
    annotation_conf = folder / "annotation.conf"
    if annotation_conf.is_file():
        section, group = "", None
        for line in annotation_conf.read_text(encoding="utf-8", errors="replace").splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.strip().startswith("[") and line.strip().endswith("]"):
                section, group = line.strip()[1:-1].strip(), None
                continue
            indent = len(line) - len(line.lstrip("\t"))
            name = line.split()[0].lstrip("!")
            if name.startswith("<"):
                continue
            if section == "entities":
                if indent == 0:
                    group = name if line.strip().startswith("!") and name in (ENTITY_GROUP, TOPIC_GROUP) else None
                    conf.margin = conf.margin or group is not None
                elif group == TOPIC_GROUP:
                    conf.topics.add(name)
            elif section == "events":
                conf.events.add(name)
    visual_conf = folder / "visual.conf"
    if visual_conf.is_file():
        section = ""
        for line in visual_conf.read_text(encoding="utf-8", errors="replace").splitlines():
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if stripped.startswith("[") and stripped.endswith("]"):
                section = stripped[1:-1].strip()
            elif section == "labels" and "|" in stripped:
                name, label = (part.strip() for part in stripped.split("|")[:2])
                conf.labels[name] = label
            elif section == "drawing":
                colour = re.search(r"bgColor:(#[0-9A-Fa-f]{6}|#[0-9A-Fa-f]{3})\b", stripped)
                if colour:
                    conf.colours[stripped.split()[0]] = colour.group(1)
    return conf


def _parse_ann(ann: Path) -> tuple[list[_Mention], list[_Line], list[str]]:
    try:
        content = ann.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MarginError(f"{ann.name} is not UTF-8 (byte {error.start})") from error
    except OSError as error:
        raise MarginError(f"cannot read {ann.name}: {error.strerror or error}") from error
    mentions: list[_Mention] = []
    others: list[_Line] = []
    seen: set[str] = set()
    unknown = 0

    def bad(number: int, why: str) -> MarginError:
        return MarginError(f"{ann.name}, line {number}: {why}")

    for number, line in enumerate(content.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if not line.strip():
            continue
        if "\t" not in line:
            raise bad(number, "no tab after the id")
        ident, rest = line.split("\t", 1)
        data, _, tail = rest.partition("\t")
        if not ident.strip():
            raise bad(number, "the line has no id")
        if ident in seen and ident != "*":
            raise bad(number, f"{ident} is defined twice")
        seen.add(ident)
        kind = ident[:1]
        words = data.split()
        if kind == "T":
            type_, _, spans = data.partition(" ")
            try:
                fragments = [(int(a), int(b)) for a, b in (piece.split() for piece in spans.split(";"))]
            except ValueError:
                raise bad(number, f"{ident} needs offsets like “0 5” or “0 5;7 9”") from None
            if not type_ or any(a > b or a < 0 for a, b in fragments):
                raise bad(number, f"{ident} has a missing type or backwards offsets")
            mentions.append(_Mention(ident, type_, fragments, tail, number))
        elif kind in "RE" and words:
            args = [tuple(word.split(":", 1)) for word in words[1:]]
            if any(len(arg) != 2 for arg in args) or (kind == "R" and len(args) != 2):
                raise bad(number, f"{ident} needs arguments like “Arg1:T1 Arg2:T2”")
            type_ = words[0]
            refs: list[tuple[str, str]] = [(arg[0], arg[1]) for arg in args]
            if kind == "E":
                type_, _, trigger = words[0].partition(":")
                if not trigger:
                    raise bad(number, f"{ident} names no trigger (“Type:T1”)")
                refs.insert(0, ("", trigger))
            others.append(_Line(ident, kind, type_, refs, tail, number))
        elif kind in "NAM#" and len(words) >= 2:
            others.append(_Line(ident, kind, words[0], [("", words[1])], tail, number, " ".join(words[2:])))
        elif kind == "*" and len(words) >= 2:
            others.append(_Line(ident, kind, words[0], [("", w) for w in words[1:]], tail, number))
        elif kind in "TRENAM#*":
            raise bad(number, f"cannot read {ident}: “{_one_line(line)[:60]}”")
        else:
            unknown += 1
    defined = {m.id for m in mentions} | {o.id for o in others}
    for other in others:
        for _, ref in other.refs:
            if ref not in defined:
                raise bad(other.line, f"{other.id} refers to {ref}, which the file does not define")
    warnings = [f"{ann.name}: {unknown} line{'s' if unknown != 1 else ''} of unknown kinds left out"] if unknown else []
    return mentions, others, warnings


def _read_pair(ann: Path, txt: Path, conf: _Conf) -> _Pair:
    mentions, others, warnings = _parse_ann(ann)
    try:
        raw_bytes = txt.read_bytes()
        raw = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MarginError(f"{txt.name} is not UTF-8 (byte {error.start})") from error
    except OSError as error:
        raise MarginError(f"cannot read {txt.name}: {error.strerror or error}") from error
    pair = _Pair(ann, txt, raw, raw_bytes, mentions, others, conf, warnings)
    _place(pair)
    return pair


def _says(written: str, found: str) -> bool:
    """Whether a T line's text is the text at its offsets (brat also allows it empty, or followed by a space and more)."""
    return written in ("", found) or (written.startswith(found) and written[len(found) : len(found) + 1].isspace())


def _place(pair: _Pair) -> None:
    """Offsets into the normalised text for every mention, reading CRLF as brat does (one character) or not."""
    if not pair.mentions:
        return
    positions = [p for m in pair.mentions for fragment in m.fragments for p in fragment]
    best: tuple[CountedText, dict[int, int]] | None = None
    first_miss: _Mention | None = None
    for counted, found in readings(pair.raw, positions, [CODE_POINTS_CRLF_AS_ONE, CODE_POINTS]):
        misses = [
            m for m in pair.mentions
            if not _says(m.text, " ".join(counted.base[found[a] : found[b]] for a, b in m.fragments))
        ]
        if not misses:
            best = (counted, found)
            break
        first_miss = first_miss or misses[0]
    if best is None:
        if first_miss is None:
            worst = max(pair.mentions, key=lambda m: max(b for _, b in m.fragments))
            raise MarginError(
                f"{pair.ann.name}, line {worst.line}: {worst.id} reaches past the end of {pair.txt.name}"
            )
        raise MarginError(
            f"{pair.ann.name}, line {first_miss.line}: {first_miss.id} says “{_one_line(first_miss.text)[:40]}”"
            f" but {pair.txt.name} has something else there"
        )
    counted, found = best
    if counted.counting is CODE_POINTS and "\r\n" in pair.raw:
        pair.warnings.append(f"{pair.ann.name} counts each CRLF line end as two characters; read that way")
    offsets, faithful = counted.normalised(found.values())
    if not faithful:
        pair.warnings.append(f"{pair.ann.name}: a passage starts or ends inside a character; it keeps the whole character")
    for mention in pair.mentions:
        if not mention.text:
            mention.text = " ".join(counted.base[found[a] : found[b]] for a, b in mention.fragments)
        mention.start = offsets[found[min(a for a, _ in mention.fragments)]]
        mention.end = offsets[found[max(b for _, b in mention.fragments)]]
        if len(mention.fragments) > 1:
            pieces = zip(mention.fragments, mention.fragments[1:])
            gaps = [counted.base[found[b1] : found[a2]] for (_, b1), (a2, _) in pieces]
            if any(gap.strip(_BREAKS + " ") for gap in gaps):
                pair.warnings.append(
                    f"{pair.ann.name}: {mention.id} is in pieces; margin keeps it as one passage from the first to the last"
                )


# ---------------------------------------------------------------------------
# Import: writing what was read
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Tagging:
    kind: TagKind | None
    """None for a passage margin wrote without tags."""
    name: str = ""
    entity_type: str | None = None
    colour: str | None = None


@dataclass(slots=True)
class _Passage:
    start: int
    end: int
    annotation_id: str | None
    taggings: list[_Tagging] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _margin_tagging(ours: re.Match[str], type_: str, conf: _Conf, colour: str | None) -> _Tagging | None:
    """The tag margin's normalisation names, or None if the passage was given another type in brat since."""
    if ours["kind"] == "entity":
        entity_type, _, name = ours["rest"].partition("/")
        tagging = _Tagging(TagKind.ENTITY, unquote(name), unquote(entity_type), colour)
        meant, fallback = unquote(entity_type), "Entity"
    elif ours["kind"] == "topic":
        tagging = _Tagging(TagKind.TOPIC, "/".join(unquote(p) for p in ours["rest"].split("/")), None, colour)
        meant, fallback = tagging.name, "Topic"
    else:
        return _Tagging(None) if type_ == UNTAGGED else None
    if conf.margin and type_ in conf.labels:
        return tagging if conf.labels[type_] == _label(meant) else None
    base = _type_name(meant)
    if not re.search("[A-Za-z0-9]", base):
        base = fallback
    return tagging if re.fullmatch(re.escape(base) + r"(_\d+)?", type_) else None


def _taggings(pair: _Pair) -> tuple[list[_Passage], dict[str, _Passage]]:
    """Passages (several T lines over one passage made one) and the passage of every T id."""
    conf = pair.conf
    triggers = {o.refs[0][1] for o in pair.others if o.kind == "E"}
    names: dict[str, tuple[str, str]] = {}  # T id → (normalisation id, text)
    for other in pair.others:
        if other.kind == "N" and other.refs[0][1] not in names:
            names[other.refs[0][1]] = (other.extra, other.tail.strip())
    passages: dict[tuple[object, ...], _Passage] = {}
    of_mention: dict[str, _Passage] = {}
    for mention in pair.mentions:
        refid, named = names.get(mention.id, ("", ""))
        ours = _REFERENCE.match(refid)
        key: tuple[object, ...] = ("id", ours["id"]) if ours else ("span", mention.start, mention.end)
        passage = passages.setdefault(key, _Passage(mention.start, mention.end, ours["id"] if ours else None))
        of_mention[mention.id] = passage
        label = conf.labels.get(mention.type, mention.type) if conf.margin else mention.type
        colour = conf.colours.get(mention.type)
        tagging = _margin_tagging(ours, mention.type, conf, colour) if ours else None
        if tagging is not None:
            if tagging.kind is not None:
                passage.taggings.append(tagging)
        elif mention.id in triggers or mention.type in conf.events or mention.type in conf.topics:
            passage.taggings.append(_Tagging(TagKind.TOPIC, label, None, colour))
        elif conf.margin and mention.type == UNTAGGED:
            pass
        else:
            # Named by the normalisation: another knowledge base's name, or margin's for a retyped entity.
            if ours and ours["kind"] != "entity":
                named = ""
            passage.taggings.append(_Tagging(TagKind.ENTITY, named or _one_line(mention.text), label, colour))
    return list(passages.values()), of_mention


def _apply(pair: _Pair, intake: Intake, report: ImportReport) -> None:
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
            left_out["attributes"] += 1
    ids: dict[int, str] = {}
    empty = 0
    for passage in passages:
        if passage.start >= passage.end:
            empty += 1
            continue
        tag_ids = [
            intake.tag(t.kind, t.name, entity_type=t.entity_type, colour=t.colour)
            for t in passage.taggings
            if t.kind is not None
        ]
        ids[id(passage)] = intake.annotation(
            document, passage.start, passage.end, tag_ids=list(dict.fromkeys(tag_ids)),
            note="\n".join(passage.notes), annotation_id=passage.annotation_id,
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


def import_brat(store: Store, path: Path) -> ImportReport:
    """Import brat standoff: one ``.ann`` (its ``.txt`` beside it) or every pair in a folder; all or nothing."""
    path = path.expanduser()
    if not path.exists():
        raise MarginError(f"{path} does not exist")
    confs: dict[Path, _Conf] = {}
    pairs = []
    for ann, txt in _pairs(path):
        if ann.parent not in confs:
            confs[ann.parent] = _read_conf(ann.parent)
        pairs.append(_read_pair(ann, txt, confs[ann.parent]))
    report = ImportReport(source=path.name)
    with store.importing() as batch:
        intake = Intake(store, batch, report)
        for pair in pairs:
            _apply(pair, intake, report)
        intake.finish()
    return report
