"""The headless core never loads Textual, and neither do headless commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import add_document

ROOT = Path(__file__).resolve().parents[1]


def loaded_modules(code: str) -> set[str]:
    script = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_annotations_package_loads_neither_textual_nor_reader():
    modules = loaded_modules(
        "import annotations, annotations.store, annotations.anchoring, annotations.export.markdown, annotations.export.gather"
    )
    assert "annotations.store" in modules
    assert not {m for m in modules if m == "textual" or m.startswith("textual.")}
    assert not {m for m in modules if m == "reader" or m.startswith("reader.")}


def test_no_annotations_module_imports_reader_or_textual():
    for path in (ROOT / "annotations").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for forbidden in ("import textual", "from textual", "import reader", "from reader"):
            assert forbidden not in source, f"{path.relative_to(ROOT)} has {forbidden!r}"


def test_headless_commands_do_not_load_textual(tmp_path):
    code = f"""
from click.testing import CliRunner
from reader.cli import cli
from reader.samples import sample_paths
db = {str(tmp_path / 'h.db')!r}
runner = CliRunner()
for args in (["import", *map(str, sample_paths())], ["docs"], ["annotate", "Notice", "--quote", "The closure is a precaution.", "--tag", "Claim/Safety"],
             ["annotations"], ["tags"], ["search", "shuttle"], ["export"], ["undo"], ["demo", "--print"]):
    result = runner.invoke(cli, ["--db", db, *args])
    assert result.exit_code == 0, (args, result.output)
"""
    modules = loaded_modules(code)
    assert "reader.cli" in modules
    assert not {m for m in modules if m == "textual" or m.startswith("textual.")}


def test_opening_a_library_does_not_load_numpy_yet_numpy_still_works():
    # sqlite-utils would import numpy (about 45 ms on every command) only to know its number types.
    pytest.importorskip("numpy")
    modules = loaded_modules(
        "import reader.cli, annotations.store, annotations.schema\n"
        "from annotations.store import Store\n"
        "Store.open(':memory:', author='a').close()"
    )
    assert "sqlite_utils" in modules
    assert "numpy" not in modules and "pandas" not in modules
    after = loaded_modules("import annotations.store\nimport numpy\nassert numpy.arange(3).sum() == 3")
    assert "numpy" in after


def test_opening_a_library_does_not_parse_dates_yet_sqlite_utils_still_can():
    # sqlite-utils imports dateutil's parser (about 20 ms) for two recipes margin never calls.
    pytest.importorskip("dateutil")
    modules = loaded_modules("from annotations.store import Store\nStore.open(':memory:', author='a').close()")
    assert "sqlite_utils" in modules
    assert "dateutil.parser._parser" not in modules
    after = loaded_modules(
        "import annotations.store\n"
        "from sqlite_utils import recipes\n"
        "from sqlite_utils.utils import rows_from_file\n"
        "assert recipes.parsedate('5th October 2019') == '2019-10-05'\n"
        "assert recipes.parsedatetime('2019-10-05 10:30') == '2019-10-05T10:30:00'\n"
        "assert recipes.parsedate('not a date', errors=recipes.IGNORE) == 'not a date'\n"
        "import dateutil.parser\n"
        "assert dateutil.parser.isoparse('2020-01-02').day == 2\n"
        "from dateutil.parser import ParserError\n"
        "assert issubclass(ParserError, ValueError)"
    )
    assert "dateutil.parser._parser" in after


def test_the_pattern_sqlite_utils_compiles_at_import_is_compiled_when_first_used_and_works():
    from annotations.store import Store
    import re
    import sqlite_utils.db

    assert re.compile.__module__ == "re"  # compiling is as it was for everyone else
    with Store.open(":memory:", author="a") as store:
        assert store.db["versions_fts"].virtual_table_using == "FTS5"
        assert store.db["annotations"].virtual_table_using is None
    pattern = sqlite_utils.db._virtual_table_using_re
    assert pattern.match('create virtual table "x" using fts4 (a)').group("using") == "fts4"
    assert pattern.flags & re.IGNORECASE


def test_opening_a_library_compiles_no_pattern_it_does_not_use():
    modules = loaded_modules(
        "from annotations.store import Store\nStore.open(':memory:', author='a').close()\n"
        "import sqlite_utils.db\nassert sqlite_utils.db._virtual_table_using_re._compiled is None"
    )
    assert "sqlite_utils.db" in modules


def test_checking_a_source_file_loads_no_reanchoring_yet_a_changed_file_is_still_reanchored(tmp_path):
    # The reader checks each opened book's file after the first frame: the re-anchoring code
    # (its diff and matching, edlib) is needed only when the file changed.
    book = tmp_path / "book.txt"
    book.write_text("The first line of the book.\n\nA second paragraph here.\n", encoding="utf-8")
    code = f"""
