"""Rows of the result table: absolute figures for both sides, the ratio, the target, a verdict.

The ratio is always llm-core / raw. For times and memory lower is better and the target is a
ceiling; for rates higher is better and the target is a floor.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Row", "median", "percentile", "render", "rows_as_json"]


def percentile(values: list[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[rank]


def median(values: list[float]) -> float:
    """The median of ``values``."""
    return statistics.median(values)


@dataclass
class Row:
    """One measured quantity for both sides."""

    key: str
    label: str
    unit: str
    core: float
    raw: float
    higher_is_better: bool = False
    target: float | None = None
    samples: int = 0
    data: dict[str, list[float]] = field(default_factory=dict, repr=False)

    @property
    def ratio(self) -> float:
        """llm-core / raw."""
        return self.core / self.raw if self.raw else float("inf")

    @property
    def ok(self) -> bool | None:
        """Whether the ratio meets the target (None when the row has no target)."""
        if self.target is None:
            return None
        return self.ratio >= self.target if self.higher_is_better else self.ratio <= self.target

    def target_text(self) -> str:
        """``<= 1.15x``, ``>= 0.95x`` or ``-``."""
        if self.target is None:
            return "-"
        return f"{'>=' if self.higher_is_better else '<='} {self.target:.2f}x"


def _num(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.1f}"
    return f"{value:.3f}" if value < 1 else f"{value:.2f}"


def render(rows: list[Row]) -> str:
    """The result table as text."""
    header = ("metric", "llm-core", "raw httpx2", "ratio", "target", "")
    lines = [header]
    for row in rows:
        verdict = {True: "ok", False: "MISSED", None: ""}[row.ok]
        lines.append(
            (
                f"{row.label} ({row.unit})",
                _num(row.core),
                _num(row.raw),
                f"{row.ratio:.3f}x",
                row.target_text(),
                verdict,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        numbers = zip(line[1:5], widths[1:5], strict=True)
        cells = [line[0].ljust(widths[0])] + [c.rjust(w) for c, w in numbers]
        out.append("  ".join(cells) + "  " + line[5])
        if n == 0:
            out.append("-" * (sum(widths) + 2 * len(widths)))
    return "\n".join(out)


def rows_as_json(rows: list[Row]) -> list[dict[str, Any]]:
    """The rows as plain dicts (with ratio and verdict) for ``--json``."""
    return [{**asdict(r), "ratio": r.ratio, "ok": r.ok} for r in rows]
