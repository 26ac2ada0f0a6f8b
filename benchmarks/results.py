"""One figure of the reader benchmarks, and how figures are shown.

The figures under tmux (``tmux_figures.py``), the in-app ones (``in_app.py``)
and the script that prints them all (``tui.py``) share the row each figure is
reported in, its formatting and the median, so the table and the JSON read
the same whichever part measured a figure (``compare.py`` takes its medians
here too).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Result:
    key: str
    label: str
    figure: float | None  # seconds, or bytes when unit is "MB"
    target: float | None
    runs: int
    unit: str = "s"
    statistic: str = "median"
    notes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    failed: bool = False

    @property
    def verdict(self) -> str:
        if self.failed:
            return "FAILED"
        if self.figure is None:
            return "skipped"
        if self.target is None:
            return "info"
        return "pass" if self.figure <= self.target else "OVER"

    def show(self, value: float | None) -> str:
        if value is None:
            return "—"
        if self.unit == "MB":
            return f"{value / 1e6:.0f} MB"
        if self.unit == "x":
            return f"{value:.2f}×"
        return ms(value)


def ms(value: float) -> str:
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.1f} ms"


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)
