"""The two documents bundled with margin: an official notice and a news article about it.

The article quotes the notice, paraphrases it and quietly distorts it (the
closure "until 28 April" becomes "not before May"; the reserves become
"ratepayers"), which is exactly what reading side by side is for.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SAMPLE_NAMES = ("harbour-notice.md", "harbour-article.md")


def sample_paths() -> list[Path]:
    folder = resources.files("reader") / "samples"
    return [Path(str(folder / name)) for name in SAMPLE_NAMES]