import dataclasses
from pathlib import Path
from annotations.anchoring import anchor_span
from annotations.store import Store
from reader.formats import read_source
from reader.formats.refreshing import source_changed
store = Store.open(':memory:', author='a')
source = read_source(Path({str(book)!r}))
document = store.documents.import_loaded(str(source.path), source.sha256, source.document).document
text = store.documents.text(document.version_id)
store.annotations.insert_many(document.version_id, [(anchor_span(text, 4, 9), '')])
assert source_changed(document) is False
assert source_changed(dataclasses.replace(document, source_path={str(tmp_path / 'gone.txt')!r})) is None
assert source_changed(dataclasses.replace(document, source_path={str(tmp_path)!r})) is None
"""
    modules = loaded_modules(code)
    assert "reader.formats.refreshing" in modules
    assert "annotations.store.reanchoring" not in modules and "edlib" not in modules
    # Nor the reading of archives (EPUB, Word): 1.2 MB of modules the reader would hold while reading a plain book.
    assert "zipfile" not in modules
    after = loaded_modules(code + f"""
from reader.formats.refreshing import refresh
Path({str(book)!r}).write_text("A new first line.\\n\\nThe first line of the book.\\n\\nA second paragraph here.\\n", encoding="utf-8")
assert source_changed(document) is True
outcome = refresh(store, document)
assert outcome.status == "new-version" and outcome.reanchored is not None and outcome.reanchored.total == 1, outcome
""")
    assert "annotations.store.reanchoring" in after


#: What opening one book in the reader (its first frame, and the work after it: the highlights' worker and
#: the check of the book's file) must not load; each loads when first used, as the tests here show.
NOT_LOADED_BY_OPENING = (
    "annotations.classroom.consensus",  # comparing two annotators' layers
    "annotations.classroom.disagreements",
    "annotations.store.reanchoring",  # a changed source file (and the diff, matching and edlib behind it)
    "annotations.textdiff",
    "edlib",
    "reader.tui.screens.library",  # the library screen
    "reader.tui.screens.choices",  # the dialogs, and Textual's option list and fuzzy matcher in them
    "reader.tui.screens.path_prompt",
    "reader.tui.screens.outline",
    "reader.tui.screens.review",
    "reader.tui.screens.relation_picker",
    "reader.tui.reading.links",  # the reading screen's components, made when first used
    "reader.tui.reading.search",
    "reader.tui.reading.review",
    "reader.tui.reading.entities",
    "reader.tui.reading.alignment",
    "reader.tui.reading.fragments",
    "reader.tui.reading.comparing",  # unless two layers are shown
    "annotations.store.aligning",  # aligning, searching the library, merging tags
    "annotations.store.searching",
    "annotations.store.merging",
    "annotations.store.maintenance",  # the backup before an upgrade, and checks
    "dateutil.parser._parser",  # sqlite-utils' date recipes
    "numpy",
    "importlib.metadata",  # asking a package its version (textual.__version__): 35 modules, half a megabyte
)


def test_opening_a_book_in_the_reader_loads_nothing_only_later_actions_need_and_comparing_still_loads_its_code(tmp_path):
    # The consensus and disagreement code is needed when two annotators' layers are compared, not to read;
    # the dialogs and the repositories for alignment, search and merging when first used.
    code = f"""
import asyncio
from reader.samples import sample_paths
from annotations.store import Store
from reader.formats import read_source
from reader.tui.app import MarginApp
store = Store.open({str(tmp_path / 'r.db')!r}, author='ada')
source = read_source(sample_paths()[0])
document = store.documents.import_loaded(str(source.path), source.sha256, source.document).document
LAYERS = ()

