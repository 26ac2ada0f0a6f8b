"""A close-reading session, replayed in a real terminal on the bundled samples.

tmux runs ``margin open`` on the notice and the article; keys are typed as a
person types them: a search, a selection, a tag dialog making two new tags at
once, a note, a link across the panes, the annotations panel, an export from
the reader. The exported Markdown must hold all of it. One of the few slow
tests (about ten seconds): it is what a newcomer's first session does.
"""

from __future__ import annotations

import time
import uuid

from reader.samples import sample_paths

from .test_terminal_smoke import ROOT, pytestmark, start, tmux, wait_for  # noqa: F401 - pytestmark skips without tmux

NOTICE_QUOTE = "from 10 March until 28 April"
ARTICLE_QUOTE = "is not expected to reopen before May"


def test_a_close_reading_session_ends_in_an_export_that_holds_it(tmp_path):
    notice, article = sample_paths()
    session = f"margin-session-{uuid.uuid4().hex[:8]}"
    # Started in tmp_path, so the export dialog's default file lands there.
    start(tmp_path, session, tmp_path / "session.db", f"open {notice} {article}", cwd=tmp_path)
    screen = lambda: tmux("capture-pane", "-p", "-t", session)  # noqa: E731

    def keys(*typed: str) -> None:
        tmux("send-keys", "-t", session, *typed)

    def text(words: str) -> None:
        tmux("send-keys", "-t", session, "-l", words)

    def select_found(quote: str) -> None:
        """Search for the quote (the cursor lands on it) and select it character by character."""
        keys("/")
        assert wait_for(lambda: "Search this document" in screen()), screen()
        text(quote)
        keys("Enter")
        # the status names the hit, unless a link under way has more to say
        assert wait_for(lambda: "hit 1 of 1" in screen() or "linking from" in screen() and "Search this" not in screen()), screen()
        time.sleep(0.2)
        keys("v", *["l"] * (len(quote) - 1))
        assert wait_for(lambda: f"selected {len(quote)} characters" in screen()), screen()

    exported = tmp_path / "reading-notes.md"  # the dialog's default for two documents
    try:
        assert wait_for(lambda: "Notice of Temporary Closure" in screen() and "Harbour Bridge Shut" in screen()), screen()
        assert wait_for(lambda: "▶" in screen()), screen()  # the pane keys act on is marked
        # 1. A highlight on the notice with two new tags, made in one dialog.
        select_found(NOTICE_QUOTE)
        keys("a")
        assert wait_for(lambda: "Tag passage" in screen()), screen()
        text("Claim/Dates")
        assert wait_for(lambda: "Create topic" in screen()), screen()
        keys("Tab")
        text("Theme/Closure")
        assert wait_for(lambda: "“Claim/Dates” (new), “Theme/Closure” (new)" in screen()), screen()
        keys("Enter")
        assert wait_for(lambda: "Saved" in screen()), screen()
        # 2. A note on it: the cursor is on the new highlight.
        keys("c")
        assert wait_for(lambda: "ctrl+s" in screen()), screen()
        text("The official window: seven weeks.")
        keys("C-s")
        assert wait_for(lambda: "Note saved" in screen()), screen()
        # 3. A link from it to the article's distortion: L, the other passage, L, a relation.
        keys("Escape")  # clears the search hits; the highlight stays under the cursor
        time.sleep(0.5)  # a key sent right after escape would arrive as alt+key
        keys("L")
        assert wait_for(lambda: "linking from" in screen()), screen()
        select_found(ARTICLE_QUOTE)
        keys("L")
        assert wait_for(lambda: "Link as" in screen()), screen()
        text("contradicts")
        keys("Enter")
        assert wait_for(lambda: "Linked: contradicts" in screen()), screen()
        # 4. The panel lists the article's annotation with its link; esc closes it.
        keys("p")
        assert wait_for(lambda: "1 link" in screen()), screen()
        time.sleep(0.3)
        keys("Escape")
        assert wait_for(lambda: "Filter: text" not in screen()), screen()
        assert "Library" not in screen()  # esc closed the panel, it did not leave for the library
        # 5. Export from the reader.
        keys("C-e")
        assert wait_for(lambda: "reading-notes.md" in screen()), screen()  # the box holds its default, focused
        keys("Enter")
        assert wait_for(lambda: "Exported" in screen()), screen()
        keys("q")
        assert wait_for(lambda: "MARGIN-EXITED-0" in screen()), screen()
    finally:
        tmux("kill-session", "-t", session)
    notes = exported.read_text(encoding="utf-8")
    assert f"> {NOTICE_QUOTE}" in notes
    assert f"> {ARTICLE_QUOTE}" in notes
    assert "#Claim/Dates" in notes and "#Theme/Closure" in notes
    assert "The official window: seven weeks." in notes
    assert "contradicts" in notes
