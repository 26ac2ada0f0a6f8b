"""Exchange formats in and out: W3C Web Annotation, REFI-QDA, brat standoff, CSV.

Each format is one module with an ``export_*`` and/or ``import_*`` function;
the larger ones (``w3c``, ``refiqda``, ``brat``) are packages whose writing and
reading are modules apart, their functions importable from the package.
Exports take a :class:`~annotations.interchange.selection.Selection` (what the
user asked for, gathered once from the store) and write files; imports write
through one :class:`~annotations.store.importing.ImportBatch`, so a file is
taken whole or not at all, and return an
:class:`~annotations.interchange.report.ImportReport` the CLI prints.

Modules load only when their format is used, so ``margin export`` in Markdown
pays nothing for XML or zip handling.
"""
