"""An agreement report a teacher can hand back: Markdown, or the same per-tag table as CSV.

The Markdown says what was measured (documents, annotators, unit), then the
per-tag table (F1 exact and overlap, mean kappa, alpha, and the spread of
spans), the spans each annotator made per tag, Cohen's kappa for every pair
over all tags (and per tag on request), and a short key to the figures.
Every name in it (tags, titles, annotators: all from students' files) is
escaped so that it shows as itself and cannot break a table. A measure that
is undefined is ``–``, as on screen.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from ..export.escaping import escape_inline
from ..interchange.tabular import neutralise
from .agreement import Agreement, TagAgreement

UNDEFINED = "–"
UNITS = {"char": "characters", "token": "tokens (words)"}


def figure(value: float | None) -> str:
    """A measure as shown to a reader: three decimals, or ``–`` where undefined."""
    return UNDEFINED if value is None else f"{value:.3f}"


def spans_summary(row: TagAgreement) -> str:
    """Spans per annotator in a few characters: each one's count, or with many annotators mean (least–most)."""
    counts = list(row.spans.values())
    if len(counts) > 4:
        return f"{sum(counts) / len(counts):.1f} ({min(counts)}–{max(counts)})"
    return " · ".join(f"{author} {count}" for author, count in row.spans.items())


def kappa_of(row: TagAgreement, a: str, b: str) -> float | None:
    """Cohen's kappa of one pair, whichever way round it was measured."""
    return row.kappa_pairs.get((a, b), row.kappa_pairs.get((b, a)))


def _cell(text: str) -> str:
    return escape_inline(text, at_line_start=False)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], *, text_at_end: int = 0) -> list[str]:
    """A Markdown table: a name, then figures (right-aligned), then *text_at_end* columns of text."""
    numbers = range(1, len(header) - text_at_end)
    align = ["---:" if i in numbers else "---" for i in range(len(header))]
    return ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |",
            *("| " + " | ".join(row) + " |" for row in rows), ""]


def _matrix(result: Agreement, row: TagAgreement) -> list[str]:
    names = [_cell(a) for a in result.authors]
    cells = [[name, *("·" if a == b else figure(kappa_of(row, a, b)) for b in result.authors)]
             for name, a in zip(names, result.authors)]
    return _table(["κ", *names], cells)


def agreement_markdown(result: Agreement, *, title: str, matrices: bool = False) -> str:
    """The report as Markdown; *matrices* adds a kappa matrix per tag to the one over all tags."""
    overall = result.rows[-1]
    documents = result.document_titles or []
    out = [f"# {_cell(title)}", ""]
    out.append(f"- **Documents** ({result.documents}): " + "; ".join(_cell(t) for t in documents))
    out.append(f"- **Annotators** ({len(result.authors)}): " + ", ".join(_cell(a) for a in result.authors))
    out.append(f"- **Units**: {UNITS.get(result.unit, result.unit)}")
    out.append("")
    out += ["## Per tag", ""]
    out += _table(
        ["tag", "F1 exact", "F1 overlap", "κ (mean of pairs)", "α", "spans per annotator"],
        [[f"**{_cell(row.tag)}**" if row is overall else _cell(row.tag), figure(row.f1_exact), figure(row.f1_overlap),
          figure(row.kappa), figure(row.alpha), _cell(spans_summary(row))] for row in result.rows],
        text_at_end=1,
    )
    out += ["## Spans per annotator", ""]
    out += _table(
        ["annotator", *(_cell(row.tag) for row in result.rows)],
        [[_cell(a), *(str(row.spans.get(a, 0)) for row in result.rows)] for a in result.authors],
    )
    out += [f"## Cohen's kappa per pair: {_cell(overall.tag)}", ""]
    out += _matrix(result, overall)
    if matrices:
        for row in result.rows[:-1]:
            out += [f"## Cohen's kappa per pair: {_cell(row.tag)}", ""]
            out += _matrix(result, row)
    out += [
        "## What the figures mean", "",
        "- **F1 exact / overlap**: for each pair of annotators, how many of one's spans the other also made with "
        "the same tag, with identical boundaries (exact) or sharing any unit (overlap); the mean over pairs.",
        "- **κ**: Cohen's kappa, for each pair, over every unit of the documents both annotated; "
        "a unit left unmarked counts as saying “none” there.",
        "- **α**: Krippendorff's alpha (nominal), over all annotators at once. 1 is full agreement, 0 no better than chance.",
        f"- **{UNDEFINED}**: undefined (nobody varied: every annotator gave every unit the same value).",
        "",
    ]
    return "\n".join(out)


def agreement_csv(result: Agreement) -> str:
    """The per-tag table: a row per tag (the last for all tags), its measures, and each annotator's spans."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["tag", "f1_exact", "f1_overlap", "kappa", "alpha", *(f"spans {a}" for a in result.authors)])
    for row in result.rows:
        writer.writerow([
            neutralise(row.tag), *("" if v is None else f"{v:.6f}" for v in (row.f1_exact, row.f1_overlap, row.kappa, row.alpha)),
            *(row.spans.get(a, 0) for a in result.authors),
        ])
    return out.getvalue()
