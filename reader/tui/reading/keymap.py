"""The reading screen's keys: one table the footer, the help screen and the command palette read.

Each binding has an id (so a user's keymap can rebind it) and names an
``action_*`` on :class:`~reader.tui.reading.screen.ReadingScreen`, which hands
the key to the component that does the work. docs/reader.md lists every one.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

READING_KEYS: list[BindingType] = [
    Binding("a", "tag", "Tag", id="annotate.tag"),
    Binding("enter", "tag", "Tag selection", show=False, id="annotate.tag_selection"),
    Binding("c", "note", "Note", id="annotate.note"),
    Binding("plus", "hold_fragment", "Add fragment", show=False, id="annotate.fragment"),
    Binding("n", "next_hit", "Next hit", show=False, id="search.next"),
    Binding("N", "previous_hit", "Previous hit", show=False, id="search.previous"),
    Binding("x,delete", "delete", "Delete", show=False, id="annotate.delete"),
    Binding("u", "undo", "Undo", id="history.undo"),
    Binding("ctrl+r", "redo", "Redo", show=False, id="history.redo"),
    Binding("L", "link", "Link", id="link.start"),
    Binding("f", "follow", "Follow link", show=False, id="link.follow"),
    Binding("tab", "next_pane", "Next pane", id="pane.next"),
    Binding("shift+tab", "previous_pane", "Previous pane", show=False, id="pane.previous"),
    Binding("s", "toggle_sync", "Sync scroll", show=False, id="pane.sync"),
    Binding("z", "toggle_aligned_sync", "Sync by alignment", show=False, id="pane.sync_aligned"),
    Binding("equals_sign", "toggle_reflow", "Reflow lines", show=False, id="pane.reflow"),
    Binding("t", "outline", "Contents", show=False, id="nav.outline"),
    Binding("slash", "search", "Search", id="search.find"),
    Binding("p", "toggle_panel", "Annotations", id="panel.toggle"),
    Binding("o", "open_document", "Open document", show=False, id="library.open"),
    Binding("ctrl+w", "close_pane", "Close pane", show=False, id="pane.close"),
    Binding("S", "search_library", "Search library", show=False, id="library.search"),
    Binding("ctrl+e", "export", "Export", id="export.markdown"),
    Binding("f2", "rename_document", "Rename document", show=False, id="library.rename"),
    Binding("I", "instructions", "Instructions", show=False, id="class.instructions"),
    Binding("ctrl+a", "align", "Align panes", show=False, id="align.suggest"),
    Binding("y", "accept_suggestion", "Accept suggestion", show=False, id="align.accept"),
    Binding("X", "reject_suggestion", "Reject suggestion", show=False, id="align.reject"),
    Binding("R", "review", "Review", show=False, id="review.open"),
    Binding("r", "reattach", "Re-attach here", show=False, id="review.reattach"),
    Binding("M", "tag_every", "Tag every mention", show=False, id="entities.tag_every"),
    Binding("A", "aliases", "Aliases", show=False, id="entities.aliases"),
    Binding("T", "entities", "Entities", show=False, id="entities.screen"),
    Binding("Y", "suggestions", "Suggestions", show=False, id="suggestions.review"),
    Binding("ctrl+y", "suggest", "Suggest mentions", show=False, id="suggestions.make"),
    Binding("right_square_bracket", "next_disagreement", "Next difference", id="compare.next"),
    Binding("left_square_bracket", "previous_disagreement", "Previous difference", show=False, id="compare.previous"),
    Binding("ctrl+l", "pick_layer", "Layer", id="compare.layer"),
    Binding("less_than_sign", "adopt_left", "Keep left", show=False, id="curate.adopt_left"),
    Binding("greater_than_sign", "adopt_right", "Keep right", show=False, id="curate.adopt_right"),
    Binding("minus", "reject_place", "Keep neither", show=False, id="curate.reject"),
    Binding("escape", "back", "Library", show=False, id="screen.back"),
]
