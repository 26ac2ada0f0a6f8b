"""The agreement screen, from the library screen: a bar per tag, measured without holding up the keys."""

from __future__ import annotations

import threading

from annotations.anchoring import anchor_span
from annotations.classroom import agreement as agreement_module
from annotations.classroom.agreement import measure
from annotations.store import Store
from reader.tui.app import MarginApp
from reader.tui.screens.agreement import BAR_WIDTH, alpha_bar

from .conftest import add_document, fixed_clock

TEXT = "The bridge will close in March. The closure is a precaution. The bridge is safe, says the mayor. " * 2


def _class(path) -> None:
    with Store.open(path, author="teacher", clock=fixed_clock()) as store:
        document = add_document(store, TEXT, title="Notice")
        for author, spans in {
            "ada": [(0, 30, "Theme/Risk"), (40, 60, "Theme/Cost")],
            "bo": [(0, 28, "Theme/Risk"), (40, 60, "Theme/Cost")],
            "cy": [(2, 30, "Theme/Risk"), (70, 90, "Theme/Cost")],
        }.items():
            for start, end, tag in spans:
                store.as_author(author).annotations.create(document, anchor_span(TEXT, start, end), tags=[tag])
        # A tag only cy used, in a document only cy read: nothing to compare it with, so alpha is undefined.
        alone = add_document(store, TEXT.upper(), title="Alone")
        store.as_author("cy").annotations.create(alone, anchor_span(TEXT.upper(), 100, 120), tags=["Theme/Alone"])


def test_the_bar_grows_with_alpha_and_is_absent_where_alpha_is_undefined():
    assert alpha_bar(1.0) == "█" * BAR_WIDTH
    assert alpha_bar(0.5) == "█" * (BAR_WIDTH // 2) + " " * (BAR_WIDTH // 2)
    assert alpha_bar(-0.4) == " " * BAR_WIDTH  # worse than chance: no bar (the value says how much)
    assert alpha_bar(1 / (BAR_WIDTH * 8)) == "▏".ljust(BAR_WIDTH)
    assert alpha_bar(None).startswith("–") and len(alpha_bar(None)) == BAR_WIDTH


def _rows(app) -> list[list[str]]:
    from textual.widgets import DataTable

    table = app.screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_A_on_the_library_screen_shows_alpha_per_tag(tmp_path):
    _class(tmp_path / "class.db")
    with Store.open(tmp_path / "class.db", author="teacher") as store:
        expected = measure(store)
        tokens = measure(store, unit="token")
        app = MarginApp(store, watch_seconds=None)
        async with app.run_test(size=(110, 30)) as pilot:
            await pilot.pause()
            assert type(app.screen).__name__ == "LibraryScreen"
            await pilot.press("A")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert type(app.screen).__name__ == "AgreementScreen"
            rows = _rows(app)
            assert [r[0] for r in rows] == [row.tag for row in expected.rows]
            for shown, row in zip(rows, expected.rows):
                assert shown[1] == ("–" if row.alpha is None else f"{row.alpha:.3f}")
                assert shown[2] == alpha_bar(row.alpha)
                assert shown[3] == str(sum(1 for n in row.spans.values() if n))
                assert shown[4] == str(sum(row.spans.values()))
            assert any(row.alpha is None for row in expected.rows)  # Theme/Alone
            await pilot.press("u")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert [r[1] for r in _rows(app)] == ["–" if r.alpha is None else f"{r.alpha:.3f}" for r in tokens.rows]
            assert "tokens" in str(app.screen.query_one("#summary").render())
            await pilot.press("escape")
            await pilot.pause()
            assert type(app.screen).__name__ == "LibraryScreen"


async def test_keys_answer_while_agreement_is_being_measured(tmp_path, monkeypatch):
    _class(tmp_path / "class.db")
    release = threading.Event()
    slow = agreement_module.measure

    def measure_slowly(store, **options):
        release.wait(10)
        return slow(store, **options)

    monkeypatch.setattr(agreement_module, "measure", measure_slowly)
    with Store.open(tmp_path / "class.db", author="teacher") as store:
        app = MarginApp(store, watch_seconds=None)
        async with app.run_test(size=(110, 30)) as pilot:
            await pilot.pause()
            await pilot.press("A")
            await pilot.pause()
            assert "Measuring" in str(app.screen.query_one("#summary").render())
            await pilot.press("escape")  # while the worker still counts
            await pilot.pause()
            assert type(app.screen).__name__ == "LibraryScreen"
            release.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert type(app.screen).__name__ == "LibraryScreen"  # the late result does not reopen anything


async def test_fewer_than_two_annotators_is_said_on_the_screen(tmp_path):
    with Store.open(tmp_path / "one.db", author="ada", clock=fixed_clock()) as store:
        document = add_document(store, TEXT, title="Notice")
        store.annotations.create(document, anchor_span(TEXT, 0, 10), tags=["Theme/Risk"])
        app = MarginApp(store, watch_seconds=None)
        async with app.run_test(size=(110, 30)) as pilot:
            await pilot.pause()
            await pilot.press("A")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "at least two annotators" in str(app.screen.query_one("#summary").render())
