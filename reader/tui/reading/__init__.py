"""The reading screen and the components it is wired from.

``screen.py`` wires; ``deck.py`` holds the panes; each other module is one
component (see :mod:`reader.tui.reading.part` for what they share).
"""

from .screen import ReadingScreen

__all__ = ["ReadingScreen"]
