"""W3C Web Annotation and Hypothesis JSON: exports pass the W3C test suite, imports land on the exact passage."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.anchoring import anchor_quote, find_all
from annotations.errors import MarginError
from annotations.interchange.hypothesis import import_hypothesis
from annotations.interchange.placing import Utf16Offsets
from annotations.interchange.selection import select
from annotations.interchange.w3c import export_collection, export_jsonl, import_w3c
from annotations.model import TagKind
from annotations.store import Store
from tests.conftest import NOTICE, add_document, fingerprint, fixed_clock

LAUNCH = (
    "Launch log 🚀 for the 👨‍👩‍👧 crew and the 𝒳-class rocket.\n\n"
    "At dawn the rocket lifted off. By noon the rocket landed safely.\n"
)
NOTICE_PATH = "/docs/Harbour notice.txt"
LAUNCH_PATH = "/docs/launch log.txt"


def utf16(text: str, offset: int) -> int:
    """A code-point offset counted the way a browser counts it."""
    return len(text[:offset].encode("utf-16-le")) // 2


@pytest.fixture
def library(store, db_path):
    """Two documents; annotations by two authors with topics, entities, a multi-line note; one link."""
    notice = add_document(store, NOTICE, "Harbour notice", path=NOTICE_PATH)
    launch = add_document(store, LAUNCH, "Launch log", path=LAUNCH_PATH)
    first = store.annotations.create(
        notice,
        anchor_quote(NOTICE, "The closure is a precaution."),
        tags=["Claim/Safety", "Organization:Port Authority"],
        note="Line one\nline two — “quoted” =SUM(A1)",
    )
    second = store.annotations.create(launch, anchor_quote(LAUNCH, "rocket landed"), tags=["Person:Ada Lovelace"])
    with Store.open(db_path, author="bob", clock=fixed_clock()) as bob:
        third = bob.annotations.create(notice, anchor_quote(NOTICE, "The bridge is safe."))
        bob.links.create(first.id, second.id, "contradicts", note="not the same day")
    return [store.annotations.get(a.id) for a in (first, second, third)]


def fresh_library(tmp_path: Path, name: str = "fresh.db") -> Store:
    """Another library holding the same two files (so the documents have other ids)."""
    fresh = Store.open(tmp_path / name, author="carol", clock=fixed_clock())
    add_document(fresh, NOTICE, "Harbour notice", path=NOTICE_PATH)
    add_document(fresh, LAUNCH, "Launch log", path=LAUNCH_PATH)
    return fresh


def tag_set(annotation) -> set[tuple[str, str, str | None]]:
    return {(t.name, t.kind.value, t.entity_type) for t in annotation.tags}


# --------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["collection", "jsonl"])
def test_round_trip_keeps_quotes_offsets_tags_notes_authors_dates_and_links(store, library, tmp_path, form):
    text = export_collection(select(store)) if form == "collection" else export_jsonl(select(store))
    path = tmp_path / ("notes.json" if form == "collection" else "notes.jsonl")
    path.write_text(text, encoding="utf-8")
    with fresh_library(tmp_path) as fresh:
        report = import_w3c(fresh, path)
        assert (report.annotations, report.links, report.skipped) == (3, 1, 0), report.warnings
        assert report.tags == 3
        for original in library:
            back = fresh.annotations.get(original.id)
            assert (back.start, back.end, back.exact, back.prefix, back.suffix) == (
                original.start, original.end, original.exact, original.prefix, original.suffix
            )
            assert (back.note, back.author, back.created, back.updated) == (
                original.note, original.author, original.created, original.updated
            )
            assert tag_set(back) == tag_set(original)
            assert fresh.documents.text(back.version_id)[back.start : back.end] == original.exact
        (link,) = fresh.links.for_annotations([library[0].id])
        (before,) = store.links.for_annotations([library[0].id])
        assert (link.id, link.source_id, link.target_id, link.relation, link.note, link.author, link.created) == (
            before.id, before.source_id, before.target_id, before.relation, before.note, before.author, before.created
        )


def test_importing_the_same_file_twice_adds_nothing(store, library, tmp_path):
    path = tmp_path / "notes.json"
    path.write_text(export_collection(select(store)), encoding="utf-8")
    with fresh_library(tmp_path) as fresh:
        import_w3c(fresh, path)
        before = fingerprint(tmp_path / "fresh.db")
        again = import_w3c(fresh, path)
        assert (again.annotations, again.links, again.tags) == (0, 0, 0)
        assert again.skipped == 4
        assert fingerprint(tmp_path / "fresh.db") == before


def test_export_back_into_the_same_library_matches_by_our_own_urn(store, library, tmp_path):
    # The library's documents are found by id, whatever their paths.
    path = tmp_path / "notes.json"
    path.write_text(export_collection(select(store)), encoding="utf-8")
    with fresh_library(tmp_path) as fresh:
        report = import_w3c(fresh, path)
    assert report.annotations == 3
    data = json.loads(path.read_text(encoding="utf-8"))
    sources = {item["target"]["source"]["id"] for item in data["first"]["items"] if item["motivation"] != "linking"}
    assert sources == {f"urn:margin:document:{d.id}" for d in store.documents.all()}


def test_export_is_the_same_bytes_each_time(store, library):
    assert export_collection(select(store)) == export_collection(select(store))
    assert export_jsonl(select(store)) == export_jsonl(select(store))


def test_export_follows_the_filters(store, library):
    data = json.loads(export_collection(select(store, tag_refs=["Person:Ada Lovelace"])))
    items = data["first"]["items"]
    assert [i["target"]["selector"][0]["exact"] for i in items if i["motivation"] != "linking"] == ["rocket landed"]


def test_tags_notes_links_are_the_standard_bodies(store, library):
    items = {i["id"]: i for i in json.loads(export_collection(select(store)))["first"]["items"]}
    first = items[f"urn:uuid:{library[0].id}"]
    purposes = {(b["purpose"], b["value"]) for b in first["body"]}
    assert ("tagging", "Claim/Safety") in purposes
    assert ("tagging", "Organization:Port Authority") in purposes
    assert ("commenting", library[0].note) in purposes
    assert first["creator"] == {"type": "Person", "name": "ada"}
    selectors = {s["type"]: s for s in first["target"]["selector"]}
    assert NOTICE[selectors["TextPositionSelector"]["start"] : selectors["TextPositionSelector"]["end"]] == (
        selectors["TextQuoteSelector"]["exact"]
    )
    assert first["target"]["source"]["via"] == Path(NOTICE_PATH).as_uri()
    (link,) = [i for i in items.values() if i["motivation"] == "linking"]
    assert link["target"] == f"urn:uuid:{library[0].id}"
    assert f"urn:uuid:{library[1].id}" in link["body"]
    assert {"type": "TextualBody", "purpose": "classifying", "value": "contradicts"} in link["body"]
    assert items[f"urn:uuid:{library[2].id}"]["motivation"] == "highlighting"
    assert "body" not in items[f"urn:uuid:{library[2].id}"]


def test_positions_count_code_points_after_astral_characters(store, library):
    items = json.loads(export_collection(select(store, document_refs=["Launch log"])))["first"]["items"]
    (item,) = [i for i in items if i["motivation"] != "linking"]
    position = next(s for s in item["target"]["selector"] if s["type"] == "TextPositionSelector")
    assert LAUNCH[position["start"] : position["end"]] == "rocket landed"
    assert position["start"] == LAUNCH.index("rocket landed")


# --------------------------------------------------------------------------
# The W3C test suite
# --------------------------------------------------------------------------


def _validate(shared: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    tool = shared / "tools" / "wa_validate.py"
    return subprocess.run(
        [sys.executable, str(tool), "-q", *map(str, files)], capture_output=True, text=True, timeout=120
    )


def test_every_exported_annotation_passes_the_w3c_must_assertions(shared, store, library, tmp_path):
    collection = tmp_path / "collection.json"
    collection.write_text(export_collection(select(store)), encoding="utf-8")
    lines = tmp_path / "annotations.jsonl"
    lines.write_text(export_jsonl(select(store)), encoding="utf-8")
    singles = []
    for n, line in enumerate(lines.read_text(encoding="utf-8").splitlines()):
        single = tmp_path / f"annotation-{n}.json"
        single.write_text(line, encoding="utf-8")
        singles.append(single)
    result = _validate(shared, collection, lines, *singles)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("CONFORMS (all MUST") == 4 + 4 + len(singles) == 12


def test_the_validator_does_catch_a_broken_annotation(shared, store, library, tmp_path):
    # The check above could not pass by accident: the same tool fails an annotation without its id.
    item = json.loads(export_jsonl(select(store)).splitlines()[0])
    del item["id"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(item), encoding="utf-8")
    result = _validate(shared, broken)
    assert result.returncode == 1 and "MUST FAIL" in result.stdout


def test_ids_sources_and_dates_are_well_formed_even_for_awkward_paths(store, tmp_path):
    # The validator checks URI and date formats only where rfc3987 and rfc3339-validator are
    # installed; this holds margin to the same forms without them.
    document = add_document(store, NOTICE, "Odd", path="/docs/a path with spaces, ü #1?.txt")
    store.annotations.create(document, anchor_quote(NOTICE, "The bridge is safe."), note="n")
    (item,) = json.loads(export_collection(select(store)))["first"]["items"]
    assert re.fullmatch(r"urn:uuid:[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", item["id"])
    via = item["target"]["source"]["via"]
    assert re.fullmatch(r"file:///[A-Za-z0-9._~!$&'()*+,;=:@/%-]*", via), via
    assert Path(unquote(urlsplit(via).path)) == Path("/docs/a path with spaces, ü #1?.txt")
    for stamp in (item["created"], item["modified"]):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", stamp)
        datetime.fromisoformat(stamp)


def _must_failures(shared: Path, instance: dict, test: str) -> list[str]:
    spec = importlib.util.spec_from_file_location("wa_validate", shared / "tools" / "wa_validate.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    suite = shared / "standards" / "w3c-web-annotation"
    registry = tool.build_registry(suite)
    _, assertions = tool.load_test(suite, test)
    failures = []
    for assertion in assertions:
        schema = json.loads(assertion.read_text(encoding="utf-8"))
        validator = jsonschema.Draft4Validator(schema, registry=registry)
        if schema.get("assertionType") == "must" and any(True for _ in validator.iter_errors(instance)):
            failures.append(assertion.name)
    return failures


@pytest.mark.parametrize("test", ["collections/collectionMusts.test", "collections/pages/pageMusts.test"])
def test_the_collection_and_its_page_pass_their_must_assertions(shared, store, library, test):
    collection = json.loads(export_collection(select(store)))
    assert _must_failures(shared, collection, test) == []
    broken = {key: value for key, value in collection.items() if key != "@context"}
    broken["first"] = {key: value for key, value in collection["first"].items() if key != "type"}
    assert _must_failures(shared, broken, test)  # and the same check fails a broken one


# --------------------------------------------------------------------------
# Importing other tools' W3C annotations
# --------------------------------------------------------------------------


def _write(tmp_path: Path, value: object, name: str = "in.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def test_foreign_annotation_lands_by_quote_on_the_document_named_with_doc(store, tmp_path):
    add_document(store, NOTICE, "Harbour notice", path=NOTICE_PATH)
    path = _write(tmp_path, {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "http://example.org/anno/7",
        "type": "Annotation",
        "creator": "mailto:erin@example.org",
        "created": "2015-01-28T12:00:00+02:00",
        "bodyValue": "Worth checking",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "Place:Lowmere"}],
        "target": {
            "source": "http://example.org/notice.html",
            "selector": {"type": "TextQuoteSelector", "exact": "The bridge is safe.", "prefix": "precaution. "},
        },
    })
    report = import_w3c(store, path, document_ref="Harbour")
    assert report.annotations == 1 and report.tags == 1
    (annotation,) = store.annotations.list()
    assert annotation.exact == "The bridge is safe." and annotation.start == NOTICE.index("The bridge is safe.")
    assert annotation.note == "Worth checking" and annotation.author == "erin"
    assert annotation.created == "2015-01-28T10:00:00.000000Z"
    assert tag_set(annotation) == {("Lowmere", TagKind.ENTITY.value, "Place")}


def test_a_position_that_no_longer_slices_to_the_quote_gives_way_to_the_quote(store, tmp_path):
    notice = add_document(store, NOTICE, "Harbour notice", path=NOTICE_PATH)
    quote = "The bridge reopens in April."
    path = _write(tmp_path, [{
        "id": "urn:uuid:3f2a9c1e-0000-4000-8000-000000000001", "type": "Annotation",
        "target": {"source": f"urn:margin:document:{notice.id}", "selector": [
            {"type": "TextPositionSelector", "start": 3, "end": 3 + len(quote)},
            {"type": "TextQuoteSelector", "exact": quote},
        ]},
    }])
    assert import_w3c(store, path).annotations == 1
    (annotation,) = store.annotations.list()
    assert (annotation.id, annotation.start, annotation.exact) == (
        "3f2a9c1e-0000-4000-8000-000000000001", NOTICE.index(quote), quote
    )


def test_context_picks_the_right_one_of_repeated_quotes(store, tmp_path):
    add_document(store, NOTICE, "Harbour notice", path=NOTICE_PATH)
    assert len(find_all(NOTICE, "The bridge")) == 3
    path = _write(tmp_path, {"id": "x:1", "type": "Annotation", "target": {
        "source": NOTICE_PATH,
        "selector": {"type": "TextQuoteSelector", "exact": "The bridge", "prefix": "precaution. ", "suffix": " is safe"},
    }})
    assert import_w3c(store, path).annotations == 1
    (annotation,) = store.annotations.list()
    assert annotation.start == NOTICE.index("The bridge is safe")


def test_an_unmatched_source_is_refused_by_name_and_nothing_is_written(store, db_path, tmp_path):
    add_document(store, NOTICE, "Harbour notice", path=NOTICE_PATH)
    path = _write(tmp_path, {"id": "x:1", "type": "Annotation", "target": {
        "source": "https://elsewhere.example/page",
        "selector": {"type": "TextQuoteSelector", "exact": "The bridge is safe."},
    }})
    before = fingerprint(db_path)
    with pytest.raises(MarginError) as caught:
        import_w3c(store, path)
    assert "https://elsewhere.example/page" in str(caught.value) and "--doc" in str(caught.value)
    assert fingerprint(db_path) == before


def test_a_quote_not_in_the_document_is_skipped_with_a_warning(store, tmp_path):
    add_document(store, NOTICE, "Harbour notice", path=NOTICE_PATH)
    path = _write(tmp_path, [
        {"id": "x:1", "type": "Annotation", "target": {"source": NOTICE_PATH, "selector": {
            "type": "TextQuoteSelector", "exact": "words that are nowhere"}}},
        {"id": "x:2", "type": "Annotation", "target": {"source": NOTICE_PATH, "selector": {
            "type": "TextQuoteSelector", "exact": "The closure is a precaution."}}},
        {"id": "x:3", "type": "Annotation", "target": NOTICE_PATH},
    ])
    report = import_w3c(store, path)
    assert (report.annotations, report.skipped) == (1, 2)
    assert any("words that are nowhere" in w for w in report.warnings)
    assert any("x:3" in w and "no text quote" in w for w in report.warnings)


@pytest.mark.parametrize("content, message", [
    ("{not json", "not JSON"),
    ('{"type": "AnnotationCollection", "total": 3, "first": "http://example.org/page1"}', "pages are not included"),
    ("[]", "no annotations"),
    ("42", "not W3C annotations"),
])
def test_unreadable_files_are_refused_in_one_line(store, db_path, tmp_path, content, message):
    path = tmp_path / "in.json"
    path.write_text(content, encoding="utf-8")
    before = fingerprint(db_path)
    with pytest.raises(MarginError) as caught:
        import_w3c(store, path)
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert fingerprint(db_path) == before


# --------------------------------------------------------------------------
# Hypothesis
# --------------------------------------------------------------------------


def _hypothesis_row(text: str, quote: str, occurrence: int, **fields: object) -> dict:
    start = find_all(text, quote)[occurrence]
    end = start + len(quote)
    row = {
        "id": fields.pop("id", "Kx3bQ9aBEe6wZ8u1"),
        "created": "2024-03-01T09:30:00.123456+00:00",
        "updated": "2024-03-02T10:00:00.000000+00:00",
        "user": "acct:mara@hypothes.is",
        "uri": "https://news.example/launch",
        "text": "Which rocket?",
        "tags": ["Vehicle/Rocket", "Person:Mara Ilves"],
        "group": "__world__",
        "target": [{
            "source": "https://news.example/launch",
            "selector": [
                {"type": "RangeSelector", "startContainer": "/main[1]/p[2]", "startOffset": 4,
                 "endContainer": "/main[1]/p[2]", "endOffset": 17},
                {"type": "TextPositionSelector", "start": utf16(text, start), "end": utf16(text, end)},
                {"type": "TextQuoteSelector", "exact": quote, "prefix": text[max(0, start - 32) : start],
                 "suffix": text[end : end + 32]},
            ],
        }],
        "document": {"title": ["Launch log"]},
    }
    row.update(fields)
    return row


def test_hypothesis_export_after_emoji_lands_on_the_exact_quote(store, tmp_path):
    add_document(store, LAUNCH, "Launch log", path=LAUNCH_PATH)
    rows = [
        _hypothesis_row(LAUNCH, "rocket", 2),
        {"id": "page-note", "user": "acct:mara@hypothes.is", "uri": "https://news.example/launch",
         "text": "A whole page", "tags": [], "target": [{"source": "https://news.example/launch"}]},
        {**_hypothesis_row(LAUNCH, "rocket", 1, id="reply-1"), "references": ["Kx3bQ9aBEe6wZ8u1"]},
    ]
    path = _write(tmp_path, {"export_date": "2024-03-05T00:00:00Z", "annotations": rows}, "hypothesis.json")
    report = import_hypothesis(store, path, document_ref="Launch log")
    assert (report.annotations, report.skipped) == (1, 2)
    assert any("page note" in w for w in report.warnings) and any("reply" in w for w in report.warnings)
    (annotation,) = store.annotations.list()
    third = find_all(LAUNCH, "rocket")[2]
    assert (annotation.start, annotation.end, annotation.exact) == (third, third + 6, "rocket")
    assert annotation.author == "mara" and annotation.note == "Which rocket?"
    assert annotation.created == "2024-03-01T09:30:00.123456Z" and annotation.updated == "2024-03-02T10:00:00.000000Z"
    assert tag_set(annotation) == {("Vehicle/Rocket", "topic", None), ("Mara Ilves", "entity", "Person")}


def test_hypothesis_position_alone_is_read_in_utf16_units(store, tmp_path):
    add_document(store, LAUNCH, "Launch log", path=LAUNCH_PATH)
    row = _hypothesis_row(LAUNCH, "rocket", 1)
    row["target"][0]["selector"] = [s for s in row["target"][0]["selector"] if s["type"] == "TextPositionSelector"]
    path = _write(tmp_path, [row], "hypothesis.json")
    assert import_hypothesis(store, path, document_ref="Launch log").annotations == 1
    (annotation,) = store.annotations.list()
    assert annotation.start == find_all(LAUNCH, "rocket")[1] and annotation.exact == "rocket"


def test_hypothesis_quote_found_across_different_line_breaks(store, tmp_path):
    add_document(store, LAUNCH, "Launch log", path=LAUNCH_PATH)
    row = _hypothesis_row(LAUNCH, "rocket.\n\nAt dawn", 0)
    row["target"][0]["selector"] = [{"type": "TextQuoteSelector", "exact": "rocket.\n    At  dawn"}]
    path = _write(tmp_path, [row], "hypothesis.json")
    assert import_hypothesis(store, path, document_ref="Launch log").annotations == 1
    (annotation,) = store.annotations.list()
    assert annotation.exact == "rocket.\n\nAt dawn"


def test_hypothesis_import_twice_adds_nothing(store, db_path, tmp_path):
    add_document(store, LAUNCH, "Launch log", path=LAUNCH_PATH)
    path = _write(tmp_path, {"total": 1, "rows": [_hypothesis_row(LAUNCH, "rocket", 0)]}, "hypothesis.json")
    assert import_hypothesis(store, path, document_ref="Launch log").annotations == 1
    before = fingerprint(db_path)
    again = import_hypothesis(store, path, document_ref="Launch log")
    assert (again.annotations, again.skipped) == (0, 1)
    assert fingerprint(db_path) == before


@given(st.text(alphabet=st.sampled_from("ab\n🚀𝒳é👨\u200d"), max_size=40), st.data())
def test_utf16_offsets_convert_to_the_code_point_they_count_to(text, data):
    offset = data.draw(st.integers(0, len(text)))
    assert Utf16Offsets(text).code_point(utf16(text, offset)) == offset


def test_utf16_offset_inside_a_surrogate_pair_is_refused():
    text = "a🚀b"
    assert Utf16Offsets(text).code_point(2) is None  # between the two halves of 🚀
    assert Utf16Offsets(text).code_point(3) == 2
    assert Utf16Offsets(text).code_point(5) is None  # past the end


@pytest.mark.parametrize("kind", ["w3c", "hypothesis"])
def test_a_json_file_whose_format_is_told_from_its_content_is_read_once(store, library, tmp_path, monkeypatch, kind):
    from annotations.interchange import formats, jsonfile

    if kind == "w3c":
        path = tmp_path / "notes.json"
        path.write_text(export_collection(select(store)), encoding="utf-8")
        target = fresh_library(tmp_path)
    else:
        path = _write(tmp_path, [_hypothesis_row(LAUNCH, "rocket", 1)], "notes.json")
        target = fresh_library(tmp_path)
    reads: list[Path] = []
    real = jsonfile.read_input
    monkeypatch.setattr(jsonfile, "read_input", lambda p: (reads.append(p), real(p))[1])
    with target as fresh:
        # --format auto: the content says which
        report = formats.import_file(fresh, path, document_ref=None if kind == "w3c" else "Launch log")
        assert reads == [path]
        assert report.annotations == (3 if kind == "w3c" else 1)
        if kind == "hypothesis":
            (annotation,) = fresh.annotations.list()
            assert annotation.exact == "rocket" and annotation.author == "mara"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("2026-12-06T14:22:18.123456Z", "2026-12-06T14:22:18.123456Z"),  # the library's own form, kept as it is
        (" 2026-12-06T14:22:18.123456Z\n", "2026-12-06T14:22:18.123456Z"),
        ("2026-12-06T14:22:18Z", "2026-12-06T14:22:18.000000Z"),
        ("2026-12-06T14:22:18.123456+02:00", "2026-12-06T12:22:18.123456Z"),
        ("2026-12-06T14:22:18.123456", "2026-12-06T14:22:18.123456Z"),  # no zone: taken as UTC
        ("2026-12-06", "2026-12-06T00:00:00.000000Z"),
        ("0999-01-01T00:00:00+00:00", "0999-01-01T00:00:00.000000Z"),  # four-digit years, however written
        ("0999-01-01T00:00:00.000000Z", "0999-01-01T00:00:00.000000Z"),
        ("0001-01-01T00:30:00+01:00", None),  # before the calendar's first day, in UTC
        ("9999-12-31T23:30:00-01:00", None),  # after its last
        ("2026-13-06T14:22:18.123456Z", None),  # the library's shape, but no such month
        ("２０２６-12-06T14:22:18.123456Z", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_a_files_date_times_are_kept_in_the_librarys_form(given, kept):
    from annotations.interchange.intake import iso_timestamp

    assert iso_timestamp(given) == kept


def test_an_import_holds_the_cycle_collector_only_while_it_runs(store, library, tmp_path, monkeypatch):
    """Held while the file's annotations are placed (the collector would walk the whole parsed file again and
    again), and back on after an import, failed or not: a reader that imports many files stays collected."""
    import gc

    from annotations.interchange import formats
    from annotations.interchange.w3c import reading

    collecting: list[bool] = []
    place = reading.place

    def watched(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        collecting.append(gc.isenabled())
        return place(*args, **kwargs)

    monkeypatch.setattr(reading, "place", watched)

    good = tmp_path / "notes.json"
    good.write_text(export_collection(select(store)), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "AnnotationCollection", "total": 0}', encoding="utf-8")
    with fresh_library(tmp_path) as fresh:
        assert formats.import_file(fresh, good).annotations == 3
        assert collecting == [False]
        assert gc.isenabled()
        with pytest.raises(MarginError):
            formats.import_file(fresh, bad)
        assert gc.isenabled()
        gc.disable()  # a caller that holds it already keeps it held
        try:
            formats.import_file(fresh, good)
            assert not gc.isenabled()
        finally:
            gc.enable()


@pytest.mark.parametrize("name", ["rows.jsonl", "rows.ndjson"])
def test_hypothesis_rows_saved_one_to_a_line_are_read_as_hypothesis(store, tmp_path, name):
    """The API's rows saved as JSON Lines keep their tags, note and author (read as W3C, all three were lost)."""
    from annotations.interchange import formats

    add_document(store, LAUNCH, "Launch log", path=LAUNCH_PATH)
    rows = [_hypothesis_row(LAUNCH, "rocket", 1, id="one"), _hypothesis_row(LAUNCH, "rocket", 2, id="two")]
    path = tmp_path / name
    # One row to a line, then the search's last page, empty, as a dump of the API's pages ends.
    path.write_text("".join(json.dumps(row) + "\n" for row in rows) + '{"total": 2, "rows": []}\n', encoding="utf-8")
    assert formats.detect(path) == "hypothesis"
    report = formats.import_file(store, path, document_ref="Launch log")
    assert report.annotations == 2
    for annotation in store.annotations.list():
        assert annotation.author == "mara" and annotation.note == "Which rocket?"
        assert {t.name for t in annotation.tags} == {"Vehicle/Rocket", "Mara Ilves"}
    # W3C written as JSON Lines is still W3C.
    lines = tmp_path / "w3c.jsonl"
    lines.write_text(export_jsonl(select(store)), encoding="utf-8")
    assert formats.detect(lines) == "jsonl"
