"""Entity work from the command line: every mention of an entity, and the entity index."""

from __future__ import annotations

import json

import click

from annotations.mentions import kwic
from annotations.model import Document
from annotations.store import Store
from annotations.store.mentioning import Hit
from annotations.terminal import json_safe

from ..context import Context, pass_context
from ..output import console, one_line, stored, table

#: Characters of context either side of a mention in a keyword-in-context listing.
KWIC_WIDTH = 30


def _documents(store: Store, refs: tuple[str, ...]) -> list[Document]:
    """The documents named, or every document, in library order."""
    if refs:
        return list({d.id: d for d in (store.documents.resolve(ref) for ref in refs)}.values())
    return store.documents.all()


@click.command("mentions", short_help="Find every mention of an entity.")
@click.argument("entity")
@click.option("--doc", "docs", multiple=True, help="Only this document (repeatable; default: every document).")
@click.option("--ignore-case", "-i", is_flag=True, help="Also mentions written in another case.")
@click.option("--tag-all", is_flag=True, help="Tag every mention not yet tagged: one transaction, one undo step.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_context
def mentions(ctx: Context, entity: str, docs: tuple[str, ...], ignore_case: bool, tag_all: bool, fmt: str) -> None:
    """Every place ENTITY's name or an alias is written, in context; ✓ marks those already tagged."""
    store = ctx.store
    tag = store.tags.resolve(entity)
    hits = store.mentions.of(tag, _documents(store, docs), fold_case=ignore_case)
    texts: dict[str, str] = {}

    def context(hit: Hit) -> tuple[str, str, str]:
        if hit.document.id not in texts:
            texts[hit.document.id] = store.documents.text(hit.document.version_id)
        return kwic(texts[hit.document.id], hit.start, hit.end, width=KWIC_WIDTH)

    if fmt == "json" and not tag_all:
        rows = []
        for hit in hits:
            left, middle, right = context(hit)
            rows.append({
                "document_id": hit.document.id, "document": hit.document.title, "start": hit.start, "end": hit.end,
                "exact": hit.exact, "name": hit.name, "tagged": hit.tagged, "annotation_id": hit.tagged_by,
                "before": left, "after": right,
            })
        click.echo(json_safe(json.dumps(rows, ensure_ascii=False, indent=2)))
        return
    names = ", ".join((tag.name, *tag.aliases))
    if not hits:
        click.echo(f"No mention of {names} found.")
        return
    if tag_all:
        done = store.mentions.tag_all(hits, [tag.id])
        click.echo(
            f"tagged {done.changed} mention{'s' if done.changed != 1 else ''} {tag.label}"
            f" ({done.already} already tagged)" + ("; margin undo takes them all back" if done.changed > 1 else "")
        )
        return
    grid = table("", "document", "at", "before", "mention", "after")
    for hit in hits:
        left, middle, right = context(hit)
        grid.add_row(
            "✓" if hit.tagged else "", stored(one_line(hit.document.title, 24)), str(hit.start),
            stored(left, "dim"), stored(middle, "bold"), stored(right, "dim"),
        )
    console().print(grid)
    tagged = sum(h.tagged for h in hits)
    in_docs = len({h.document.id for h in hits})
    click.echo(
        f"{len(hits)} mention{'s' if len(hits) != 1 else ''} in {in_docs} document{'s' if in_docs != 1 else ''},"
        f" {tagged} tagged" + (f"; margin mentions {json.dumps(entity, ensure_ascii=False)} --tag-all tags the rest"
                               if tagged < len(hits) else "")
    )


def entity_index(store: Store) -> list[dict[str, object]]:
    """Entities by type and name, each with aliases, tagged mentions per document and its first mention."""
    documents = {d.id: d for d in store.documents.all()}
    index: list[dict[str, object]] = []
    for entry in store.mentions.index():
        tag, first = entry.tag, entry.first
        index.append({
            "id": tag.id, "name": tag.name, "type": tag.entity_type, "aliases": list(tag.aliases),
            "description": tag.description, "mentions": entry.total,
            "documents": [
                {"id": doc_id, "title": documents[doc_id].title, "mentions": count}
                for doc_id, count in entry.per_document.items()
            ],
            "first_mention": None if first is None else {
                "annotation_id": first.id, "document_id": first.document_id,
                "document": documents[first.document_id].title,
                "start": first.start, "exact": first.exact,
            },
        })
    return index


@click.command("entities", short_help="List entities with aliases and mentions.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_context
def entities(ctx: Context, fmt: str) -> None:
    """Entities by type: aliases, tagged mentions per document, and where each is first mentioned."""
    index = entity_index(ctx.store)
    if fmt == "json":
        click.echo(json_safe(json.dumps(index, ensure_ascii=False, indent=2)))
        return
    if not index:
        click.echo("No entities yet: margin tags add 'Person:Ada Lovelace', or tag a passage with one.")
        return
    grid = table("type", "entity", "aliases", "mentions", "per document", "first mention")
    for row in index:
        first = row["first_mention"]
        grid.add_row(
            str(row["type"]), stored(str(row["name"])), stored(", ".join(row["aliases"]), "dim"),  # type: ignore[arg-type]
            str(row["mentions"]),
            stored("; ".join(f"{one_line(d['title'], 20)} {d['mentions']}" for d in row["documents"])),  # type: ignore[attr-defined]
            stored("" if not first else f"{one_line(first['document'], 20)}: “{one_line(first['exact'], 30)}”"),  # type: ignore[index]
        )
    console().print(grid)


COMMANDS = [mentions, entities]
