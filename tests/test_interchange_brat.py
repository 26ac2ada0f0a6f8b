"""brat standoff: margin → .txt/.ann → a fresh library keeps every passage, tag, note and
link brat can hold; brat's own tutorials import with their entity types as entity tags;
file names made from titles stay safe; bad files change nothing."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.anchoring import anchor_quote, anchor_span
from annotations.errors import MarginError
from annotations.interchange.brat import export_brat, import_brat
from annotations.interchange.selection import select
from annotations.model import TagKind
from annotations.store import Store
from annotations.text import normalise

from .conftest import SHARED, add_document, fingerprint, fixed_clock
from .test_interchange_refiqda import NOTICE, annotation_facts, build_library, naughty_library, one_line_error

TUTORIALS = SHARED / "standards" / "brat" / "tutorials"
#: What splits a line for brat and for readers of .ann files; a note's line breaks of these kinds come back as \n.
LINE_SEPARATORS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


@pytest.fixture
def fresh(tmp_path):
    opened = Store.open(tmp_path / "fresh.db", author="carol", clock=fixed_clock())
    yield opened
    opened.close()


def same_document_links(store: Store) -> set[tuple[str, str, str, str]]:
    annotations = {a.id: a for a in store.annotations.list()}
    return {
        (link.source_id, link.target_id, link.relation, link.note)
        for link in store.links.for_annotations(list(annotations))
        if annotations[link.source_id].document_id == annotations[link.target_id].document_id
    }


def used_tags(store: Store) -> set[tuple]:
    return {(t.kind, t.name, t.entity_type) for a in store.annotations.list() for t in a.tags}


# --------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------


def test_round_trip_keeps_passages_tags_notes_and_links_within_documents(store, fresh, tmp_path):
    build_library(store)
    written = export_brat(select(store), tmp_path / "brat")

    report = import_brat(fresh, tmp_path / "brat")

    assert annotation_facts(fresh) == annotation_facts(store)
    assert same_document_links(fresh) == same_document_links(store)
    assert used_tags(fresh) == used_tags(store)
    topic_colours = {t.name: t.colour for t in store.tags.all() if t.kind is TagKind.TOPIC}
    assert all(topic_colours[t.name] == t.colour for t in fresh.tags.all() if t.kind is TagKind.TOPIC)
    assert sorted(p.name for p in written) == sorted(p.name for p in (tmp_path / "brat").iterdir())
    assert (report.documents, report.annotations) == (2, len(store.annotations.list()))
    assert report.links == len(same_document_links(store))


def test_the_text_file_is_the_normalised_text_exactly(store, tmp_path):
    build_library(store)
    export_brat(select(store), tmp_path / "brat")
    assert (tmp_path / "brat" / "Harbour notice.txt").read_bytes() == NOTICE.encode("utf-8")


def test_several_tags_are_several_lines_over_one_passage(store, tmp_path):
    doc = add_document(store, NOTICE, "Harbour notice")
    store.annotations.create(doc, anchor_quote(NOTICE, "the bridge"), tags=["Person:Ada", "Theme/Secrecy"])
    export_brat(select(store), tmp_path / "brat")
    lines = (tmp_path / "brat" / "Harbour notice.ann").read_text(encoding="utf-8").splitlines()
    start = NOTICE.index("the bridge")
    assert sorted(line.split("\t")[1] for line in lines if line.startswith("T")) == [
        f"Person {start} {start + 10}", f"Theme-Secrecy {start} {start + 10}"]


def test_importing_back_into_the_same_library_adds_nothing(store, db_path, tmp_path):
    build_library(store)
    export_brat(select(store), tmp_path / "brat")
    before = fingerprint(db_path)
    report = import_brat(store, tmp_path / "brat")
    assert (report.documents, report.annotations, report.tags, report.links) == (0, 0, 0, 0)
    assert fingerprint(db_path) == before


def test_passages_added_in_brat_come_back_with_margins_tags(store, fresh, tmp_path):
    """A brat user annotating in an exported folder uses margin's types; the conf files say what they mean."""
    doc = add_document(store, NOTICE, "Harbour notice")
    store.annotations.create(doc, anchor_quote(NOTICE, "the bridge"), tags=["Theme/Secrecy", "Vessel:Beagle"])
    export_brat(select(store), tmp_path / "brat")
    ann = tmp_path / "brat" / "Harbour notice.ann"
    start = NOTICE.index("Harbour")
    with ann.open("a", encoding="utf-8") as handle:
        handle.write(f"T90\tTheme-Secrecy {start} {start + 7}\tHarbour\nT91\tVessel {start} {start + 7}\tHarbour\n")
        handle.write("#90\tAnnotatorNotes T90\tadded in brat\n")

    import_brat(fresh, tmp_path / "brat")

    (added,) = [a for a in fresh.annotations.list() if a.exact == "Harbour"]
    assert {(t.kind, t.name, t.entity_type) for t in added.tags} == {
        (TagKind.TOPIC, "Theme/Secrecy", None), (TagKind.ENTITY, "Harbour", "Vessel")}
    assert added.note == "added in brat"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(alphabet=st.sampled_from([*"ab \n\t.", "\u2028", "\x0c", "é", "👩", "\u200d", "中", "\u0301"]),
                 min_size=1, max_size=40),
    data=st.data(),
)
def test_any_passage_survives_the_trip(text, data):
    text = normalise(text)
    if not text:
        return
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    note = data.draw(st.text(alphabet=st.sampled_from([*"n \n\t", "é", "👩"]), max_size=12))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with Store.open(root / "a.db", author="ada") as source, Store.open(root / "b.db", author="bob") as target:
            doc = add_document(source, text, "Doc")
            source.annotations.create(doc, anchor_span(text, start, end), tags=["T/x"], note=note)
            export_brat(select(source), root / "brat")
            import_brat(target, root / "brat")
            assert annotation_facts(target) == annotation_facts(source)