async def main():
    app = MarginApp(store, document_ids=[document.id] * (2 if LAYERS else 1), layers=LAYERS, watch_seconds=None)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            pane = app.screen.deck.active if hasattr(app.screen, 'deck') else None
            if pane is not None and pane.view.text and (not LAYERS or app.screen.on_demand.comparing.ready):
                break
        else:
            raise AssertionError('nothing shown')
        await app.workers.wait_for_complete()  # the highlights' worker and the check of the book's file
        await pilot.pause(0.1)
asyncio.run(main())
"""
    modules = loaded_modules(code)
    assert "reader.tui.reading.screen" in modules and "reader.formats.refreshing" in modules
    assert not set(NOT_LOADED_BY_OPENING) & modules
    compared = loaded_modules(code.replace("LAYERS = ()", "LAYERS = ('ada', 'bo')"))
    assert {"annotations.classroom.disagreements", "annotations.classroom.consensus", "reader.tui.reading.comparing"} <= compared


def test_reading_the_settings_without_a_config_file_loads_no_toml_parser_yet_a_config_file_is_read(tmp_path):
    settings = tmp_path / "config.toml"
    code = f"""
import os
os.environ['MARGIN_CONFIG'] = {str(settings)!r}
from reader.config import load_config, resolve_author
assert load_config() == {{}}
assert resolve_author('ada') == 'ada'
"""
    modules = loaded_modules(code)
    assert "reader.config" in modules
    assert "tomllib" not in modules and "getpass" not in modules
    settings.write_text('author = "bo"\n', encoding="utf-8")
    after = loaded_modules(code.replace("assert load_config() == {}", "assert load_config() == {'author': 'bo'}")
                           + "assert resolve_author(None) == 'bo'\n")
    assert "tomllib" in after
    settings.write_text('author = \n', encoding="utf-8")
    broken = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert broken.returncode != 0 and "is not valid TOML" in broken.stderr


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x0D00, max_codepoint=0xFB00), max_size=6) | st.text(max_size=6))
def test_unspaced_scripts_are_told_apart_without_a_pattern_compiled_at_import_as_the_pattern_did(word):
    # Searching tells words of scripts written without spaces (Chinese, Japanese, Korean, Thai) apart;
    # the character class it did that with took 4 ms to compile when the store was imported.
    from annotations.store.searching import unspaced

    pattern = "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u0e00-\u0e7f]"
    assert unspaced(word) == bool(__import__("re").search(pattern, word))


def test_the_migration_names_margin_compares_with_are_those_it_registers():
    # An up-to-date library is recognised by these names, without loading the migrations: a migration
    # added to the registry and not to the list would leave libraries unupgraded.
    from annotations.schema import MIGRATION_NAMES
    from annotations.schema.registry import migrations

    assert tuple(m.name for m in migrations._migrations) == MIGRATION_NAMES


def test_reading_and_annotating_an_up_to_date_library_load_no_sqlite_utils_yet_it_is_there_when_asked(tmp_path):
    from annotations.anchoring import anchor_quote
    from annotations.store import Store

    path = tmp_path / "r.db"
    with Store.open(path, author="ada") as store:
        document = add_document(store)
        store.annotations.create(document, anchor_quote(store.documents.text(document.version_id), "precaution"))
    code = f"""
