"""``margin curate``: build a document's consensus layer from where its annotators disagree."""

from __future__ import annotations

import sys

import click

from annotations.classroom.consensus import Decision
from annotations.classroom.disagreements import Disagreement, kind_name
from annotations.errors import MarginError
from annotations.model import Document
from annotations.store import Store
from annotations.terminal import terminal_safe
from annotations.text import shorten

from ..context import Context, pass_context


def _quote(text: str, start: int, end: int, limit: int = 50) -> str:
    return "“" + shorten(" ".join(text[start:end].split()), limit) + "”"


def _tags(store: Store, tag_ids: tuple[str | None, ...]) -> str:
    names = []
    for tag_id in tag_ids:
        names.append("(untagged)" if tag_id is None else store.tags.get(tag_id).label)
    return ", ".join(names) or "nothing"


def _place_line(store: Store, text: str, number: int, place: Disagreement, authors: tuple[str, str]) -> str:
    return (
        f"{number}. {kind_name(place.kind, *authors)} at {place.start}–{place.end} {_quote(text, place.start, place.end)}:"
        f" {authors[0]} {_tags(store, place.a_tags)} · {authors[1]} {_tags(store, place.b_tags)}"
    )


def _said(store: Store, text: str, decision: Decision) -> str:
    where = f"{decision.start}–{decision.end} {_quote(text, decision.start, decision.end)}"
    if decision.outcome == "rejected":
        return f"Rejected {where}: decided, nothing kept"
    tags = ", ".join(dict.fromkeys(t.label for made in decision.made for t in made.tags)) or "untagged"
    agreed = f" ({decision.agreed} annotators agree)" if decision.agreed else ""
    return f"Adopted {where} as {tags}{agreed}"


def _authors(raw: str | None) -> list[str]:
    return [name.strip() for name in (raw or "").split(",") if name.strip()]


@click.command("curate", short_help="Decide a consensus layer where annotators differ.")
@click.argument("doc")
@click.option("--authors", help="The annotators to curate from, comma-separated (two; with --min-agree, any number: default all).")
@click.option("--adopt-all", "adopt_all", metavar="NAME", help="Adopt NAME's side at every place not decided yet.")
@click.option("--min-agree", "min_agree", type=int, metavar="K", help="Adopt every place where at least K annotators marked overlapping spans with the same tag.")
@pass_context
def curate(ctx: Context, doc: str, authors: str | None, adopt_all: str | None, min_agree: int | None) -> None:
    """Curate DOC's consensus layer (author “consensus”) from its annotators' layers.

    Without --adopt-all or --min-agree, lists the places still undecided; at a
    terminal, asks for each one: keep A's side, B's, neither, or skip.
    """
    from annotations.classroom import consensus

    store = ctx.store
    document = store.documents.resolve(doc)
    text = store.documents.text(document.version_id)
    if adopt_all is not None and min_agree is not None:
        raise MarginError("give --adopt-all or --min-agree, not both")
    names = _authors(authors)
    if consensus.CONSENSUS in names:
        raise MarginError("curate from annotators' layers; the consensus layer is what it builds")
    if min_agree is not None:
        chosen = consensus.check_authors(store, document, names, at_least=2) if authors is not None else consensus.authors_of(store, document.id)
        decisions = consensus.pre_accept(store, document, chosen, min_agree)
        for decision in decisions:
            click.echo(terminal_safe(_said(store, text, decision), lines=False))
        click.echo(f"{len(decisions)} place{'s' if len(decisions) != 1 else ''} adopted into the consensus layer"
                   f" ({min_agree} of {len(chosen)} annotators agree).")
        return
    pair = consensus.check_authors(store, document, names, at_least=2)
    if len(pair) != 2:
        raise MarginError("name exactly two annotators to curate from, comma-separated (--min-agree takes more)")
    places = _open_places(store, document, (pair[0], pair[1]))
    if adopt_all is not None:
        if adopt_all not in pair:
            raise MarginError(f"--adopt-all names one of --authors ({pair[0]} or {pair[1]}), not {adopt_all}")
        decisions = consensus.adopt_all(store, document, places, "a" if adopt_all == pair[0] else "b")
        for decision in decisions:
            click.echo(terminal_safe(_said(store, text, decision), lines=False))
        click.echo(terminal_safe(f"{len(decisions)} place{'s' if len(decisions) != 1 else ''} decided: {adopt_all}'s side kept.", lines=False))
        return
    if not places:
        click.echo(terminal_safe(f"{pair[0]} and {pair[1]} differ nowhere still undecided in “{document.title}”.", lines=False))
        return
    if not _interactive():
        for number, place in enumerate(places, 1):
            click.echo(terminal_safe(_place_line(store, text, number, place, (pair[0], pair[1])), lines=False))
        click.echo(f"{len(places)} place{'s' if len(places) != 1 else ''} undecided: "
                   f"margin compare to walk them in the reader, or --adopt-all / --min-agree here.")
        return
    _walk(store, document, text, places, (pair[0], pair[1]))


def _interactive() -> bool:
    """Whether to ask place by place: someone is at a terminal."""
    return sys.stdin.isatty()


def _open_places(store: Store, document: Document, pair: tuple[str, str]) -> list[Disagreement]:
    from annotations.classroom.consensus import decided_ids
    from annotations.classroom.disagreements import disagreements_in

    found = disagreements_in(store, document.id, *pair)
    decided = decided_ids(store, document.id)
    return [place for place in found if not decided & set(place.ids)]


def _walk(store: Store, document: Document, text: str, places: list[Disagreement], pair: tuple[str, str]) -> None:
    """Ask, place by place: keep A's side (a), B's (b), neither (r), skip (s) or stop (q)."""
    from annotations.classroom import consensus

    for number, place in enumerate(places, 1):
        click.echo(terminal_safe(_place_line(store, text, number, place, pair), lines=False))
        # The prompt goes to the terminal by readline, around the guarded standard output: made safe here.
        answer = click.prompt(
            terminal_safe(f"  a: keep {pair[0]}'s · b: keep {pair[1]}'s · r: neither · s: skip · q: stop", lines=False),
            type=click.Choice(["a", "b", "r", "s", "q"]), show_choices=False, default="s",
        )
        if answer == "q":
            return
        if answer == "s":
            continue
        decision = consensus.reject(store, document, place) if answer == "r" else consensus.adopt(store, document, place, answer)  # type: ignore[arg-type]
        click.echo(terminal_safe("  " + _said(store, text, decision), lines=False))


COMMANDS = [curate]
