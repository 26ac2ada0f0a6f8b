"""The ``margin`` command's entry point: the command line imported without the garbage collector's passes.

Importing click, the store and the commands makes objects that live as long as
the command; collecting among them while they are made is wasted (about 5 ms
of every command). :func:`main` imports the command line inside
:func:`reader.collector.importing`, then runs it. ``python -m reader.cli``
runs the same commands without this.
"""

from __future__ import annotations


def main() -> None:
    from reader.collector import importing

    with importing():
        from reader.cli import main as run
    run()
