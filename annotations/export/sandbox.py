"""The sandboxed Jinja2 environment a user's template runs in.

A template is code the user (or whoever gave them the file) wrote, so it runs
sandboxed and sees only data. Escaping is on by default: whatever
``{{ … }}`` prints is escaped as one line of Markdown, so a quote, note or tag
can never add a heading, a list, HTML or front matter, even in a template
that forgets to escape. Filters that produce Markdown (``md``, ``md_block``,
``tag``, ``wikilink``, ``yaml``, ``raw``) mark their result as already safe,
and so does a macro's output (its own pieces were escaped as they were
printed). Only ``raw`` lets text through unescaped. What a template may
cost in time and output, and the steps that could blow a value up, are
bounded by :mod:`.bounds`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ..text import shorten
from .bounds import binop, check_size, guard_filters
from .escaping import Markdown, clean, escape_block, escape_inline
from .frontmatter import yaml_str
from .notes import SHORT_QUOTE, day
from .obsidian import obsidian_tag, wikilink
from .views import VIEWS


def _concat(parts: Iterable[str]) -> Markdown:
    # Used by Jinja to join a template's (or macro's) output: every piece of
    # it was escaped when it was printed, so the whole is safe Markdown.
    return Markdown("".join(parts))


def _finalize(value: object) -> str:
    """What ``{{ value }}`` prints: Markdown as it is, anything else escaped as one line."""
    if isinstance(value, Markdown):
        return value
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    return escape_inline(str(value))


def _md(text: object, mid_line: bool = False) -> Markdown:
    """One line of Markdown showing *text*; ``mid_line=True`` spares the line-start guard."""
    return Markdown(escape_inline("" if text is None else str(text), at_line_start=not mid_line))


def _md_block(text: object, prefix: str = "") -> Markdown:
    """A paragraph showing *text* with its line breaks, every line starting with *prefix*."""
    return Markdown(escape_block("" if text is None else str(text), prefix=prefix))


def _tag(name: object) -> Markdown:
    return Markdown(obsidian_tag(str(name)))


def _wikilink(name: object) -> Markdown:
    return Markdown(wikilink(str(name)))


def _yaml(text: object) -> Markdown:
    return Markdown(yaml_str("" if text is None else str(text)))


def _raw(text: object) -> Markdown:
    return Markdown("" if text is None else str(text))


def _date(stamp: object) -> str:
    return day("" if stamp is None else str(stamp))


def _short(text: object, limit: int = SHORT_QUOTE) -> str:
    return shorten(clean("" if text is None else str(text)), limit + 1)


class _Environment(SandboxedEnvironment):
    concat = staticmethod(_concat)
    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        binop(operator, left, right)  # refuses a value past the output bound before it is made
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's own signature
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(result, (str, list, tuple)):
            check_size(len(result))
        return result

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # The views (see .views) hold only data: reading their public fields is safe,
        # and skipping the general check halves the time of a large export.
        if type(obj) in VIEWS:
            return not attr.startswith("_")
        return bool(super().is_safe_attribute(obj, attr, value))


@lru_cache(maxsize=1)
def environment() -> _Environment:
    """The one environment, made on first use: margin's filters, escaping by default, undefined names an error."""
    env = _Environment(
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
    )
    env.filters.update(
        md=_md,
        md_block=_md_block,
        tag=_tag,
        wikilink=_wikilink,
        yaml=_yaml,
        raw=_raw,
        date=_date,
        short=_short,
    )
    guard_filters(env)
    return env
