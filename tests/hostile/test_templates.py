"""A template from a stranger: one file, bounded in time and output, never a traceback."""

from __future__ import annotations

import time

import pytest

from ..conftest import fingerprint
from .harness import env_for, margin

CASES = {
    "include": ('{% include "other.j2" %}', "is not allowed"),
    "import": ('{% import "macros.j2" as m %}', "is not allowed"),
    "from-import": ('{% from "macros.j2" import m %}', "is not allowed"),
    "extends": ('{% extends "base.j2" %}', "is not allowed"),
    "huge range": ("{{ range(10**9) | list }}", "Range too big"),
    "recursion": ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "calls itself too deeply"),
    "string times": ("{{ 'x' * 10**10 }}", "would write more than"),
    "list times": ("{{ ([1] * 10**10) | length }}", "would write more than"),
    "power": ("{{ 9 ** 999999999 }}", "too large to make"),
    "padding": ("{{ '%999999999999s' % 'x' }}", "would write more than"),
    "center": ("{{ 'x' | center(10**10) }}", "would write more than"),
    "replace": ("{{ ('x' * 50000) | replace('x', 'y' * 50000) }}", "would write more than"),
    "output": ("{% for i in range(100000) %}{{ 'x' * 100000 }}{% endfor %}", "would write more than"),
    "time": ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "ran for more than 2 seconds"),
}


@pytest.mark.parametrize("name", CASES)
def test_a_template_past_its_bounds_is_one_line(hostile_db, tmp_path, name):
    source, fragment = CASES[name]
    template = tmp_path / "t.j2"
    template.write_text(source, encoding="utf-8")
    before = fingerprint(hostile_db)
    started = time.monotonic()
    seconds = "2" if name == "time" else "60"  # only the time case may meet the time bound, however busy the machine
    run = margin(hostile_db, "export", "--template", str(template), env=env_for(tmp_path, MARGIN_TEMPLATE_SECONDS=seconds))
    run.refused("t.j2", fragment)
    assert time.monotonic() - started < 60
    assert run.peak_mb < 300, run.peak_mb
    assert fingerprint(hostile_db) == before


def test_the_time_bound_holds_on_a_worker_thread_too(tmp_path):
    """The reader renders on a worker thread, where no timer signal arrives: the trace-based bound stops it."""
    import threading

    from annotations import limits
    from annotations.errors import MarginError
    from annotations.export.template import render_template

    caught: list[BaseException] = []

    def run() -> None:
        try:
            render_template("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", [])
        except MarginError as error:
            caught.append(error)

    previous = limits.configure(template_seconds=1.0)
    try:
        worker = threading.Thread(target=run)
        worker.start()
        worker.join(30)
    finally:
        limits.configure(template_seconds=previous.template_seconds)
    assert caught and "ran for more than 1 second" in str(caught[0])
