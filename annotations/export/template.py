"""Markdown export through a template of the user's own (Jinja2, sandboxed).

The built-in template, ``templates/default.md.j2``, reproduces the built-in
layout byte for byte, so a user can start from it (``margin export
--show-template``) and change only what they want. This module loads and
renders templates; what a template sees is in :mod:`.views`, and the
sandbox it runs in, with its escaping and filters, in :mod:`.sandbox`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2
from jinja2 import meta

from ..errors import MarginError
from .bounds import TemplateBound, bounded_output, refuse_other_files, time_bound
from .escaping import Markdown
from .files import read_input
from .notes import DocumentNotes
from .sandbox import environment
from .views import template_context

__all__ = [
    "Markdown",
    "default_template",
    "lays_out_entities",
    "load_template",
    "render_entity_template",
    "render_template",
    "template_context",
]


def default_template(kind: str = "document") -> str:
    """The built-in layout as a template: where a user's own template starts (``entity``: an entity's note)."""
    file = "templates/entity.md.j2" if kind == "entity" else "templates/default.md.j2"
    return resources.files("annotations.export").joinpath(file).read_text(encoding="utf-8")


def load_template(path: Path) -> str:
    """A template file's text, or a one-line error saying why it cannot be read."""
    data = read_input(path, "template")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise MarginError(f"template {path.expanduser()} is not UTF-8 text") from None
    # Line ends as reading in text mode gives them, so a template saved on Windows renders alike.
    return text.replace("\r\n", "\n").replace("\r", "\n")


@lru_cache(maxsize=8)
def _compiled(source: str) -> jinja2.Template:
    """A template compiled once per text: compiling costs far more than rendering a small export.

    A template that would read another file (``include``, ``import``,
    ``extends``) is refused here, before it runs.
    """
    refuse_other_files(environment(), source)
    return environment().from_string(source)


def render_template(
    source: str,
    notes: Sequence[DocumentNotes],
    *,
    group_by: str = "document",
    filters: Mapping[str, Sequence[str] | str] | None = None,
    name: str = "template",
) -> str:
    """Render *notes* through the template text *source*; the result ends with exactly one newline.

    A template that does not parse, names a variable that does not exist or
    tries to reach outside its variables gives a one-line :class:`MarginError`
    naming *name* and the line.
    """
    return _render(source, lambda: template_context(notes, group_by=group_by, filters=filters), name)


def lays_out_entities(source: str, name: str = "template") -> bool:
    """Whether the template lays out entity notes too: it reads the variable ``entity``.

    Templates that never mention it leave entity notes to the built-in layout.
    """
    try:
        return "entity" in meta.find_undeclared_variables(environment().parse(source))
    except jinja2.TemplateSyntaxError as error:
        raise MarginError(f"{name}, line {error.lineno}: {_one_line(error.message or '')}") from None


def render_entity_template(source: str, context: Mapping[str, object], *, name: str = "template") -> str:
    """Render an entity's note (*context* from :func:`~.entity_notes.entity_context`) through *source*.

    Sandboxed, bounded and reporting errors exactly as :func:`render_template` does.
    """
    return _render(source, lambda: dict(context), name)


def _render(source: str, context_of: Callable[[], Mapping[str, object]], name: str) -> str:
    try:
        template = _compiled(source)
        context = context_of()
        with time_bound():
            text = bounded_output(template.generate(context))
    except jinja2.TemplateSyntaxError as error:
        raise MarginError(f"{name}, line {error.lineno}: {_one_line(error.message or '')}") from None
    except TemplateBound as error:
        raise MarginError(f"{name}{_line_of(error)}: {error}") from None
    except jinja2.TemplateError as error:
        raise MarginError(f"{name}{_line_of(error)}: {_one_line(str(error))}") from None
    except RecursionError:
        raise MarginError(f"{name}: the template calls itself too deeply (a macro without an end?); stopped") from None
    except MemoryError:
        raise MarginError(f"{name}: the template needs more memory than there is; stopped") from None
    except (OverflowError, ValueError, TypeError, ArithmeticError, LookupError, AttributeError) as error:
        raise MarginError(f"{name}{_line_of(error)}: {_one_line(str(error)) or type(error).__name__}") from None
    return text.rstrip("\n") + "\n"


def _line_of(error: BaseException) -> str:
    """`, line N` for an error raised while rendering: Jinja rewrites the traceback so the
    template's own frames carry its file name and line numbers."""
    tb = error.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return f", line {line}" if line else ""


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "the template could not be rendered"
