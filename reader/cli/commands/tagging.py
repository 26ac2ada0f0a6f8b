"""``margin tags``: the tag set as a tree, and the edits a tag set needs."""

from __future__ import annotations

import click
from rich.tree import Tree

from annotations.model import ENTITY_TYPES, Tag, TagKind

from ..context import Context, pass_context
from ..output import Text, console


def _label(tag: Tag | None, name: str, count: int) -> Text:
    if tag is None:
        return Text(name, style="dim")
    label = Text("● ", style=tag.colour) + Text(name)
    label += Text(f"  {count}", style="bold")
    if tag.aliases:
        label += Text(f"  aka {', '.join(tag.aliases)}", style="dim")
    if tag.identifiers:
        label += Text(f"  [{', '.join(tag.identifiers)}]", style="cyan")
    if tag.description:
        label += Text(f"  — {tag.description}", style="italic dim")
    return label


def build_tree(tags: list[Tag], counts: dict[str, int]) -> Tree:
    """Entities grouped by type, topics nested by path; intermediate topics shown even if unused."""
    root = Tree(Text("tags", style="bold"))
    entities = sorted((t for t in tags if t.kind is TagKind.ENTITY), key=lambda t: (t.entity_type or "", t.name.casefold()))
    if entities:
        branch = root.add(Text("Entities", style="bold"))
        by_type: dict[str, Tree] = {}
        for tag in entities:
            kind = tag.entity_type or "Thing"
            if kind not in by_type:
                by_type[kind] = branch.add(Text(kind, style="bold"))
            by_type[kind].add(_label(tag, tag.name, counts.get(tag.id, 0)))
    topics = sorted((t for t in tags if t.kind is TagKind.TOPIC), key=lambda t: [p.casefold() for p in t.parts])
    if topics:
        branch = root.add(Text("Topics", style="bold"))
        by_path = {t.name.casefold(): t for t in topics}
        nodes: dict[str, Tree] = {}
        for tag in topics:
            for depth in range(1, len(tag.parts) + 1):
                key = "/".join(tag.parts[:depth]).casefold()
                if key in nodes:
                    continue
                parent = nodes.get("/".join(tag.parts[: depth - 1]).casefold(), branch) if depth > 1 else branch
                owner = by_path.get(key)
                nodes[key] = parent.add(_label(owner, tag.parts[depth - 1], counts.get(owner.id, 0) if owner else 0))
    return root


@click.group("tags", short_help="List tags as a tree, or edit them.", invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["tree", "json"]), default="tree", show_default=True)
@click.option("--ident", "identifier", metavar="ID",
              help="Only tags with this identifier (UMLS:C0019693), or any of one knowledge base (UMLS:).")
@click.pass_context
def tags(click_ctx: click.Context, fmt: str, identifier: str | None) -> None:
    """List tags as a tree with annotation counts, or edit them (see subcommands)."""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx: Context = click_ctx.obj
    all_tags = ctx.store.tags.all() if identifier is None else ctx.store.tags.identified_by(identifier)
    counts = ctx.store.tags.counts()
    if fmt == "json":
        import json

        from annotations.terminal import json_safe

        click.echo(json_safe(json.dumps(
            [
                {"id": t.id, "name": t.name, "kind": t.kind.value, "entity_type": t.entity_type, "colour": t.colour,
                 "aliases": list(t.aliases), "identifiers": list(t.identifiers), "description": t.description,
                 "count": counts.get(t.id, 0)}
                for t in all_tags
            ],
            ensure_ascii=False, indent=2,
        )))
        return
    if not all_tags and identifier is not None:
        click.echo(f"No tag has the identifier {identifier}.")
        click_ctx.exit(1)
    if not all_tags:
        click.echo("No tags yet: margin tags add NAME, or --tag when annotating.")
        return
    console().print(build_tree(all_tags, counts))


