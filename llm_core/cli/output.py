"""What the commands print: plain JSON values of results, and aligned tables."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

__all__ = ["print_json", "print_table", "to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """Dataclasses, lists and dicts as plain JSON values (errors and other objects as text)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in ("total_tokens",):
            if hasattr(value, name):
                out[name] = getattr(value, name)
        return out
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON."""
    print(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))


def print_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print rows under a header, each column as wide as its widest cell (the last one free)."""
    cells = [[str(c) for c in header], *[["" if c is None else str(c) for c in r] for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header) - 1)]
    for row in cells:
        head = " ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False))
        print(f"{head} {row[-1]}".rstrip())
