"""margin's front ends and what they share.

- :mod:`reader.cli`: the command line (``margin ...``), a thin layer of click
  commands over :mod:`annotations`; it never imports Textual, except to open
  the reader when asked to.
- :mod:`reader.tui`: the Textual reader (app, screens, widgets, and the
  reading screen's components).
- :mod:`reader.formats`: document loading, turning a file into normalised
  text with sections, and taking in a changed file as a new version.
- :mod:`reader.samples`: the bundled sample documents and the demo library.
- :mod:`reader.config`: settings both front ends read (where the library is,
  who annotates, size limits).

The parts and which way they may import are checked by the contracts in
``pyproject.toml`` (``tests/test_architecture.py``).
"""