import sys
from annotations.store import Store
store = Store.open({str(path)!r}, author='bo')
document = store.documents.all()[0]
text = store.documents.text(document.version_id)
assert store.documents.sections(document.version_id) is not None
assert len(store.annotations.spans(document.version_id, None)) == 1
assert store.reading.position(document.id) == 0 and store.tags.all() == []
store.reading.remember(document.id, 42)  # kept while reading, in a transaction of its own
assert 'sqlite_utils' not in sys.modules and 'annotations.schema.registry' not in sys.modules
from annotations.anchoring import anchor_quote
store.annotations.create(document, anchor_quote(text, 'reopens'), note='noted')  # one transaction
assert 'sqlite_utils' not in sys.modules
assert store.db['annotations'].count == 2  # a table object: sqlite-utils' own
assert 'sqlite_utils' in sys.modules and 'numpy' not in sys.modules
store.close()
check = Store.open({str(path)!r}, author='bo')
assert check.reading.position(document.id) == 42
assert len(check.annotations.spans(document.version_id, None)) == 2
"""
    modules = loaded_modules(code)
    assert "sqlite_utils" in modules


def test_reading_a_book_in_the_reader_loads_no_sqlite_utils(tmp_path):
    # A person who reads (pages, jumps, the reading position kept) never pays for sqlite-utils' import or memory.
    from annotations.store import Store

    path = tmp_path / "r.db"
    with Store.open(path, author="ada") as store:
        document_id = add_document(store, "\n\n".join(f"Paragraph {n}. " + "words go on " * 30 for n in range(200))).id
    code = f"""
import asyncio, sys
from annotations.store import Store
from reader.tui.app import MarginApp
store = Store.open({str(path)!r}, author='ada')

