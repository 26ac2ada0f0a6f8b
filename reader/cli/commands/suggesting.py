"""Suggestions from the command line: make them, list them, accept or reject them."""

from __future__ import annotations

import json

from typing import Any

import click

from annotations.candidates import Candidate
from annotations.mentions import kwic
from annotations.model import Document
from annotations.store import Store
from annotations.store.suggesting import SOURCES, Suggestion
from annotations.terminal import json_safe

from ..context import Context, pass_context
from ..progress import shows_progress
from ..output import console, one_line, short, stored, table


@click.command("suggest", short_help="Propose entity mentions to review.")
@click.argument("document")
@click.option("--from", "sources", multiple=True, type=click.Choice(SOURCES),
              help="Where suggestions come from (repeatable; default: aliases and rules).")
@click.option("--model", default=None,
              help="The spaCy model for --from ner (default: ner_model in the config, else en_core_web_sm).")
@pass_context
def suggest(ctx: Context, document: str, sources: tuple[str, ...], model: str | None) -> None:
    """Propose entity mentions in DOCUMENT for review; no annotation is made or changed."""
    store = ctx.store
    doc = store.documents.resolve(document)
    nlp = None
    if "ner" in sources:
        from annotations.ner import load_pipeline
        from reader.config import ner_model

        nlp = load_pipeline(model or ner_model())  # before anything is stored: a missing spaCy changes nothing
    made = {}
    for source in dict.fromkeys(sources or ("aliases", "rules")):
        made[source] = store.suggestions.add(doc, _candidates(store, doc, source, nlp))
    total = sum(made.values())
    detail = ", ".join(f"{count} from {source}" for source, count in made.items())
    click.echo(f"{total} new suggestion{'s' if total != 1 else ''} in {doc.title} ({detail}); see margin suggestions")


def _candidates(store: Store, doc: Document, source: str, nlp: Any) -> list[Candidate]:
    if source == "aliases":
        return store.suggestions.alias_candidates(doc)
    text = store.documents.text(doc.version_id)
    if source == "rules":
        from annotations.candidates import rule_candidates

        return rule_candidates(text)
    from annotations.ner import ner_candidates

    return ner_candidates(text, nlp)


@click.command("suggestions", short_help="List, accept or reject suggestions.")
@click.option("--doc", "docs", multiple=True, help="Only this document (repeatable).")
@click.option("--source", type=click.Choice(SOURCES), help="Only suggestions from this source.")
@click.option("--accept", "accept_id", metavar="ID", help="Accept this suggestion: annotate its span with its tag.")
@click.option("--tag", help="With --accept: use this tag instead of the proposed one (retag).")
@click.option("--reject", "reject_id", metavar="ID", help="Reject this suggestion: its span is not proposed again.")
@click.option("--accept-all", is_flag=True, help="Accept every open suggestion from --source: one undo step.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_context
@shows_progress
def suggestions(ctx: Context, docs: tuple[str, ...], source: str | None, accept_id: str | None, tag: str | None,
                reject_id: str | None, accept_all: bool, fmt: str) -> None:
    """List open suggestions in context, or accept or reject them."""
    store = ctx.store
    if sum(map(bool, (accept_id, reject_id, accept_all))) > 1:
        raise click.UsageError("give one of --accept, --reject and --accept-all")
    if tag and not accept_id:
        raise click.UsageError("--tag goes with --accept")
    if accept_all and source is None:
        raise click.UsageError("--accept-all needs --source aliases|rules|ner")
    doc_ids = [store.documents.resolve(ref).id for ref in docs]
    if accept_id:
        annotation, aliases = store.suggestions.accept(accept_id, tag=tag)
        click.echo(f"accepted: annotation {short(annotation.id) if annotation else '?'}"
                   + "".join(f"; alias added: {a}" for a in aliases))
        return
    if reject_id:
        rejected = store.suggestions.reject(reject_id)
        click.echo(f"rejected {short(rejected.id)} “{one_line(rejected.exact, 40)}”: not proposed again")
        return
    if accept_all:
        count = store.suggestions.accept_all(source=source or "", document_ids=doc_ids)
        click.echo(f"accepted {count} suggestion{'s' if count != 1 else ''} from {source}"
                   + ("; margin undo takes them all back" if count > 1 else ""))
        return
    listed = store.suggestions.list(document_ids=doc_ids, source=source)
    _show(store, listed, fmt)


def _show(store: Store, listed: list[Suggestion], fmt: str) -> None:
    documents = {d.id: d for d in store.documents.all()}
    texts: dict[str, str] = {}

    def context(s: Suggestion) -> tuple[str, str, str]:
        if s.version_id not in texts:
            texts[s.version_id] = store.documents.text(s.version_id)
        return kwic(texts[s.version_id], s.start, s.end, width=24)

    if fmt == "json":
        rows = [
            {"id": s.id, "document_id": s.document_id, "document": documents[s.document_id].title, "start": s.start,
             "end": s.end, "exact": s.exact, "tag": s.tag, "source": s.source, "score": s.score,
             "before": context(s)[0], "after": context(s)[2]}
            for s in listed
        ]
        click.echo(json_safe(json.dumps(rows, ensure_ascii=False, indent=2)))
        return
    if not listed:
        click.echo("No open suggestions: margin suggest DOC makes some.")
        return
    grid = table("id", "document", "before", "mention", "after", "tag", "source", "score")
    for s in listed:
        left, middle, right = context(s)
        grid.add_row(short(s.id), stored(one_line(documents[s.document_id].title, 20)), stored(left, "dim"),
                     stored(middle, "bold"), stored(right, "dim"), stored(s.tag), s.source, f"{s.score:.2f}")
    console().print(grid)


COMMANDS = [suggest, suggestions]
