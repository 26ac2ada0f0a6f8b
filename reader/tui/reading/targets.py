"""What a key in a pane points at: the selection, else the highlight under the cursor.

Annotating, linking and the status line all ask the same question, so it is
answered once here, from the pane's drawn highlights and the library.
"""

from __future__ import annotations

from annotations.model import FRAGMENT_JOINER, Annotation
from annotations.store import Store

from ..editing import Target
from ..widgets.pane import DocumentPane

#: Highlights whose key starts with this are search hits, not annotations.
SEARCH_KEY = "search:"
#: Highlights whose key starts with this are suggestions' faint marks, not annotations.
SUGGESTION_KEY = "suggestion:"
#: Highlights whose key starts with this are suggested alignment pairs (ghost links), not annotations.
GHOST_KEY = "ghost:"
#: Highlights whose key starts with this mark where two compared layers differ, not annotations.
DISAGREEMENT_KEY = "disagreement:"
#: Highlights whose key starts with this are fragments held (``+``) for a passage not yet made.
FRAGMENT_KEY = "fragment:"


def annotations_at(store: Store, pane: DocumentPane, offset: int) -> list[Annotation]:
    """The annotations drawn at *offset*, innermost first, each once."""
    keys = [
        h.key for h in pane.view.highlights_at(offset)
        if not h.key.startswith((SEARCH_KEY, SUGGESTION_KEY, GHOST_KEY, FRAGMENT_KEY, DISAGREEMENT_KEY))
    ]
    return [store.annotations.get(key) for key in dict.fromkeys(keys)]


def target_here(store: Store, pane: DocumentPane) -> Target | None:
    """The fragments held (with the selection), else the selection, else the annotation under the cursor, else nothing."""
    view = pane.view
    if pane.held_fragments:
        spans = (*pane.held_fragments, *([view.selected_span] if view.selected_span is not None else []))
        return Target(pane.document, span=(min(a for a, _ in spans), max(b for _, b in spans)), fragments=spans)
    if view.selected_span is not None:
        return Target(pane.document, span=view.selected_span)
    here = annotations_at(store, pane, view.cursor)
    if here:
        return Target(pane.document, annotation_id=here[0].id)
    return None


def target_text(store: Store, pane: DocumentPane, target: Target) -> str:
    """The words a target covers, for dialogs and the status line."""
    if target.annotation_id is not None:
        return store.annotations.get(target.annotation_id).quote
    if target.fragments:
        return FRAGMENT_JOINER.join(pane.text[a:b] for a, b in sorted(target.fragments))
    assert target.span is not None
    return pane.text[target.span[0] : target.span[1]]
