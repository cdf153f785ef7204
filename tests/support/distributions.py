"""Installing a distribution the way pip lays it out (code plus .dist-info), for plugin tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

__all__ = ["install_distribution"]


def install_distribution(
    root: Path, name: str, entry_points: dict[str, str], modules: dict[str, str]
) -> None:
    """Lay out a distribution (code plus .dist-info metadata) the way pip would."""
    for module, source in modules.items():
        (root / f"{module}.py").write_text(textwrap.dedent(source))
    info = root / f"{name.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.2.3\n")
    lines = "".join(f"{k} = {v}\n" for k, v in entry_points.items())
    (info / "entry_points.txt").write_text(f"[llm_core]\n{lines}")
