"""``margin agreement -o report.md|report.csv``: a report a teacher hands back, read back as a reader would."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from annotations.anchoring import anchor_span
from annotations.classroom.agreement import ALL_TAGS, measure
from annotations.classroom.report import figure
from annotations.store import Store
from reader.cli import cli

from .conftest import add_document, fixed_clock

TEXT = "The bridge will close in March. The closure is a precaution. The bridge is safe, says the mayor. " * 2
ODD_TAG = "Theme/A|B *x*"
ODD_AUTHOR = "<b>Cy</b> | *bold*"


@pytest.fixture
def library(tmp_path):
    path = tmp_path / "class.db"
    store = Store.open(path, author="teacher", clock=fixed_clock())
    try:
        first, second = add_document(store, TEXT, title="The notice"), add_document(store, TEXT.upper(), title="Article")
        for author, spans in {
            "ada": [(0, 30, "Theme/Risk"), (40, 60, ODD_TAG), (100, 130, "Theme/Risk")],
            "bo": [(0, 28, "Theme/Risk"), (45, 60, ODD_TAG)],
            ODD_AUTHOR: [(2, 30, "Theme/Risk"), (140, 150, ODD_TAG)],
        }.items():
            for document in (first, second):
                text = TEXT if document is first else TEXT.upper()
                for start, end, tag in spans:
                    store.as_author(author).annotations.create(document, anchor_span(text, start, end), tags=[tag])
    finally:
        store.close()
    return path


def _agreement(library, *args: str):
    return CliRunner().invoke(cli, ["--db", str(library), "agreement", *args])


def _expected(library):
    with Store.open(library, author="teacher") as store:
        return measure(store)


def _cells(html: str) -> list[list[list[str]]]:
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tables: list[list[list[str]]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                self.tables.append([])
            elif tag == "tr":
                self.tables[-1].append([])
            elif tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.tables[-1][-1].append("".join(self.cell))
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    parser = Cells()
    parser.feed(html)
    return parser.tables


def test_the_markdown_report_holds_the_per_tag_table_and_the_pairwise_matrix(library, tmp_path):
    out = tmp_path / "report.md"
    result = _agreement(library, "-o", str(out))
    assert result.exit_code == 0, result.output
    expected = _expected(library)
    markdown = out.read_text(encoding="utf-8")
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<h1>Agreement</h1>" in html
    assert "Article; The notice" in html and "(2)" in html
    assert "Units</strong>: characters" in html
    assert "<b>" not in html  # an annotator's name is shown, never taken as markup
    per_tag, spans, matrix = _cells(html)
    assert per_tag[0] == ["tag", "F1 exact", "F1 overlap", "κ (mean of pairs)", "α", "spans per annotator"]
    assert [row[0] for row in per_tag[1:]] == [row.tag for row in expected.rows]  # the odd tag name shown as itself
    for shown, row in zip(per_tag[1:], expected.rows):
        assert shown[1:5] == [figure(row.f1_exact), figure(row.f1_overlap), figure(row.kappa), figure(row.alpha)]
    assert spans[0] == ["annotator", *(row.tag for row in expected.rows)]
    assert {row[0]: row[1:] for row in spans[1:]} == {
        a: [str(row.spans[a]) for row in expected.rows] for a in expected.authors}
    assert matrix[0] == ["κ", *expected.authors]
    overall = expected.rows[-1]
    for line in matrix[1:]:
        a = line[0]
        for b, cell in zip(expected.authors, line[1:]):
            assert cell == ("·" if a == b else figure(overall.kappa_pairs.get((a, b), overall.kappa_pairs.get((b, a)))))


def test_the_title_names_the_class_pack_unless_one_is_given(library, tmp_path):
    from annotations.classroom.packs import create_pack

    with Store.open(library, author="teacher") as store:
        create_pack(store, tmp_path / "week1.margin", title="Week 1: the notice",
                    document_ids=[d.id for d in store.documents.all()], tag_ids=None)
    assert _agreement(library, "--format", "markdown").output.startswith("# Agreement: Week 1: the notice\n")


def test_matrix_adds_one_matrix_per_tag_and_a_title_can_be_given(library, tmp_path):
    out = tmp_path / "report.md"
    assert _agreement(library, "--format", "markdown", "--matrix", "--title", "Week 1", "-o", str(out)).exit_code == 0
    markdown = out.read_text(encoding="utf-8")
    assert markdown.startswith("# Week 1\n")
    assert len(_cells(MarkdownIt("commonmark").enable("table").render(markdown))) == 2 + len(_expected(library).rows)


def test_the_csv_report_is_the_per_tag_table(library, tmp_path):
    out = tmp_path / "agreement.csv"
    assert _agreement(library, "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    expected = _expected(library)
    assert [row["tag"] for row in rows] == [r.tag for r in expected.rows]
    assert rows[-1]["tag"] == ALL_TAGS
    for row, want in zip(rows, expected.rows):
        for key in ("f1_exact", "f1_overlap", "kappa", "alpha"):
            value = getattr(want, key)
            assert (row[key] == "" and value is None) or float(row[key]) == pytest.approx(value, abs=1e-6)
        assert {a: int(row[f"spans {a}"]) for a in expected.authors} == want.spans


def test_an_existing_report_is_kept_and_a_file_of_no_known_kind_is_refused(library, tmp_path):
    out = tmp_path / "report.md"
    out.write_text("last week's", encoding="utf-8")
    refused = _agreement(library, "-o", str(out))
    assert refused.exit_code != 0 and "already exists" in refused.stderr
    assert out.read_text(encoding="utf-8") == "last week's"
    assert _agreement(library, "-o", str(out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Agreement")
    unknown = _agreement(library, "-o", str(tmp_path / "report.txt"))
    assert unknown.exit_code == 2 and ".md, .csv or .json" in unknown.stderr and not (tmp_path / "report.txt").exists()
    table = _agreement(library, "--format", "table", "-o", str(tmp_path / "t.md"))
    assert table.exit_code == 2 and not (tmp_path / "t.md").exists()
