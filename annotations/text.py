"""Text normalisation: the one definition of the text that every offset refers to."""

from __future__ import annotations

import unicodedata

BOM = "\ufeff"


def normalise(text: str) -> str:
    """Return the canonical form of *text*: no leading BOM, ``\\n`` line ends, NFC.

    Every stored offset is an index into this form, so loaders, anchoring and
    exports must all pass text through here exactly once.
    """
    if text.startswith(BOM):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)
