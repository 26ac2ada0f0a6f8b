"""Agreement figures: against Krippendorff's published worked examples, and against an independent implementation."""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.anchoring import anchor_span
from annotations.classroom.agreement import ALL_TAGS, measure
from annotations.classroom.measures import alpha_nominal, cohen_kappa
from annotations.errors import MarginError
from annotations.store import Store
from reader.cli import cli

from .conftest import add_document, fixed_clock

krippendorff = pytest.importorskip("krippendorff")
np = pytest.importorskip("numpy")

TEXT = "The bridge will close in March. The closure is a precaution. The bridge is safe, says the mayor. " * 2


# published values --------------------------------------------------------------
def test_krippendorffs_worked_example_nominal_alpha():
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders, 12 units, missing data."""
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    assert alpha_nominal(data) == pytest.approx(0.743, abs=5e-4)


def test_krippendorffs_binary_example():
    """Krippendorff (2011), section A: two observers, ten units, binary values: alpha = 0.095."""
    data = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    assert alpha_nominal(data) == pytest.approx(0.095, abs=5e-4)


def test_cohens_kappa_textbook_example():
    """50 proposals read by two readers: 20 yes-yes, 5 yes-no, 10 no-yes, 15 no-no; p_o 0.7, p_e 0.5, kappa 0.4."""
    assert cohen_kappa({("y", "y"): 20, ("y", "n"): 5, ("n", "y"): 10, ("n", "n"): 15}) == pytest.approx(0.4)


def test_no_variation_leaves_alpha_undefined():
    assert alpha_nominal([[1, 1, 1], [1, 1, 1]]) is None


# spans in a library, against a dense matrix fed to an independent implementation -----
SPAN = st.tuples(st.integers(0, len(TEXT) - 2), st.integers(1, 40), st.sampled_from(["A", "B"]))
CODER = st.lists(SPAN, min_size=1, max_size=6)


def _library(tmp_path, coders: dict[str, list[tuple[int, int, str]]]):
    store = Store.open(tmp_path / "agree.db", author="x", clock=fixed_clock())
    doc = add_document(store, TEXT, title="Text")
    for name, spans in coders.items():
        as_coder = store.as_author(name)
        for start, width, tag in spans:
            end = min(len(TEXT), start + width)
            as_coder.annotations.create(doc, anchor_span(TEXT, start, end), tags=[f"Theme/{tag}"])
    return store


def _dense(coders, units: list[tuple[int, int]], tags: set[str]):
    """One row per coder, one value per unit: the set of chosen tags on any span touching the unit."""
    rows = []
    for spans in coders.values():
        row = []
        for unit_start, unit_end in units:
            on = frozenset(t for s, w, t in spans if t in tags and s < unit_end and min(len(TEXT), s + w) > unit_start)
            row.append(on)
        rows.append(row)
    return rows


def _reference_alpha(rows) -> float:
    codes: dict[frozenset, int] = defaultdict(lambda: len(codes))
    matrix = np.array([[codes[v] for v in row] for row in rows], dtype=float)
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))


def _reference_kappa(first, second) -> float:
    confusion: dict = defaultdict(int)
    for a, b in zip(first, second):
        confusion[(a, b)] += 1
    return cohen_kappa(confusion)  # type: ignore[return-value]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ada=CODER, bo=CODER, cy=CODER, unit=st.sampled_from(["char", "token"]))
def test_span_agreement_matches_a_dense_reference(tmp_path_factory, ada, bo, cy, unit):
    coders = {"ada": ada, "bo": bo, "cy": cy}
    store = _library(tmp_path_factory.mktemp("agree"), coders)
    try:
        result = measure(store, unit=unit)
    finally:
        store.close()
    if unit == "char":
        units = [(i, i + 1) for i in range(len(TEXT))]
    else:
        units = [(m.start(), m.end()) for m in re.finditer(r"\w+", TEXT)]
    rows = {row.tag: row for row in result.rows}
    for name, tags in (("Theme/A", {"A"}), ("Theme/B", {"B"}), (ALL_TAGS, {"A", "B"})):
        if name not in rows:
            continue
        dense = _dense(coders, units, tags)
        if len({v for row in dense for v in row}) > 1:
            assert rows[name].alpha == pytest.approx(_reference_alpha(dense), abs=1e-9), name
        expected = _reference_kappa(dense[0], dense[1])
        got = rows[name].kappa_pairs[("ada", "bo")]
        assert (got is None and expected is None) or got == pytest.approx(expected, abs=1e-9), name


def test_f1_exact_and_overlap_per_tag(tmp_path):
    # ada: [0,10) A, [20,30) A; bo: [0,10) A (exact), [25,40) A (overlap only), [50,60) B.
    store = _library(tmp_path, {"ada": [(0, 10, "A"), (20, 10, "A")], "bo": [(0, 10, "A"), (25, 15, "A"), (50, 10, "B")]})
    try:
        rows = {row.tag: row for row in measure(store).rows}
    finally:
        store.close()
    assert rows["Theme/A"].spans == {"ada": 2, "bo": 2}
    assert rows["Theme/A"].f1_exact == pytest.approx(0.5)
    assert rows["Theme/A"].f1_overlap == pytest.approx(1.0)
    assert rows["Theme/B"].f1_exact == 0.0
    # all tags: ada 2 spans, bo 3; exact 1 each; overlap: ada 2 of 2, bo 2 of 3
    assert rows[ALL_TAGS].f1_exact == pytest.approx(2 * 0.5 * (1 / 3) / (0.5 + 1 / 3))
    assert rows[ALL_TAGS].f1_overlap == pytest.approx(2 * 1.0 * (2 / 3) / (1.0 + 2 / 3))


def test_one_annotator_is_refused(tmp_path):
    store = _library(tmp_path, {"ada": [(0, 10, "A")]})
    try:
        with pytest.raises(MarginError):
            measure(store)
    finally:
        store.close()


def test_a_name_given_twice_or_that_annotated_nothing_is_refused_naming_the_annotators(tmp_path):
    store = _library(tmp_path, {"ada": [(0, 10, "A")], "bo": [(5, 10, "A")]})
    try:
        with pytest.raises(MarginError, match="named twice"):
            measure(store, authors=["ada", "ada"])
        with pytest.raises(MarginError, match=r"^bob annotated nothing in the chosen documents \(their annotators: ada, bo\)$"):
            measure(store, authors=["ada", "bob"])  # a typo, not a reader who marked nothing
        assert measure(store, authors=["ada", "bo"]).authors == ["ada", "bo"]
    finally:
        store.close()


def test_a_class_of_hundreds_is_named_in_a_short_line_when_a_name_is_wrong(tmp_path):
    store = _library(tmp_path, {f"student{n:03}": [(n % 40, 5, "A")] for n in range(300)})
    try:
        with pytest.raises(MarginError) as caught:
            measure(store, authors=["student000", "nobody"])
        assert str(caught.value).endswith("student009 and 290 more)") and len(str(caught.value)) < 300
    finally:
        store.close()


def test_the_command_prints_table_csv_and_json_with_plain_keys(tmp_path):
    _library(tmp_path, {"ada": [(0, 10, "A"), (20, 10, "A")], "bo": [(0, 10, "A"), (25, 15, "A")]}).close()
    runner = CliRunner()
    db = str(tmp_path / "agree.db")
    as_json = runner.invoke(cli, ["--db", db, "agreement", "--format", "json"], catch_exceptions=False)
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.output)["tags"]
    assert [r["tag"] for r in rows] == ["Theme/A", ALL_TAGS]
    assert {"alpha", "kappa", "f1_exact", "f1_overlap", "spans"} <= set(rows[0])
    as_csv = runner.invoke(cli, ["--db", db, "agreement", "--format", "csv", "--authors", "ada,bo"])
    assert as_csv.output.splitlines()[0] == "tag,f1_exact,f1_overlap,kappa,alpha,spans ada,spans bo"
    table = runner.invoke(cli, ["--db", db, "agreement", "--matrix"])
    assert "Theme/A" in table.output and "Cohen's kappa per pair" in table.output
    lonely = runner.invoke(cli, ["--db", db, "agreement", "--authors", "ada"])
    assert lonely.exit_code == 2 and "at least two" in lonely.stderr


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ada=CODER, bo=CODER, bo_later=CODER, cy_later=CODER)
def test_pairs_count_only_the_documents_both_coded(tmp_path_factory, ada, bo, bo_later, cy_later):
    """Two documents; ada codes only the first, cy only the second: each pair is measured where both worked."""
    store = Store.open(tmp_path_factory.mktemp("agree") / "two.db", author="x", clock=fixed_clock())
    later = TEXT.upper()
    spans = {("ada", TEXT): ada, ("bo", TEXT): bo, ("bo", later): bo_later, ("cy", later): cy_later}
    try:
        docs = {TEXT: add_document(store, TEXT, title="First"), later: add_document(store, later, title="Second")}
        for (name, text), own in spans.items():
            for start, width, tag in own:
                store.as_author(name).annotations.create(
                    docs[text], anchor_span(text, start, min(len(text), start + width)), tags=[f"Theme/{tag}"])
        result = measure(store, authors=["cy", "bo", "ada"])  # not in alphabetical order
    finally:
        store.close()
    units = [(i, i + 1) for i in range(len(TEXT))]
    rows = {row.tag: row for row in result.rows}
    for (a, b), text in ((("bo", "ada"), TEXT), (("cy", "bo"), later)):
        key = (a, b) if (a, b) in rows[ALL_TAGS].kappa_pairs else (b, a)
        first, second = _dense({a: spans[(key[0], text)], b: spans[(key[1], text)]}, units, {"A", "B"})
        expected = _reference_kappa(first, second)
        got = rows[ALL_TAGS].kappa_pairs[key]
        assert (got is None and expected is None) or got == pytest.approx(expected, abs=1e-9)
    assert rows[ALL_TAGS].kappa_pairs[("cy", "ada")] is None  # never coded the same document
    assert rows[ALL_TAGS].spans == {"cy": len(cy_later), "bo": len(bo) + len(bo_later), "ada": len(ada)}
