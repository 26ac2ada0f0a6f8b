"""Bytes to text: UTF-8 first, a byte-order mark when present, a careful guess otherwise."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Bytes below 0x20 that ordinary text uses: tab, newline, vertical tab, form feed, return, escape.
_TEXT_CONTROLS = frozenset(b"\t\n\v\f\r\x1b")
_SAMPLE = 8192


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, the codec that produced it and, when it was a guess, a warning to show."""

    text: str
    encoding: str
    warning: str | None = None


def bom_encoding(data: bytes) -> str | None:
    """The codec named by a leading byte-order mark, or ``None`` when there is none."""
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return encoding
    return None


def looks_binary(data: bytes) -> bool:
    """Whether *data* is evidently not text: NUL bytes, or many control bytes near the start.

    Text in UTF-16 or UTF-32 with a byte-order mark is full of NUL bytes and is
    not binary; callers ask :func:`bom_encoding` first.
    """
    if bom_encoding(data) in ("utf-16", "utf-32"):
        return False
    if b"\x00" in data:
        return True
    sample = data[:_SAMPLE]
    if not sample:
        return False
    controls = sum(1 for byte in sample if (byte < 0x20 and byte not in _TEXT_CONTROLS) or byte == 0x7F)
    return controls / len(sample) > 0.05


def decode(data: bytes, name: str, declared: str | None = None) -> Decoded:
    """Decode *data* (the bytes of the file called *name*) to a ``str``.

    Order: a byte-order mark; strict UTF-8; an encoding the file *declared*
    (an HTML ``<meta charset>`` or XML declaration), if it decodes cleanly;
    then charset-normalizer's best guess; then cp1252, then Latin-1, which
    always succeeds. Anything after UTF-8 carries a warning naming the codec,
    since a guess can be wrong.
    """
    bom = bom_encoding(data)
    if bom is not None:
        try:
            return Decoded(data.decode(bom), _label(bom))
        except UnicodeDecodeError:
            pass  # A mark followed by something else: fall through to guessing.
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        codec = _codec(declared)
        # As browsers do, a page labelled Latin-1 is read as its superset cp1252.
        for candidate in ("cp1252", codec) if codec == "latin-1" else (codec,):
            if candidate is None or candidate.startswith(("utf-16", "utf-32")):
                continue  # Without a byte-order mark such a label is not to be trusted.
            try:
                return Decoded(data.decode(candidate), candidate)
            except (UnicodeDecodeError, LookupError):
                continue
    guess = _guess(data)
    if guess is not None:
        codec, text = guess
    else:
        try:
            codec, text = "cp1252", data.decode("cp1252")
        except UnicodeDecodeError:
            codec, text = "latin-1", data.decode("latin-1")
    return Decoded(text, codec, f"{name}: not UTF-8; decoded as {codec}")


def _guess(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's best reading, preferring cp1252 over its Latin-1 subset."""
    import charset_normalizer  # Imported here: most files are UTF-8 and never need it.

    try:
        best = charset_normalizer.from_bytes(data).best()
    except Exception:  # noqa: BLE001 - a detector failure only means "no guess"
        return None
    if best is None or best.encoding is None:
        return None
    codec = _codec(best.encoding)
    if codec is None:
        return None
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    if codec != "cp1252":
        # Several code pages agree on the bytes a file uses; then call it by the
        # commonest name. And Latin-1 files with bytes 0x80-0x9F are nearly
        # always cp1252 really (curly quotes, dashes).
        try:
            western = data.decode("cp1252")
        except UnicodeDecodeError:
            western = None
        if western is not None and (western == text or codec == "latin-1"):
            return "cp1252", western
    return codec, text


def _codec(label: str) -> str | None:
    """A readable canonical name for a codec label, or ``None`` if Python has no such codec."""
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return _label(name)


def _label(codec: str) -> str:
    """Names people recognise: ``latin-1`` rather than ``iso8859-1``, ``utf-8`` for a BOM'd file."""
    return {"iso8859-1": "latin-1", "utf-8-sig": "utf-8"}.get(codec, codec)
