"""`margin align`: which passages of two documents correspond, and what to keep of them."""

from __future__ import annotations

import json
from pathlib import Path

import click

from annotations.alignment import DEFAULT_MIN_SCORE, Pair, align as find_pairs
from annotations.alignment import saved
from annotations.errors import MarginError
from annotations.store.aligning import Suggestion
from annotations.store.transaction import writing
from annotations.terminal import json_safe

from ..context import Context, pass_context
from ..output import console, one_line, table


def _numbers(spec: str | None, count: int, option: str) -> list[int]:
    """``1,3-5`` or ``all`` → zero-based indexes into the listing; one-line errors for anything else."""
    if not spec:
        return []
    if spec.strip().lower() == "all":
        return list(range(count))
    chosen: set[int] = set()
    for part in spec.split(","):
        low, _, high = part.strip().partition("-")
        try:
            first, last = int(low), int(high or low)
        except ValueError:
            raise MarginError(f"{option} takes numbers from the listing, such as 1,3-5, or all; not “{spec}”") from None
        if not 1 <= first <= last <= count:
            raise MarginError(f"{option}: {part.strip()} is outside the listing (1–{count})")
        chosen.update(range(first - 1, last))
    return sorted(chosen)


@click.command("align", short_help="Propose which passages of two documents correspond.")
@click.argument("doc_a")
@click.argument("doc_b")
@click.option("--method", type=click.Choice(["auto", "lexical", "length"]), default="auto", show_default=True,
              help="lexical: the same language (quotes, paraphrases); length: a translation; auto: decide from the texts.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None,
              help=f"Leave out pairs scoring below this (default {DEFAULT_MIN_SCORE['lexical']} lexical, "
                   f"{DEFAULT_MIN_SCORE['length']} length).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--from", "from_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Read the suggestions from a file saved with --format json instead of computing them.")
@click.option("--accept", help="Accept these numbered pairs (1,3-5 or all): annotate both passages and link them.")
@click.option("--reject", help="Reject these numbered pairs (1,3-5 or all): never proposed again.")
@pass_context
def align(ctx: Context, doc_a: str, doc_b: str, method: str, min_score: float | None, fmt: str,
          from_file: Path | None, accept: str | None, reject: str | None) -> None:
    """Propose which passages of DOC_A and DOC_B correspond.

    Each pair is a sentence or paragraph of each document, a score and how it
    was found: `quote` (DOC_B quotes DOC_A), `lexical` (shared words) or
    `length` (a translation, by proportions). Pairs rejected or linked before
    are left out. `--accept` turns pairs into two annotations and a link from DOC_B's
    passage to DOC_A's (quotes, paraphrases or translates).
    """
    store = ctx.store
    first, second = store.documents.resolve(doc_a), store.documents.resolve(doc_b)
    if first.id == second.id:
        raise MarginError("align two different documents")
    text_a, text_b = store.documents.text(first.version_id), store.documents.text(second.version_id)
    if from_file is not None:
        try:
            data = json.loads(from_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise MarginError(f"cannot read {from_file}: {error}") from None
        pairs: list[Pair] = saved.load(data, first.id, second.id, text_a, text_b)
        if min_score is not None:
            pairs = [p for p in pairs if p.score >= min_score]
    else:
        pairs = find_pairs(text_a, text_b, method, min_score)
    pairs = store.alignments.unsettled(first, second, pairs)
    accepted, rejected = _numbers(accept, len(pairs), "--accept"), _numbers(reject, len(pairs), "--reject")
    if set(accepted) & set(rejected):
        raise MarginError("a pair cannot be both accepted and rejected")
    suggestions = [Suggestion(first, second, pair) for pair in pairs]
    if accepted or rejected:
        with writing(store.db):  # one transaction: all the verdicts, or none
            links = store.alignments.accept([suggestions[i] for i in accepted],
                                            {first.version_id: text_a, second.version_id: text_b})
            store.alignments.reject(suggestions[i] for i in rejected)
        click.echo(f"accepted {len(links)}, rejected {len(rejected)}")
        return
    if fmt == "json":
        click.echo(json_safe(json.dumps(saved.dump(pairs, first.id, second.id, text_a, text_b),
                                        ensure_ascii=False, indent=2)))
        return
    grid = table("#", "score", "method", first.title, second.title)
    for number, pair in enumerate(pairs, start=1):
        grid.add_row(str(number), f"{pair.score:.2f}", pair.method,
                     one_line(text_a[pair.a_start : pair.a_end], 50), one_line(text_b[pair.b_start : pair.b_end], 50))
    console().print(grid)
    if not pairs:
        click.echo("no corresponding passages found", err=True)


COMMANDS = [align]