# --------------------------------------------------------------------------
# Against brat's consistency check (../shared)
# --------------------------------------------------------------------------


def brat_check(shared: Path, folder: Path) -> str:
    result = subprocess.run(
        [sys.executable, str(shared / "tools" / "brat_check.py"), str(folder)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_export_passes_the_brat_check(shared, store, tmp_path):
    build_library(store)
    export_brat(select(store), tmp_path / "brat")
    assert "2 passed, 0 failed" in brat_check(shared, tmp_path / "brat")


def test_real_texts_in_many_scripts_pass_the_check_and_come_back(shared, store, fresh, tmp_path):
    for name in ("cmn_hans", "jpn", "kor", "rus", "deu_1996"):
        text = normalise((shared / "corpus" / "udhr" / f"{name}.txt").read_text(encoding="utf-8"))
        doc = add_document(store, text, name)
        for at in range(0, len(text) - 300, len(text) // 7):
            store.annotations.create(doc, anchor_span(text, at, at + 300), tags=[f"Script/{name}"], note=name)
    export_brat(select(store), tmp_path / "brat")
    assert "5 passed, 0 failed" in brat_check(shared, tmp_path / "brat")
    import_brat(fresh, tmp_path / "brat")
    assert annotation_facts(fresh) == annotation_facts(store)


# --------------------------------------------------------------------------
# brat's tutorials
# --------------------------------------------------------------------------


def read_ann(path: Path) -> dict[str, list[list[str]]]:
    """The .ann's lines by kind (first character of the id), each split at tabs."""
    found: dict[str, list[list[str]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            found.setdefault(line[0], []).append(line.split("\t"))
    return found


def tutorial_files() -> list[Path]:
    return sorted(TUTORIALS.rglob("*.ann")) if TUTORIALS.is_dir() else []


@pytest.mark.parametrize("ann", tutorial_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_tutorial_imports_with_entity_types_as_entity_tags(shared, store, ann):
    lines = read_ann(ann)
    text = ann.with_suffix(".txt").read_text(encoding="utf-8")
    mentions = {}
    for ident, body, quote in lines.get("T", []):
        kind, spans = body.split(" ", 1)
        pieces = [tuple(map(int, piece.split())) for piece in spans.split(";")]
        mentions[ident] = (kind, pieces[0][0], pieces[-1][1], quote)
    events = {e[0]: e[1].split() for e in lines.get("E", [])}
    triggers = {words[0].split(":")[1] for words in events.values()}
    names = {n[1].split()[1]: n[2] for n in lines.get("N", [])}
    expected_links = (len(lines.get("R", [])) + sum(len(words) - 1 for words in events.values())
                      + sum(len(star[1].split()) - 2 for star in lines.get("*", [])))

    report = import_brat(store, ann)

    annotations = {(a.start, a.end): a for a in store.annotations.list()}
    assert report.documents == 1
    assert report.annotations == len(annotations) == len({(s, e) for _, s, e, _ in mentions.values()})
    for ident, (kind, start, end, quote) in mentions.items():
        annotation = annotations[(start, end)]
        assert annotation.exact == text[start:end]
        if ident in triggers:
            assert (TagKind.TOPIC, kind) in {(t.kind, t.name) for t in annotation.tags}
        else:
            name = names.get(ident, quote)
            assert any(t.kind is TagKind.ENTITY and t.entity_type == kind and t.name in (name, f"{name} ({kind})")
                       for t in annotation.tags), (ident, [t.label for t in annotation.tags])
    links = store.links.for_annotations([a.id for a in annotations.values()])
    assert report.links == len(links) == expected_links
    for _, target, note in (n for n in lines.get("#", []) if n[1].startswith("AnnotatorNotes")):
        ref = target.split()[1]
        if ref in mentions:
            assert note in annotations[mentions[ref][1:3]].note
        elif ref.startswith("R"):
            assert note in {link.note for link in links}
        else:
            trigger = events[ref][0].split(":")[1]
            assert note in annotations[mentions[trigger][1:3]].note
    # Attributes and modifications land on the passage of their entity, or of their event's trigger.
    for _, body in (line[:2] for line in lines.get("A", []) + lines.get("M", [])):
        name, target, *value = body.split()
        ref = target if target in mentions else events[target][0].split(":")[1]
        assert dict(annotations[mentions[ref][1:3]].attributes)[name] == (value[0] if value else True)
    assert report.attributes == len(lines.get("A", []) + lines.get("M", []))


def test_a_tutorial_folder_imports_as_one_document_per_pair(shared, store, db_path):
    report = import_brat(store, TUTORIALS / "news")
    assert report.documents == len(list((TUTORIALS / "news").glob("*.ann")))
    assert len(store.documents.all()) == report.documents
    # A second import of a corpus margin did not write adds nothing: its passages are found again.
    before = fingerprint(db_path)
    again = import_brat(store, TUTORIALS / "news")
    assert (again.documents, again.annotations, again.tags, again.links) == (0, 0, 0, 0)
    assert again.present >= report.annotations
    assert fingerprint(db_path) == before


@pytest.mark.parametrize("bobs_name", ["text.ann", "text-bob.ann"], ids=["named alike", "named apart"])
def test_two_annotators_files_on_one_text_stay_two_layers(store, tmp_path, bobs_name):
    """brat ids are per file: the same span in another annotator's .ann file is another annotation, whether
    the two files are named alike in two folders (brat's usual layout) or apart."""
    for who, name in (("ada", "text.ann"), ("bob", bobs_name)):
        (tmp_path / who).mkdir()
        (tmp_path / who / name).with_suffix(".txt").write_text(LF_TEXT, encoding="utf-8")
        (tmp_path / who / name).write_text("T1\tPerson 29 41\tAda Lovelace\n", encoding="utf-8")
    assert import_brat(store, tmp_path / "ada" / "text.ann").annotations == 1
    assert import_brat(store, tmp_path / "bob" / bobs_name).annotations == 1
    assert import_brat(store, tmp_path / "ada" / "text.ann").annotations == 0
    assert [a.exact for a in store.annotations.list()] == ["Ada Lovelace", "Ada Lovelace"]


def test_a_new_passage_at_an_old_place_of_a_changed_text_is_new(store, tmp_path):
    """The text was corrected and annotated again at the same offsets: that passage says something else."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "text.txt").write_text(LF_TEXT, encoding="utf-8")
    (folder / "text.ann").write_text("T1\tPerson 29 41\tAda Lovelace\n", encoding="utf-8")
    assert import_brat(store, folder / "text.ann").annotations == 1
    changed = LF_TEXT.replace("Ada Lovelace", "Mary Shelley")
    (folder / "text.txt").write_text(changed, encoding="utf-8")
    (folder / "text.ann").write_text("T1\tPerson 29 41\tMary Shelley\n", encoding="utf-8")
    assert import_brat(store, folder / "text.ann").annotations == 1
    assert "Mary Shelley" in [a.exact for a in store.annotations.list()]


# --------------------------------------------------------------------------
# Line ends: brat counts CRLF as one character; some tools do not
# --------------------------------------------------------------------------

LF_TEXT = "First line\nSecond line names Ada Lovelace\nThird\n"


@pytest.mark.parametrize("crlf_counts_as", [1, 2])
def test_a_crlf_text_imports_whichever_way_its_offsets_count(store, tmp_path, crlf_counts_as):
    raw = LF_TEXT.replace("\n", "\r\n")
    counted = raw if crlf_counts_as == 2 else LF_TEXT
    start = counted.index("Ada Lovelace")
    (tmp_path / "doc.txt").write_bytes(raw.encode("utf-8"))
    (tmp_path / "doc.ann").write_text(f"T1\tPerson {start} {start + 12}\tAda Lovelace\n", encoding="utf-8")

    report = import_brat(store, tmp_path / "doc.ann")

    (annotation,) = store.annotations.list()
    assert annotation.exact == "Ada Lovelace"
    assert annotation.start == LF_TEXT.index("Ada Lovelace")
    assert any("CRLF" in w for w in report.warnings) == (crlf_counts_as == 2)


# --------------------------------------------------------------------------
# File names from titles
# --------------------------------------------------------------------------


def test_file_names_from_hostile_titles_stay_in_the_folder_and_apart(store, fresh, tmp_path):
    titles = ["../../etc/passwd", "CON", "a/b\\c:d", "Notice", "notice", "\u202etxt.exe", "..", "", "日本語 📄"]
    for index, title in enumerate(titles):
        text = f"Document {index}: {title}\n"
        doc = add_document(store, text, title, path=f"/docs/{index}")
        store.annotations.create(doc, anchor_span(text, 0, 8), tags=["Kind/doc"])
    folder = tmp_path / "brat"
    written = export_brat(select(store), folder)

    assert all(path.parent == folder for path in written)
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2 * len(titles) + 2
    assert len({n.casefold() for n in names}) == len(names)
    for name in names:
        assert "/" not in name and "\\" not in name and "\u202e" not in name and not name.startswith(".")
        assert name.split(".")[0].upper() not in ("CON", "PRN", "AUX", "NUL")
    import_brat(fresh, folder)
    assert len(fresh.annotations.list()) == len(titles)




def test_export_refuses_to_replace_files_and_writes_nothing(store, tmp_path):
    build_library(store)
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "annotation.conf").write_text("mine", encoding="utf-8")

    with pytest.raises(MarginError) as caught:
        export_brat(select(store), folder)

    assert "already exists" in one_line_error(caught)
    assert [p.name for p in folder.iterdir()] == ["annotation.conf"]
    assert (folder / "annotation.conf").read_text(encoding="utf-8") == "mine"
    export_brat(select(store), folder, overwrite=True)
    assert (folder / "annotation.conf").read_text(encoding="utf-8") != "mine"


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------

GOOD_TXT = "Ada met Babbage in London.\n"


@pytest.mark.parametrize(
    ("txt", "ann", "fragment"),
    [
        (GOOD_TXT, "T1\tPerson 0 3\tAda\nR1\tMet Arg1:T1 Arg2:T9\t\n", "T9"),
        (GOOD_TXT, "T1\tPerson 0 3\tAda\n#1\tAnnotatorNotes T4\tnote\n", "T4"),
        (GOOD_TXT, "T1\tPerson 0 3\tAda\nT2\tPerson 8 15\tBabbage\nE1\tMeet:T7 Who:T1\n", "T7"),
        (GOOD_TXT, "T1\tPerson 0 3\tAnn\n", "T1 says"),
        (GOOD_TXT, "T1\tPerson 0 300\tAda\n", "past the end"),
        (GOOD_TXT, "T1\tPerson zero 3\tAda\n", "offsets"),
        (GOOD_TXT, "T1\tPerson 0 3\tAda\nT1\tPerson 8 15\tBabbage\n", "twice"),
        (GOOD_TXT, "T1 Person 0 3 Ada\n", "tab"),
        (None, "T1\tPerson 0 3\tAda\n", ".txt"),
        ("Caf\xe9", "T1\tPerson 0 3\tCaf\n", "UTF-8"),
    ],
    ids=["relation to a missing T", "note on a missing T", "event with a missing trigger", "text does not match",
         "offsets past the end", "offsets not numbers", "id twice", "spaces for tabs", "no .txt", "text not UTF-8"],
)
def test_bad_ann_files_are_refused_whole(store, db_path, tmp_path, txt, ann, fragment):
    build_library(store)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text(GOOD_TXT, encoding="utf-8")
    (folder / "ok.ann").write_text("T1\tPerson 0 3\tAda\n", encoding="utf-8")
    if txt is not None:
        (folder / "bad.txt").write_bytes(txt.encode("latin-1") if fragment == "UTF-8" else txt.encode("utf-8"))
    (folder / "bad.ann").write_text(ann, encoding="utf-8")
    before = fingerprint(db_path)

    with pytest.raises(MarginError) as caught:
        import_brat(store, folder)

    assert fragment in one_line_error(caught)
    assert fingerprint(db_path) == before


def test_a_folder_without_ann_files_or_a_missing_path_is_refused(store, db_path, tmp_path):
    before = fingerprint(db_path)
    for path in (tmp_path, tmp_path / "missing.ann"):
        with pytest.raises(MarginError) as caught:
            import_brat(store, path)
        one_line_error(caught)
    assert fingerprint(db_path) == before


def test_a_passage_retyped_in_brat_takes_its_new_type(store, fresh, tmp_path):
    doc = add_document(store, NOTICE, "Harbour notice")
    store.annotations.create(doc, anchor_quote(NOTICE, "Harbour notice"), tags=["Person:Harbour Master"])
    store.annotations.create(doc, anchor_quote(NOTICE, "the bridge"), tags=["Theme/Secrecy"])
    export_brat(select(store), tmp_path / "brat")
    ann = tmp_path / "brat" / "Harbour notice.ann"
    content = ann.read_text(encoding="utf-8")
    ann.write_text(content.replace("\tPerson ", "\tOrganization ").replace("\tTheme-Secrecy ", "\tPerson "),
                   encoding="utf-8")

    import_brat(fresh, tmp_path / "brat")

    assert {a.exact: {t.label for t in a.tags} for a in fresh.annotations.list()} == {
        "Harbour notice": {"Organization: Harbour Master"}, "the bridge": {"Person: the bridge"}}


def test_naughty_strings_survive(shared, store, fresh, tmp_path):
    naughty_library(store, shared)
    export_brat(select(store), tmp_path / "brat")
    brat_check(shared, tmp_path / "brat")

    import_brat(fresh, tmp_path / "brat")

    def as_brat_keeps_it(facts: tuple) -> tuple:
        *rest, note, tags = facts
        return (*rest, LINE_SEPARATORS.sub("\n", note), tags)

    expected = {key: as_brat_keeps_it(facts) for key, facts in annotation_facts(store).items()}
    assert annotation_facts(fresh) == expected
