"""The Textual reader: the app, its screens, its widgets and the reading screen's components.

- ``app.py`` picks the first screen and hosts app-wide actions (help, export, library search).
- ``reading/``: the reading screen, wired from components (one module each).
- ``screens/``: the library and every dialog.
- ``widgets/``: the document view and what it draws with, panes, panel, key bar.
- ``wrapping/``: the wrapped-line index under the document view (no widgets).
- ``actions.py``: what the key bindings offer, for footer, help and palette alike.
- ``editing.py``: the reader's writes as plain calls on the store.
- ``elsewhere.py``: changes by other processes and a busy library.
"""