@tags.command("add", short_help="Add a topic or entity tag.")
@click.argument("name")
@click.option("--entity", "entity_type", metavar="TYPE", help=f"Make an entity of TYPE ({', '.join(ENTITY_TYPES)}, or your own).")
@click.option("--colour", "--color", "colour", help="Hex colour, e.g. #e5a50a.")
@click.option("--description", default="", help="What the tag means, for other annotators.")
@click.option("--alias", "aliases", multiple=True, help="Another name of the entity (repeatable).")
@pass_context
def add(ctx: Context, name: str, entity_type: str | None, colour: str | None, description: str, aliases: tuple[str, ...]) -> None:
    """Add a tag NAME: a topic (Theme/Secrecy), or an entity (Person:Ada Lovelace, or --entity TYPE)."""
    if entity_type:
        kind = TagKind.ENTITY
    else:
        spec = ctx.store.tags.parse(name)
        name, kind, entity_type = spec.name, spec.kind or TagKind.TOPIC, spec.entity_type
    tag = ctx.store.tags.add(name, kind, entity_type=entity_type, colour=colour, description=description, aliases=aliases)
    click.echo(f"added {tag.kind.value} {tag.label} {tag.colour}")


@tags.command("rename", short_help="Rename a tag (its subtopics move with it).")
@click.argument("tag")
@click.argument("new_name")
@pass_context
def rename(ctx: Context, tag: str, new_name: str) -> None:
    """Rename TAG to NEW_NAME (a topic's subtopics move with it)."""
    for renamed in ctx.store.tags.rename(tag, new_name):
        click.echo(f"renamed to {renamed.label}")


@tags.command("colour", short_help="Give a tag a new colour.")
@click.argument("tag")
@click.argument("colour")
@pass_context
def colour(ctx: Context, tag: str, colour: str) -> None:
    """Give TAG a new COLOUR (hex, e.g. #3584e4)."""
    changed = ctx.store.tags.recolour(tag, colour)
    click.echo(f"{changed.label} is now {changed.colour}")


@tags.command("describe", short_help="Say what a tag is for.")
@click.argument("tag")
@click.argument("description")
@pass_context
def describe(ctx: Context, tag: str, description: str) -> None:
    """Set TAG's DESCRIPTION (what annotators should use it for)."""
    changed = ctx.store.tags.describe(tag, description)
    click.echo(f"described {changed.label}")


@tags.command("alias", short_help="Add another name for a tag.")
@click.argument("tag")
@click.argument("alias")
@pass_context
def alias(ctx: Context, tag: str, alias: str) -> None:
    """Add ALIAS as another name of TAG."""
    changed = ctx.store.tags.add_alias(tag, alias)
    click.echo(f"{changed.label} also known as {', '.join(changed.aliases)}")


@tags.command("unalias", short_help="Remove one of a tag's other names.")
@click.argument("tag")
@click.argument("alias")
@pass_context
def unalias(ctx: Context, tag: str, alias: str) -> None:
    """Remove ALIAS from the other names of TAG."""
    changed = ctx.store.tags.remove_alias(tag, alias)
    click.echo(f"{changed.label}: {', '.join(changed.aliases) or 'no other names'}")


@tags.command("ident", short_help="Add or remove an entity's identifier.")
@click.argument("tag")
@click.argument("action", type=click.Choice(["add", "remove"], case_sensitive=False))
@click.argument("identifier")
@pass_context
def ident(ctx: Context, tag: str, action: str, identifier: str) -> None:
    """ADD or REMOVE a knowledge-base IDENTIFIER (UMLS:C0019693, Wikidata:Q42, a URI) of TAG."""
    if action.lower() == "add":
        changed = ctx.store.tags.add_identifier(tag, identifier)
    else:
        changed = ctx.store.tags.remove_identifier(tag, identifier)
    click.echo(f"{changed.label}: {', '.join(changed.identifiers) or 'no identifiers'}")


@tags.command("merge", short_help="Merge one tag into another.")
@click.argument("source")
@click.argument("target")
@pass_context
def merge(ctx: Context, source: str, target: str) -> None:
    """Merge SOURCE into TARGET: its annotations move, its name becomes an alias."""
    merged, moved = ctx.store.merging.merge(source, target)
    click.echo(f"merged into {merged.label}: {moved} annotation{'s' if moved != 1 else ''} moved")


@tags.command("delete", short_help="Delete a tag (--force if it is in use).")
@click.argument("tag")
@click.option("--force", is_flag=True, help="Delete even if annotations use it (they lose this tag).")
@pass_context
def delete(ctx: Context, tag: str, force: bool) -> None:
    """Delete TAG; refused while annotations use it unless --force."""
    name = ctx.store.tags.resolve(tag).label
    used = ctx.store.tags.delete(tag, force=force)
    click.echo(f"deleted {name}" + (f" (removed from {used} annotation{'s' if used != 1 else ''})" if used else ""))


COMMANDS = [tags]
