"""What an import did, counted, with the warnings a person should read."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class ImportReport:
    """Counts of what an import added, and what it could not take (one line each)."""

    source: str
    documents: int = 0
    annotations: int = 0
    tags: int = 0
    links: int = 0
    skipped: int = 0
    attributes: int = 0
    """Attributes kept on the imported annotations."""
    identifiers: int = 0
    """Knowledge-base identifiers given to entities."""
    coders_split: int = 0
    """Selections split into one annotation per coder (REFI-QDA)."""
    fragmented: int = 0
    """Annotations kept as discontinuous passages (several fragments)."""
    present: int = 0
    """Things the file names that the library held already (documents, tags, annotations, links): found, kept."""
    changed: bool = False
    """Whether the import wrote anything to the library at all (an alias or a description counts)."""
    warnings: list[str] = field(default_factory=list)

    def took_nothing(self) -> bool:
        """Whether the file gave nothing at all: nothing written, nothing already here, and something left out.

        That is a file of another kind, or one whose passages are all elsewhere:
        the command says so as an error. Importing a file a second time adds
        nothing either, but what it names is there, so that is no error.
        """
        return self.skipped > 0 and self.present == 0 and not self.changed

    def summary(self) -> str:
        """One line for the terminal: ``imported 12 annotations, 3 tags … from FILE``."""
        parts = [
            f"{count} {noun}{'s' if count != 1 else ''}"
            for count, noun in (
                (self.documents, "document"),
                (self.annotations, "annotation"),
                (self.tags, "tag"),
                (self.links, "link"),
                (self.attributes, "attribute"),
                (self.identifiers, "identifier"),
            )
            if count
        ]
        text = f"imported {', '.join(parts) or 'nothing'} from {self.source}"
        if self.fragmented:
            text += f" ({self.fragmented} in fragments)"
        if self.skipped:
            text += f"; skipped {self.skipped} (see warnings)"
        return text
