"""Named entities from spaCy, as candidates: used only when spaCy and a model are installed (``margin[ner]``).

spaCy is imported when asked for, never at import time, so margin runs
without it; its entity labels are mapped onto margin's entity types, and
labels with no counterpart (numbers, money, nationalities) are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .candidates import Candidate
from .errors import MarginError

#: spaCy's labels (OntoNotes and the shorter WikiNER ones) → margin's entity types.
LABELS = {
    "PERSON": "Person", "PER": "Person",
    "ORG": "Organization",
    "GPE": "Place", "LOC": "Place", "FAC": "Place",
    "DATE": "Date",
    "WORK_OF_ART": "Work",
    "EVENT": "Event",
}
DEFAULT_MODEL = "en_core_web_sm"
#: spaCy's model score is not exposed per entity; a statistical guess counts for this much.
NER_SCORE = 0.6
#: Text is handed to spaCy in pieces of about this many characters, split at paragraph breaks.
PIECE = 100_000


def load_pipeline(model: str = DEFAULT_MODEL) -> Any:
    """The spaCy pipeline *model*, or a one-line error saying what to install."""
    try:
        import spacy
    except ImportError:
        raise MarginError("named-entity suggestions need spaCy: pip install 'margin[ner]', then a model "
                          f"(python -m spacy download {DEFAULT_MODEL})") from None
    try:
        return spacy.load(model)
    except OSError:
        raise MarginError(f"spaCy has no model “{model}”: python -m spacy download {model}") from None
    except ValueError as error:  # a folder whose config spaCy cannot read, a model for another spaCy
        raise MarginError(f"spaCy could not load “{model}”: {' '.join(str(error).split())[:200]}") from None


def _pieces(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    while start < len(text):
        end = min(len(text), start + PIECE)
        if end < len(text):
            cut = text.rfind("\n\n", start, end)
            end = cut + 2 if cut > start else end
        yield start, text[start:end]
        start = end


def ner_candidates(text: str, nlp: Any) -> list[Candidate]:
    """The entities *nlp* finds in *text*, typed as margin types them, in order."""
    found: list[Candidate] = []
    for offset, piece in _pieces(text):
        for entity in nlp(piece).ents:
            kind = LABELS.get(entity.label_)
            name = " ".join(entity.text.split())
            if kind is None or not name:
                continue
            found.append(Candidate(offset + entity.start_char, offset + entity.end_char, f"{kind}:{name}", "ner", NER_SCORE))
    return found
