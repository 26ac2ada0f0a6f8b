"""Reading brat standoff into plain values: ``.ann``/``.txt`` pairs and the conf beside them.

Nothing here touches the library, so a file that does not read stops the
import before anything is written. Offsets are checked against the text and
turned into offsets into the normalised text here too, reading CRLF line ends
as brat does (one character) or, when only that fits, as two.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import MarginError
from ...export.files import read_input
from ...limits import Budget, current, over
from ..offsets import CODE_POINTS, CODE_POINTS_CRLF_AS_ONE, CountedText, readings
from .vocabulary import BREAKS, ENTITY_GROUP, TOPIC_GROUP, one_line


@dataclass(slots=True)
class Mention:
    """A text-bound (``T``) line."""

    id: str
    type: str
    fragments: list[tuple[int, int]]
    text: str
    line: int
    start: int = 0
    end: int = 0
    """Offsets into the normalised text (filled in once the counting is known)."""
    pieces: list[tuple[int, int]] = field(default_factory=list)
    """A discontinuous mention's fragments in the normalised text (empty for one passage).

    Fragments separated only by line breaks, tabs or spaces are one passage
    (brat writes a passage across lines that way); text between them makes a passage in pieces."""


@dataclass(slots=True)
class Line:
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
class Conf:
    """What margin reads from ``annotation.conf`` and ``visual.conf`` beside an ``.ann``."""

    margin: bool = False
    topics: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)
    colours: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Pair:
    """One ``.ann`` with its ``.txt``, read and placed: everything :mod:`.importing` needs from them."""

    ann: Path
    txt: Path
    raw: str
    raw_bytes: bytes
    mentions: list[Mention]
    others: list[Line]
    conf: Conf
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
    root = (path if path.is_dir() else path.parent).resolve()
    pairs = []
    for ann in anns:
        txt = ann.with_suffix(".txt")
        if not txt.is_file():
            raise MarginError(f"{ann.name} has no {txt.name} beside it")
        for file in (ann, txt):
            _refuse_link_out(file, root)
        pairs.append((ann, txt))
    return pairs


def _refuse_link_out(file: Path, root: Path) -> None:
    """Refuse a file that is a link leading out of the folder being imported (``notes.txt → /etc/passwd``)."""
    resolved = file.resolve()
    if resolved != root and root not in resolved.parents:
        raise MarginError(f"{file.name} is a link to a file outside {root.name}; refused (copy the file in instead)")


def _read(file: Path, budget: Budget) -> bytes:
    """A file of the pair, within the import's budget; a one-line error when it cannot be read."""
    data = read_input(file, limit=budget.max_bytes - budget.bytes)
    budget.spend_bytes(len(data), "holds")
    return data


def read_pairs(path: Path) -> list[Pair]:
    """Every ``.ann`` at *path* (a file or a folder) with its text, each read with the conf of its own folder."""
    confs: dict[Path, Conf] = {}
    pairs = []
    budget = Budget(path.name, max_bytes=current().document_bytes + current().import_bytes)
    for ann, txt in _pairs(path):
        if ann.parent not in confs:
            confs[ann.parent] = _read_conf(ann.parent)
        pairs.append(_read_pair(ann, txt, confs[ann.parent], budget))
    return pairs


def _read_conf(folder: Path) -> Conf:
    conf = Conf()
    annotation_conf = folder / "annotation.conf"
    if annotation_conf.is_file() and not annotation_conf.is_symlink():
        section, group = "", None
        for line in read_input(annotation_conf).decode("utf-8", "replace").splitlines():
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
    if visual_conf.is_file() and not visual_conf.is_symlink():
        section = ""
        for line in read_input(visual_conf).decode("utf-8", "replace").splitlines():
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


def _parse_ann(ann: Path, budget: Budget) -> tuple[list[Mention], list[Line], list[str]]:
    raw_ann = _read(ann, budget)
    if len(raw_ann) > current().import_bytes:
        raise over(ann.name, "is", len(raw_ann), current().import_bytes, "import_bytes")
    try:
        content = raw_ann.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MarginError(f"{ann.name} is not UTF-8 (byte {error.start})") from error
    del raw_ann
    mentions: list[Mention] = []
    others: list[Line] = []
    seen: set[str] = set()
    unknown = 0

    def bad(number: int, why: str) -> MarginError:
        return MarginError(f"{ann.name}, line {number}: {why}")

    # Line by line (CRLF and CR read as LF), never a list of every line of a large file.
    for number, line in enumerate(io.StringIO(content, newline=None), start=1):
        line = line.rstrip("\n")
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
            mentions.append(Mention(ident, type_, fragments, tail, number))
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
            others.append(Line(ident, kind, type_, refs, tail, number))
        elif kind in "NAM#" and len(words) >= 2:
            others.append(Line(ident, kind, words[0], [("", words[1])], tail, number, " ".join(words[2:])))
        elif kind == "*" and len(words) >= 2:
            others.append(Line(ident, kind, words[0], [("", w) for w in words[1:]], tail, number))
        elif kind in "TRENAM#*":
            raise bad(number, f"cannot read {ident}: “{one_line(line)[:60]}”")
        else:
            unknown += 1
    defined = {m.id for m in mentions} | {o.id for o in others}
    for other in others:
        for _, ref in other.refs:
            if ref not in defined:
                raise bad(other.line, f"{other.id} refers to {ref}, which the file does not define")
    warnings = [f"{ann.name}: {unknown} line{'s' if unknown != 1 else ''} of unknown kinds left out"] if unknown else []
    return mentions, others, warnings


def _read_pair(ann: Path, txt: Path, conf: Conf, budget: Budget) -> Pair:
    mentions, others, warnings = _parse_ann(ann, budget)
    raw_bytes = _read(txt, budget)
    try:
        raw = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MarginError(f"{txt.name} is not UTF-8 (byte {error.start})") from error
    pair = Pair(ann, txt, raw, raw_bytes, mentions, others, conf, warnings)
    _place(pair)
    return pair


def _says(written: str, found: str) -> bool:
    """Whether a T line's text is the text at its offsets (brat also allows it empty, or followed by a space and more)."""
    return written in ("", found) or (written.startswith(found) and written[len(found) : len(found) + 1].isspace())


def _place(pair: Pair) -> None:
    """Offsets into the normalised text for every mention, reading CRLF as brat does (one character) or not."""
    if not pair.mentions:
        return
    positions = [p for m in pair.mentions for fragment in m.fragments for p in fragment]
    best: tuple[CountedText, dict[int, int]] | None = None
    first_miss: Mention | None = None
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
            f"{pair.ann.name}, line {first_miss.line}: {first_miss.id} says “{one_line(first_miss.text)[:40]}”"
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
            mention.pieces = _pieces(counted.base, [(found[a], found[b]) for a, b in sorted(mention.fragments)], offsets)


def _pieces(base: str, fragments: list[tuple[int, int]], offsets: dict[int, int]) -> list[tuple[int, int]]:
    """The stretches of a mention in *fragments* (positions in *base*) as normalised spans, joined across breaks.

    Only a gap holding words splits a passage; fewer than two stretches left means one passage (no pieces).
    """
    joined: list[tuple[int, int]] = []
    for a, b in fragments:
        if joined and not base[joined[-1][1] : a].strip(BREAKS + " "):
            joined[-1] = (joined[-1][0], max(b, joined[-1][1]))
        else:
            joined.append((a, b))
    pieces = [(offsets[a], offsets[b]) for a, b in joined if b > a]
    return pieces if len(pieces) > 1 else []
