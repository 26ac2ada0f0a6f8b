"""Links between passages, as the reading screen makes and follows them.

A link joins two passages, usually in two panes: ``L`` on the first passage,
``L`` again on the second, then a relation is picked; ``f`` follows a link
from the highlight under the cursor. Its keys are in ``ReadingScreen.BINDINGS``.
"""

from __future__ import annotations

from annotations.text import shorten

from ..elsewhere import LIBRARY_ERRORS
from .choices import ChoicePicker
from .reading_part import ReadingPart, short_quote
from .relation_picker import RelationPicker


class LinkMaking(ReadingPart):
    """Making a link across panes (``L`` twice) and following one (``f``)."""

    def action_link(self) -> None:
        pane = self.active
        if pane is None:
            return
        target = self._target_here(pane)
        if self.link_source is None:
            if target is None:
                self.notify("Select a passage (or put the cursor on a highlight) to link from.", severity="warning")
                return
            if len(self.panes) < 2:
                self.notify("Open a second document (o) to link across documents.", severity="warning")
                return
            self.link_source = (pane, target)
            pane.view.clear_selection()
            self.action_next_pane()
            self._show_cursor_info(self.active)  # type: ignore[arg-type]
            return
        source_pane, source = self.link_source
        if target is None:
            self.notify("Select the passage to link to (or put the cursor on a highlight), then L.", severity="warning")
            return

        def related(relation: str | None) -> None:
            self.link_source = None
            if relation is None:
                self._show_cursor_info(pane)
                return
            try:
                link = self.editor.link(source, source_pane.text, target, pane.text, relation)
            except LIBRARY_ERRORS as error:
                self._fail(error)
                if source_pane.is_mounted:  # L again on the same passage asks for the relation again
                    self.link_source = (source_pane, source)
                    self._show_cursor_info(pane)
                return
            pane.view.clear_selection()
            ends = {link.source_id: source_pane, link.target_id: pane}
            for annotation_id, each in ends.items():
                if each.is_mounted:
                    each.view.move_cursor(self.store.annotations.get(annotation_id).start)
                    self.refresh_spans(each)
            self.notify(f"Linked: {link.relation}", timeout=2)

        self.app.push_screen(
            RelationPicker(shorten(self._target_text(source_pane, source), 48), shorten(self._target_text(pane, target), 48)),
            related,
        )

    def action_follow(self) -> None:
        pane = self.active
        if pane is None:
            return
        here = self._annotations_at(pane, pane.view.cursor)
        links = [pair for annotation in here for pair in self.editor.linked(annotation.id)]
        if not links:
            self.notify("No link here.", severity="warning")
            return
        if len(links) == 1:
            self.go_to_annotation(links[0][1], avoid=pane)
            return
        choices = [(other.id, f"{link.relation} · {short_quote(other.exact)}") for link, other in links]
        others = {other.id: other for _, other in links}
        def follow(chosen: str | None) -> None:
            if chosen:
                self.go_to_annotation(others[chosen], avoid=pane)

        self.app.push_screen(ChoicePicker("Follow link", choices), follow)
