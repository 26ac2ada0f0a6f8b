"""Hypothesis's own JSON: what its API returns and what its export writes.

Accepted shapes: a list of annotations, the API's ``{"rows": [...]}``, the
export's ``{"annotations": [...]}``, or one annotation. Each annotation names
its page in ``uri`` and ``target[].source``, marks its passage with
``target[].selector`` (a ``TextQuoteSelector`` and a ``TextPositionSelector``
counted in UTF-16 code units, as browsers count), keeps its note in ``text``
and its tags in ``tags``, and its author as ``acct:name@host``.

Positions are converted to code points and trusted only where they slice to
the quote: a web page's text seldom matches the imported document's exactly,
so the quote (with its prefix and suffix) is what places most of them. Page
notes (no selector) and replies (``references``) have no passage of their own
and are skipped with a warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import MarginError
from ..store import Store
from .placing import Incoming, Parsed, place
from .report import ImportReport
from .jsonfile import load_json_documents, read_text

#: The prefix of Hypothesis ids once they are keys here, so they never meet another tool's ids.
KEY_PREFIX = "hypothesis:"


def looks_like_hypothesis(value: Any) -> bool:
    """True for Hypothesis's JSON (annotations with a ``user``, and a ``uri`` or a list of targets), not W3C JSON-LD."""
    rows = _rows(value)
    return bool(rows) and all(
        isinstance(r, dict) and "user" in r and "@context" not in r
        and ("uri" in r or isinstance(r.get("target"), list))
        for r in rows[:20]
    )


def is_empty_page(value: Any) -> bool:
    """An API answer with no rows (the last page of a search saved one to a line): neither kind of file by itself."""
    return isinstance(value, dict) and "@context" not in value and any(
        isinstance(value.get(key), list) and not value[key] for key in ("rows", "annotations")
    )


def _rows(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        for key in ("rows", "annotations"):
            if isinstance(value.get(key), list):
                return list(value[key])
        if "user" in value and "target" in value:
            return [value]
    return []


def _user(value: Any) -> str | None:
    """``acct:ada@hypothes.is`` → ``ada``: the account name, which (unlike the display name) never changes."""
    if isinstance(value, str) and value.strip():
        name = value.strip()
        if name.startswith("acct:"):
            name = name[5:].split("@", 1)[0] or name
        return name
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def read_hypothesis(values: Iterable[Any], name: str) -> Parsed:
    """Annotations and warnings from parsed Hypothesis JSON values."""
    parsed = Parsed()
    rows = [row for value in values for row in _rows(value)]
    if not rows:
        raise MarginError(f"{name} holds no Hypothesis annotations")
    for index, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            parsed.skip(f"annotation {index} skipped: not a JSON object")
            continue
        given = row.get("id")
        label = f"annotation {given}" if isinstance(given, str) else f"annotation {index}"
        if row.get("references"):
            parsed.skip(f"{label} skipped: a reply to another annotation, not a passage")
            continue
        targets = [t for t in row.get("target") or [] if isinstance(t, dict)]
        selectors = [s for t in targets[:1] for s in t.get("selector") or [] if isinstance(s, dict)]
        quote = next((s for s in selectors if s.get("type") == "TextQuoteSelector"), None)
        position = next((s for s in selectors if s.get("type") == "TextPositionSelector"), None)
        if quote is None and position is None:
            parsed.skip(f"{label} skipped: a page note, with no passage")
            continue
        source = targets[0].get("source") if targets else None
        uri = row.get("uri")
        # A row that names no page goes on the document given with --doc.
        names = [n for n in (source, uri) if isinstance(n, str) and n] or [""]
        quote = quote or {}
        position = position or {}
        start, end = position.get("start"), position.get("end")
        key = KEY_PREFIX + given if isinstance(given, str) and given else f"{KEY_PREFIX}{name}#{index}"
        parsed.annotations.append(
            Incoming(
                key=key,
                label=label,
                source=names[0],
                also_known_as=tuple(names[1:]),
                exact=quote.get("exact") if isinstance(quote.get("exact"), str) else None,
                prefix=_text(quote.get("prefix")),
                suffix=_text(quote.get("suffix")),
                start=start if isinstance(start, int) and not isinstance(start, bool) and start >= 0 else None,
                end=end if isinstance(end, int) and not isinstance(end, bool) and end >= 0 else None,
                utf16=True,
                tags=[t.strip() for t in row.get("tags") or [] if isinstance(t, str) and t.strip()],
                note=_text(row.get("text")),
                author=_user(row.get("user")),
                created=_text(row.get("created")) or None,
                updated=_text(row.get("updated")) or None,
            )
        )
    return parsed


def import_hypothesis(
    store: Store, path: Path, *, document_ref: str | None = None, values: list[Any] | None = None
) -> ImportReport:
    """Import a Hypothesis JSON export or API response onto library documents.

    *values* are the file's JSON values when the caller has read them already (telling the format does).
    """
    name = path.name or str(path)
    parsed = read_hypothesis(load_json_documents(read_text(path), name) if values is None else values, name)
    report = ImportReport(source=name, skipped=parsed.skipped, warnings=parsed.warnings)
    return place(store, report, parsed.annotations, document_ref=document_ref)
