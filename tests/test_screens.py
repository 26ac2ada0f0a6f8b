"""The dialogs, driven by keys: each is pushed on a bare app and its result captured."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, OptionList, SelectionList, Static

from annotations.model import Section, Tag, TagKind
from annotations.text import shorten
from reader.tui.screens.choices import ChoicePicker, fuzzy_rank
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.note_editor import NoteEditor
from reader.tui.screens.outline import OutlinePicker, current_section_index
from reader.tui.screens.path_prompt import PathPrompt
from reader.tui.screens.relation_picker import RelationPicker
from reader.tui.screens.tag_picker import TagPicker

SIZE = (80, 24)
UNSET = object()

TAGS = [
    Tag("t-secrecy", "Theme/Secrecy", TagKind.TOPIC, "#e5a50a"),
    Tag("t-safety", "Theme/Safety", TagKind.TOPIC, "#3584e4"),
    Tag("t-cost", "Claim/Cost", TagKind.TOPIC, "#2ec27e"),
    Tag("t-cnpc", "CNPC", TagKind.ENTITY, "#e66100", entity_type="Organization", aliases=("China National Petroleum",)),
    Tag("t-byron", "Ada Byron", TagKind.ENTITY, "#c061cb", entity_type="Person", aliases=("Countess of Lovelace",)),
    Tag("t-gone", "Old/Tag", TagKind.TOPIC, "#1c9aa0", deleted=True),
]
COUNTS = {"t-secrecy": 4, "t-safety": 2, "t-cnpc": 7}


class Harness(App[None]):
    """A bare app on which dialogs are shown one after another."""


class Paste(str):
    """Text that arrives at once, as a terminal delivers a paste: one event, not a key per letter."""


Step = str | Callable[[Any], None]


class Session:
    """One running app; :meth:`show` pushes a dialog, drives it and returns its result."""

    def __init__(self, app: Harness, pilot: Pilot) -> None:
        self.app = app
        self.pilot = pilot

    async def show(self, dialog: Screen[Any], *steps: Step, check: Callable[[Any], None] | None = None) -> Any:
        """Press keys, paste text or check the dialog, in order; return its result (UNSET if still open)."""
        outcome: list[Any] = [UNSET]
        self.app.push_screen(dialog, lambda result: outcome.__setitem__(0, result))
        await self.pilot.pause()
        for step in steps:
            if isinstance(step, Paste):
                self.app.post_message(events.Paste(str(step)))
                await self.pilot.pause()
            elif callable(step):
                step(dialog)
            else:
                await self.pilot.press(step)
        await self.pilot.pause()
        if check is not None:
            check(dialog)
        if outcome[0] is UNSET and self.app.screen is dialog:
            self.app.pop_screen()
            await self.pilot.pause()
        return outcome[0]


@asynccontextmanager
async def session() -> AsyncIterator[Session]:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        yield Session(app, pilot)


async def run(dialog: Screen[Any], *steps: Step, check: Callable[[Any], None] | None = None) -> Any:
    """Show one dialog on a fresh app; see :meth:`Session.show`."""
    async with session() as app:
        return await app.show(dialog, *steps, check=check)


def shown_values(picker: TagPicker) -> list[str]:
    tags = picker.query_one("#tags", SelectionList)
    return [option.value for option in tags.options]


def highlighted_value(picker: TagPicker) -> str:
    tags = picker.query_one("#tags", SelectionList)
    assert tags.highlighted is not None
    return tags.get_option_at_index(tags.highlighted).value


def picker() -> TagPicker:
    return TagPicker(TAGS, COUNTS)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def test_fuzzy_rank_orders_best_first_and_keeps_order_without_query():
    names = ["Claim/Cost", "Theme/Secrecy", "Person: Samuel Eccles"]
    assert [r.entry for r in fuzzy_rank("", names, lambda n: (n,))] == names
    ranked = [r.entry for r in fuzzy_rank("sec", names, lambda n: (n,))]
    assert ranked[0] == "Theme/Secrecy"
    assert "Claim/Cost" not in ranked


def test_fuzzy_rank_survives_long_repetitive_candidates():
    text = "e " * 400
    assert fuzzy_rank("eeeeeeeeeeee", [text], lambda t: (t,))


def test_shorten():
    assert shorten("a  b\n c", 10) == "a b c"
    assert shorten("abcdefghij", 5) == "abcd…"


def test_current_section_index_prefers_the_innermost_open_section():
    sections = [Section(0, 100, 1, "One"), Section(10, 20, 2, "One.a"), Section(100, 200, 1, "Two")]
    assert current_section_index(sections, 15) == 1
    assert current_section_index(sections, 50) == 0
    assert current_section_index(sections, 150) == 2
    assert current_section_index([], 5) is None


# --------------------------------------------------------------------------
# tag picker
# --------------------------------------------------------------------------


async def test_tag_picker_lists_live_tags_most_used_first():
    def check(dialog: TagPicker) -> None:
        assert shown_values(dialog)[:3] == ["t-cnpc", "t-secrecy", "t-safety"]
        assert "t-gone" not in shown_values(dialog)

    assert await run(picker(), check=check) is UNSET


async def test_tag_picker_filters_fuzzily_and_enter_takes_the_best_match():
    def check(dialog: TagPicker) -> None:
        values = shown_values(dialog)
        assert values[0] == "new:sec"  # no tag is called "sec": offer to create it
        assert values[1] == "t-secrecy"
        assert "t-cost" not in values
        assert highlighted_value(dialog) == "t-secrecy"

    assert await run(picker(), *"sec", check, "enter") == ["Theme/Secrecy"]


async def test_tag_picker_toggles_survive_refiltering():
    # Up past the top of the list returns to the filter, which then starts again.
    keys = [*"sec", "down", "space", "up", "up", "ctrl+u", Paste("cnpc"), "down", "space", "enter"]
    assert await run(picker(), *keys) == ["Theme/Secrecy", "Organization:CNPC"]


async def test_tag_picker_toggles_two_from_the_full_list():
    assert await run(picker(), "down", "space", "down", "space", "enter") == ["Organization:CNPC", "Theme/Secrecy"]


async def test_tag_picker_typing_in_the_list_goes_to_the_filter():
    def check(dialog: TagPicker) -> None:
        assert dialog.query_one("#filter", Input).value == "saf"
        assert dialog.focused is dialog.query_one("#filter", Input)

    await run(picker(), "down", *"sx", "backspace", *"af", check=check)


async def test_tag_picker_creates_new_tags():
    def check(dialog: TagPicker) -> None:
        assert shown_values(dialog)[0] == "new:Person:Ada Lovelace"
        assert highlighted_value(dialog) == "new:Person:Ada Lovelace"

    async with session() as app:
        assert await app.show(picker(), Paste("Person:Ada Lovelace"), check, "enter") == ["Person:Ada Lovelace"]
        assert await app.show(picker(), Paste("Theme/Bridges"), "enter") == ["Theme/Bridges"]
        # A bare name that is no tag yet becomes a topic.
        assert await app.show(picker(), Paste("Bridges"), "down", "enter") == ["Bridges"]


async def test_tag_picker_matches_aliases():
    def check(dialog: TagPicker) -> None:
        assert highlighted_value(dialog) == "t-cnpc"

    def exact(dialog: TagPicker) -> None:
        values = shown_values(dialog)
        assert values[0] == "t-byron"
        assert not any(value.startswith("new:") for value in values)

    async with session() as app:
        assert await app.show(picker(), Paste("petroleum"), check, "enter") == ["Organization:CNPC"]
        assert await app.show(picker(), Paste("countess of lovelace"), exact, "enter") == ["Person:Ada Byron"]


async def test_tag_picker_keeps_and_drops_existing_tags():
    def existing(*selected: str) -> TagPicker:
        return TagPicker(TAGS, COUNTS, selected=selected)

    async with session() as app:
        assert await app.show(existing("t-safety", "t-cost"), "enter") == ["Theme/Safety", "Claim/Cost"]
        # Toggled tags are listed first: untoggle the first one; an empty list means "no tags".
        assert await app.show(existing("t-safety", "t-cost"), "down", "space", "enter") == ["Claim/Cost"]
        assert await app.show(existing("t-cost"), "down", "space", "enter") == []
        assert await app.show(existing("t-safety"), Paste("sec"), "enter") == ["Theme/Safety", "Theme/Secrecy"]


async def test_tag_picker_cycles_entity_type():
    def check(dialog: TagPicker) -> None:
        assert dialog.query_one("#filter", Input).value == "Organization:Ada Lovelace"

    assert await run(picker(), Paste("Ada Lovelace"), "ctrl+n", "ctrl+n", check=check) is UNSET


async def test_tag_picker_makes_several_new_tags_in_one_dialog_with_tab():
    def preview(dialog: TagPicker) -> None:
        line = str(dialog.query_one("#chosen", Static).render())
        assert line == "enter applies: “Theme/Bridges” (new), “Person:Ada Lovelace” (new), “Theme/Tides” (new)"

    keys = [Paste("Theme/Bridges"), "tab", Paste("Person:Ada Lovelace"), "tab", Paste("Theme/Tides"), preview, "enter"]
    assert await run(picker(), *keys) == ["Theme/Bridges", "Person:Ada Lovelace", "Theme/Tides"]


async def test_tag_picker_says_what_enter_applies_and_highlights_create_unless_a_name_is_being_typed():
    def typing_a_name(dialog: TagPicker) -> None:
        assert highlighted_value(dialog) == "t-secrecy"
        assert str(dialog.query_one("#chosen", Static).render()) == "enter applies: Theme/Secrecy"

    def typing_something_new(dialog: TagPicker) -> None:
        # "cost" fuzzily matches nothing better than a new tag: the create row is what enter makes
        assert highlighted_value(dialog) == "new:Theme/Coastline"
        assert str(dialog.query_one("#chosen", Static).render()) == "enter applies: “Theme/Coastline” (new)"

    async with session() as app:
        assert await app.show(picker(), *"secr", typing_a_name, "enter") == ["Theme/Secrecy"]
        assert await app.show(picker(), Paste("Theme/Coastline"), typing_something_new, "enter") == ["Theme/Coastline"]


async def test_tag_picker_ticks_read_without_colour():
    def check(dialog: TagPicker) -> None:
        tags = dialog.query_one("#tags", SelectionList)
        rows = [tags.render_line(y).text for y in range(tags.option_count)]
        assert rows[0].startswith("[x] ") and all(row.startswith("[ ] ") for row in rows[1:])

    assert await run(TagPicker(TAGS, COUNTS, selected=["t-cost"]), check=check) is UNSET


async def test_tag_picker_survives_a_burst_of_typing_with_fifty_tags():
    many = TAGS + [Tag(f"t-{i}", f"Topic/Subject {i:02d}", TagKind.TOPIC, "#3584e4") for i in range(50)]
    async with session() as app:
        for ending in ("enter", "backspace"):
            dialog = TagPicker(many, COUNTS)
            outcome: list[Any] = []
            app.app.push_screen(dialog, outcome.append)
            await app.pilot.pause()
            # Keys arrive faster than the list can be rebuilt, then enter or backspace at once.
            for key in [*"Theme/Brand new topic", ending, "backspace", "backspace", *"x", "enter"]:
                app.app.simulate_key(key)
            await app.pilot.pause(0.3)
            assert app.app.is_running
            assert outcome in ([["Theme/Brand new topic"]], [["Theme/Brand new tox"]], [["Theme/Brand new topx"]])
            if app.app.screen is dialog:
                app.app.pop_screen()
                await app.pilot.pause()


async def test_tag_picker_escape_returns_none():
    assert await run(picker(), Paste("sec"), "down", "space", "escape") is None


# --------------------------------------------------------------------------
# note editor
# --------------------------------------------------------------------------


async def test_note_editor_saves_multiline_text():
    def check(dialog: NoteEditor) -> None:
        assert "The closure is a precaution" in str(dialog.query_one("#quote", Static).render())

    editor = NoteEditor("First line", "The closure is a precaution. The bridge is safe.")
    assert await run(editor, check, "enter", Paste("second"), "ctrl+s") == "First line\nsecond"


async def test_note_editor_escape_returns_none():
    editor = NoteEditor("Keep me", "A quote")
    assert await run(editor, Paste("typed"), "escape") is None


# --------------------------------------------------------------------------
# relation picker
# --------------------------------------------------------------------------


async def test_relation_picker_from_the_list():
    dialog = RelationPicker("The bridge is safe.", "The bridge is not safe.")
    assert await run(dialog, "down", "down", "enter") == "contradicts"


async def test_relation_picker_custom_word():
    dialog = RelationPicker("The bridge is safe.", "The bridge is not safe.")
    async with session() as app:
        assert await app.show(dialog, *"cites", "enter") == "cites"
        assert await app.show(RelationPicker("a", "b"), "escape") is None


async def burst(dialog: Screen[Any], keys: list[str]) -> Any:
    """Type *keys* as a terminal under load delivers them: all queued before the first is handled."""
    async with session() as app:
        outcome: list[Any] = [UNSET]
        app.app.push_screen(dialog, lambda result: outcome.__setitem__(0, result))
        await app.pilot.pause()
        for key in keys:
            app.app.post_message(events.Key(key, key if len(key) == 1 else None))
        await app.pilot.pause(0.3)
        return outcome[0]


async def test_relation_picker_a_word_typed_in_a_burst_then_enter_is_the_relation():
    """The list has focus when the dialog opens; the first letter moves focus to the box, and the
    letters and enter queued behind it must follow (enter once picked the list's first row)."""
    assert await burst(RelationPicker("a", "b"), [*"contradicts", "enter"]) == "contradicts"
    assert await burst(RelationPicker("a", "b"), [*"cites", "backspace", "enter"]) == "cite"


async def test_choice_picker_a_filter_typed_in_a_burst_then_enter_picks_what_it_matches():
    picker = ChoicePicker("Follow which link?", [("one", "supports: the bridge"), ("two", "contradicts: the ferry")])
    picker_keys = ["down", *"ferry", "enter"]  # into the list first, then typing goes back to the filter
    assert await burst(picker, picker_keys) == "two"


# --------------------------------------------------------------------------
# path prompt
# --------------------------------------------------------------------------


async def test_path_prompt_edits_the_default():
    dialog = PathPrompt("Export to…", "/tmp/notes.md", hint="Markdown")
    assert await run(dialog, "backspace", "backspace", *"txt", "enter") == "/tmp/notes.txt"


async def test_path_prompt_ignores_blank_and_cancels():
    async with session() as app:
        assert await app.show(PathPrompt("Import file…", "   "), "enter") is UNSET
        assert await app.show(PathPrompt("Import file…", "a.md"), "escape") is None


# --------------------------------------------------------------------------
# outline
# --------------------------------------------------------------------------

SECTIONS = [
    Section(0, 300, 1, "Notice"),
    Section(40, 120, 2, "Closure dates"),
    Section(120, 300, 2, "Shuttle service"),
    Section(300, 500, 1, "Costs"),
]


async def test_outline_highlights_current_section_and_indents():
    def check(dialog: OutlinePicker) -> None:
        options = dialog.query_one("#choices", OptionList)
        assert options.highlighted == 2
        assert str(options.get_option_at_index(1).prompt).startswith("  Closure")

    assert await run(OutlinePicker(SECTIONS, 150), check, "enter") == 120


async def test_outline_filter_returns_start_offset():
    async with session() as app:
        assert await app.show(OutlinePicker(SECTIONS, 0), Paste("cost"), "enter") == 300
        assert await app.show(OutlinePicker(SECTIONS, 0), Paste("clos"), "down", "enter") == 40
        assert await app.show(OutlinePicker([], 0), "enter") is UNSET


# --------------------------------------------------------------------------
# choices
# --------------------------------------------------------------------------

CHOICES = [("a1", "Harbour notice: The bridge will close"), ("a2", "Harbour article: ferries [extra]"), ("a3", "Costs")]


async def test_choice_picker_filters_and_returns_id():
    async with session() as app:
        assert await app.show(ChoicePicker("Search results", CHOICES), Paste("ferr"), "enter") == "a2"
        assert await app.show(ChoicePicker("Follow link", CHOICES), "down", "down", "enter") == "a2"
        assert await app.show(ChoicePicker("Follow link", CHOICES), Paste("zzz"), "enter") is UNSET
        assert await app.show(ChoicePicker("Follow link", CHOICES), "escape") is None


# --------------------------------------------------------------------------
# help
# --------------------------------------------------------------------------

HELP_ROWS = [
    ("Reading", "j / down", "Next line"),
    ("Reading", "k / up", "Previous line"),
    ("Annotating", "t", "Tag the selection"),
    ("Annotating", "n", "Write a note on the selection [markup-looking text]"),
    ("Reading", "g", "Top"),
]


async def test_help_screen_shows_every_row_grouped():
    def check(dialog: HelpScreen) -> None:
        table = dialog.query_one("#keys", DataTable)
        cells = [" | ".join(str(cell) for cell in table.get_row_at(index)) for index in range(table.row_count)]
        assert cells == [
            "Reading | ",
            "j / down | Next line",
            "k / up | Previous line",
            "g | Top",
            " | ",
            "Annotating | ",
            "t | Tag the selection",
            "n | Write a note on the selection [markup-looking text]",
        ]

    assert await run(HelpScreen(HELP_ROWS), check=check) is UNSET


async def test_help_screen_closes_with_escape_q_or_question_mark():
    async with session() as app:
        for key in ("escape", "q", "question_mark"):
            assert await app.show(HelpScreen(HELP_ROWS), key) is None


async def test_tag_picker_keeps_a_typed_new_tag_beside_chosen_ones():
    from annotations.model import Tag, TagKind
    from reader.tui.screens.tag_picker import TagPicker

    alice = Tag("t1", "Alice", TagKind.ENTITY, "#e5a50a", entity_type="Person")
    results: list = []

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(TagPicker([alice], {"t1": 1}), results.append)

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"ali", "down", "space")
        await pilot.pause()
        app.screen.query_one("#filter").value = "Theme/Growth"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert results == [["Person:Alice", "Theme/Growth"]]


async def test_a_path_longer_than_its_box_shows_its_end_where_the_file_name_is():
    from reader.tui.screens.path_prompt import PathPrompt

    long_path = "/home/reader/" + "/".join(["a-rather-long-folder-name"] * 6) + "/reading-notes.md"

    def check(dialog: PathPrompt) -> None:
        box = dialog.query_one("#path", Input)
        assert box.cursor_position == len(long_path)
        shown = long_path[box.scroll_offset.x : box.scroll_offset.x + box.size.width]
        assert shown.endswith("reading-notes.md"), shown

    assert await run(PathPrompt("Export", long_path), check=check) is UNSET
