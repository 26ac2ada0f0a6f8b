"""A peer's values checked before they reach a library: each field's type and size.

Offsets inside the text and quotes equal to it are checked where the text is
at hand, on writing (:mod:`.rows`). What fails raises :class:`Invalid` and is never written.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .. import limits
from ..errors import MarginError
from ..store.documents import MAX_TITLE, clean_title, is_format_name
from ..store.tag_specs import is_colour


class Invalid(ValueError):
    """A peer's value that may not enter the library (wrong type, too large, outside its text)."""


_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z")
_ANCHOR_STATES = ("exact", "moved", "fuzzy", "orphaned")
_SHORT = 1_000  # names, titles, authors, relations
_CONTEXT = 1_000  # an anchor's prefix or suffix
_NOTE = 1_000_000
_LIST = 10_000


def _text(value: Any, field: str, limit: int = _SHORT, *, empty: bool = True) -> str:
    if not isinstance(value, str):
        raise Invalid(f"{field} is not text")
    if len(value) > limit:
        raise Invalid(f"{field} is longer than {limit:,} characters")
    if not empty and not value.strip():
        raise Invalid(f"{field} is empty")
    return value


def _time(value: Any, field: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise Invalid(f"{field} is not a time")
    return value


def check_time(value: Any) -> str:
    """*value* if it is a time as margin writes them (ISO 8601 UTC), else :class:`Invalid`."""
    return _time(value, "a time") or ""


_LARGEST = 2**63 - 1  # what SQLite stores as an integer; every whole number margin sends is at least 0


def _int(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"{field} is not a whole number")
    if not 0 <= value <= _LARGEST:
        raise Invalid(f"{field} is out of range")
    return value


def _strings(value: Any, field: str) -> list[str]:
    if not isinstance(value, list) or len(value) > _LIST:
        raise Invalid(f"{field} is not a list")
    return [_text(item, field) for item in value]


def _json_object(value: Any, field: str) -> str:
    text = _text(value, field, _NOTE)
    try:
        parsed = json.loads(text)
    except ValueError:
        raise Invalid(f"{field} is not JSON") from None
    if not isinstance(parsed, dict):
        raise Invalid(f"{field} is not a JSON object")
    return text


def check_field(kind: str, field: str, value: Any) -> Any:
    """*value* if it may be field *field* of a *kind* row (types and sizes; offsets are checked on writing)."""
    if field == "colour":  # drawn as a style: "@click=…" would be an action, "link …" a hyperlink
        if _text(value, field) and not is_colour(value):
            raise Invalid("colour is not a hex colour")
        return value
    if field == "format":  # shown in the library and by the command line
        if not is_format_name(_text(value, field)):
            raise Invalid("format is not a format's name")
        return value
    if field in ("author", "relation", "title", "document", "source", "target"):
        return _text(value, field, empty=False)
    if field in ("created",):
        return _time(value, field)
    if field == "deleted":
        return _time(value, field, optional=True)
    if field in ("note", "description"):
        return _text(value, field, _NOTE)
    if field in ("tags", "aliases", "identifiers"):
        return _strings(value, field)
    if field in ("attributes", "metadata"):
        return _json_object(value, field)
    if field == "needs_review":
        if _int(value, field) not in (0, 1):
            raise Invalid("needs_review is neither 0 nor 1")
        return value
    if kind == "tags" and field == "name":
        return _text(value, field, empty=False)
    if kind == "tags" and field == "kind":
        if value not in ("entity", "topic"):
            raise Invalid("a tag's kind is neither entity nor topic")
        return value
    if kind == "tags" and field == "entity_type":
        return None if value is None else _text(value, field)
    if kind == "documents" and field == "renamed":
        if value is None:
            return None
        try:
            if _text(value, field, MAX_TITLE, empty=False) == clean_title(value):
                return value
        except MarginError:
            pass
        raise Invalid("a title is not one clean line")
    if kind == "documents" and field == "text":
        text = _text(value, field, limits.current().document_bytes)
        return text
    if kind == "documents" and field == "sections":
        if not isinstance(value, list) or len(value) > _LIST * 10:
            raise Invalid("sections is not a list")
        for item in value:
            if not (isinstance(item, list) and len(item) == 4):
                raise Invalid("a section is not [start, end, level, title]")
            _int(item[0], "a section's start"), _int(item[1], "a section's end"), _int(item[2], "a section's level")
            _text(item[3], "a section's title")
        return value
    if kind == "annotations" and field == "anchor":
        if not (isinstance(value, list) and len(value) == 9):
            raise Invalid("an anchor is not [text, start, end, exact, prefix, suffix, state, score, fragments]")
        key, start, end, exact, prefix, suffix, state, score, fragments = value
        _text(key, "an anchor's text", 64), _int(start, "start"), _int(end, "end")
        _text(exact, "exact", limits.current().document_bytes), _text(prefix, "prefix", _CONTEXT)
        _text(suffix, "suffix", _CONTEXT)
        if state not in _ANCHOR_STATES:
            raise Invalid("an anchor's state is unknown")
        if score is not None and (isinstance(score, bool) or not isinstance(score, float) or not 0.0 <= score <= 1.0):
            raise Invalid("an anchor's score is not a number from 0 to 1")
        if not isinstance(fragments, list) or len(fragments) == 1 or len(fragments) > _LIST:
            raise Invalid("a passage's fragments are not a list of two or more")
        for fragment in fragments:
            if not (isinstance(fragment, list) and len(fragment) == 5):
                raise Invalid("a fragment is not [start, end, exact, prefix, suffix]")
            _int(fragment[0], "a fragment's start"), _int(fragment[1], "a fragment's end")
            _text(fragment[2], "a fragment's quote", limits.current().document_bytes)
            _text(fragment[3], "a fragment's prefix", _CONTEXT), _text(fragment[4], "a fragment's suffix", _CONTEXT)
        return value
    raise Invalid(f"no field {field} in {kind}")


_HEX64 = re.compile(r"[0-9a-f]{64}")
_ID = re.compile(r"[0-9A-Za-z_.:-]{1,100}")


def check_key(kind: str, key: str) -> str:
    """*key* if it may name a row of *kind*: a text's SHA-256, ``kind:name`` for a tag, a plain id otherwise."""
    if kind == "documents" and _HEX64.fullmatch(key):
        return key
    if kind == "tags" and key.partition(":")[0] in ("entity", "topic") and len(key) <= _SHORT + 7:
        return key
    if kind in ("annotations", "links") and _ID.fullmatch(key):
        return key
    raise Invalid(f"{kind[:-1]} key is not one margin makes")