async def main():
    app = MarginApp(store, document_ids=[{document_id!r}], watch_seconds=0.2)
    async with app.run_test(size=(80, 20)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if app.screen.deck.active is not None and app.screen.deck.active.view.text:
                break
        await pilot.press('pagedown', 'pagedown', 'G', 'g', 'pagedown')
        await app.workers.wait_for_complete()
        await pilot.pause(1.0)  # the reading position is kept once scrolling pauses; the library watched
    assert 'sqlite_utils' not in sys.modules
asyncio.run(main())
check = Store.open({str(path)!r}, author='ada')
assert check.reading.position({document_id!r}) > 0
"""
    modules = loaded_modules(code)
    assert "reader.tui.reading.screen" in modules and "sqlite_utils" not in modules


def test_the_command_that_opens_the_reader_loads_no_hashes_until_a_token_is_made(tmp_path):
    # `margin open` shares its sync options with `margin sync`; making a token is the only use of secrets there.
    modules = loaded_modules("import reader.cli.commands.app")
    assert "reader.cli.commands.sync" in modules
    assert not {"secrets", "hmac", "_hashlib"} & modules
    token = tmp_path / "token"
    made = loaded_modules(f"from pathlib import Path\nfrom reader.cli.commands.sync import _new_token\n"
                          f"assert len(_new_token(Path({str(token)!r}))) > 30")
    assert "secrets" in made and token.stat().st_mode & 0o777 == 0o600


def test_the_readers_imports_run_without_collections_and_are_left_out_of_later_ones_while_new_garbage_is_collected():
    # Run apart: freezing the objects of a test process would keep them for the rest of the session.
    code = """
import gc
from reader.collector import importing
frozen_before = gc.get_freeze_count()
with importing():
    assert not gc.isenabled()
    import reader.tui.app  # Textual and the reader
assert gc.isenabled() and gc.get_freeze_count() > frozen_before + 50_000, gc.get_freeze_count()

class Node:
    pass

def cycle():
    a, b = Node(), Node()
    a.other, b.other = b, a

before = sum(1 for o in gc.get_objects() if isinstance(o, Node))
for _ in range(1000):
    cycle()
gc.collect()
assert sum(1 for o in gc.get_objects() if isinstance(o, Node)) == before == 0  # garbage made after is collected

gc.disable()
with importing():
    pass
assert not gc.isenabled()  # left as it was found
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_collection_is_paused_across_threads_and_comes_back_as_it_was_after_the_last_pause():
    import gc
    import threading

    from reader.collector import paused

    was = gc.isenabled()
    try:
        gc.enable()
        inside = threading.Event()
        leave = threading.Event()
        seen: list[bool] = []

        def worker() -> None:
            with paused():
                inside.set()
                leave.wait(5)
            seen.append(gc.isenabled())

        thread = threading.Thread(target=worker)
        thread.start()
        inside.wait(5)
        with paused():  # a second, overlapping pause: the worker's ends inside it
            assert not gc.isenabled()
            leave.set()
            thread.join(5)
            assert seen == [False] and not gc.isenabled()  # still off: this pause has not ended
        assert gc.isenabled()  # on again after the last one
        with paused(), paused():
            assert not gc.isenabled()
        assert gc.isenabled()
        gc.disable()
        with paused():
            pass
        assert not gc.isenabled()  # off before the pause: left off
    finally:
        gc.enable() if was else gc.disable()


def test_the_reader_starts_with_the_objects_of_its_imports_left_out_of_collections(tmp_path):
    code = f"""
import gc
import textual.app
from click.testing import CliRunner
from reader.cli import cli
from reader.samples import sample_paths

seen = []
textual.app.App.run = lambda self, *args, **kwargs: seen.append((gc.isenabled(), gc.get_freeze_count()))
db = {str(tmp_path / 'r.db')!r}
assert CliRunner().invoke(cli, ['--db', db, 'import', str(sample_paths()[0])]).exit_code == 0
assert gc.get_freeze_count() == 0
from annotations.store import Store
with Store.open(db, author='a') as store:
    document = store.documents.all()[0].id
result = CliRunner().invoke(cli, ['--db', db, 'open', document])
assert result.exit_code == 0, result.output
(enabled, frozen), = seen
assert not enabled and frozen > 30_000, seen  # the imports all frozen; no collection until the first frame
assert gc.isenabled()  # the app gone, collection is back on
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr + out.stdout


def test_the_reader_collects_no_garbage_while_it_builds_its_first_screen_and_collects_after_it(tmp_path):
    # The widgets, styles and rows of the first screen live as long as it does: collecting among
    # them before the text shows was wasted. Collection comes back once that frame is drawn.
    code = f"""
import gc
from annotations.store import Store
from reader.samples import sample_paths
from reader.formats import read_source
from reader.tui.app import MarginApp
from reader.tui.reading import ReadingScreen

store = Store.open({str(tmp_path / 'r.db')!r}, author='ada')
source = read_source(sample_paths()[0])
document = store.documents.import_loaded(str(source.path), source.sha256, source.document).document
seen = {{}}
mounting = ReadingScreen.on_mount

def on_mount(screen):
    seen["building"] = gc.isenabled()
    mounting(screen)

ReadingScreen.on_mount = on_mount
app = MarginApp(store, document_ids=[document.id], watch_seconds=None)

async def look(pilot):
    await pilot.pause(0.2)
    seen["shown"] = gc.isenabled() and bool(app.screen.deck.active.view.text)
    app.exit()

app.run(headless=True, size=(100, 30), auto_pilot=look)
assert seen == {{"building": False, "shown": True}}, seen
assert gc.isenabled()
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr + out.stdout


def test_the_margin_command_imports_its_command_line_without_collections_and_runs_with_them_on(tmp_path):
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "margin"]
    assert script.value == "reader.launch:main"  # what the installed `margin` runs
    code = f"""
import atexit, gc, sys
atexit.register(lambda: print("after", gc.isenabled(), gc.get_freeze_count()))
sys.argv = ["margin", "--db", {str(tmp_path / 'r.db')!r}, "docs"]
from reader.launch import main
main()
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    enabled, frozen = out.stdout.strip().splitlines()[-1].split()[1:]
    assert enabled == "True" and int(frozen) > 20_000  # click, the store and the commands, left out of collections


def test_a_command_that_reads_no_file_loads_no_limits_unless_one_is_set_and_an_unset_one_is_the_default_again(tmp_path):
    # Opening the reader reads no file the limits guard: their module loads when one is read, or is set.
    code = f"""
import sys
from click.testing import CliRunner
from reader.cli import cli
db = {str(tmp_path / 'l.db')!r}
assert CliRunner().invoke(cli, ['--db', db, 'tags']).exit_code == 0
assert 'annotations.limits' not in sys.modules
result = CliRunner().invoke(cli, ['--db', db, 'tags'], env={{'MARGIN_MAX_DOCUMENT_MB': '1'}})
assert result.exit_code == 0, result.output
from annotations import limits
assert limits.current().document_bytes == 1024 * 1024
assert CliRunner().invoke(cli, ['--db', db, 'tags']).exit_code == 0
assert limits.current().document_bytes == 200 * 1024 * 1024  # unset again: the default, not the last one set
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr + out.stdout
