"""Entry-point discovery gives what importlib.metadata gives, in the same order."""

from __future__ import annotations

import importlib
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from llm_core import discovery


def _described(eps: list[metadata.EntryPoint]) -> list[tuple[str, str, str | None]]:
    return [(ep.name, ep.value, ep.dist.name if ep.dist else None) for ep in eps]


@pytest.mark.parametrize("group", ["llm_core", "console_scripts", "pytest11", "no_such_group"])
def test_same_entry_points_as_the_standard_library(group: str) -> None:
    expected = _described(list(metadata.entry_points(group=group)))
    assert _described(discovery.entry_points(group)) == expected


def _dist(root: Path, folder: str, name: str, body: str) -> None:
    info = root / folder
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(body)


def test_first_distribution_of_a_name_on_the_path_wins(tmp_path: Path, monkeypatch) -> None:
    # The copy earlier on sys.path has no llm_core entry point: the later one must not count.
    _dist(tmp_path / "a", "Shadowed_Dist-2.0.dist-info", "shadowed-dist", "[console_scripts]\n")
    _dist(
        tmp_path / "b",
        "shadowed_dist-1.0.dist-info",
        "shadowed-dist",
        "[llm_core]\nold = shadowed_old\n",
    )
    _dist(tmp_path / "b", "fresh.dist-info", "fresh", "[llm_core]\nfresh = fresh_plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path / "b"))
    monkeypatch.syspath_prepend(str(tmp_path / "a"))
    importlib.invalidate_caches()
    found = _described(discovery.entry_points("llm_core"))
    assert found == _described(list(metadata.entry_points(group="llm_core")))
    assert ("fresh", "fresh_plugin", "fresh") in found
    assert all(name != "old" for name, _, _ in found)


def test_a_zip_on_the_path_defers_to_the_standard_library(tmp_path: Path, monkeypatch) -> None:
    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("zipped-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: zipped\n")
        zf.writestr("zipped-1.0.dist-info/entry_points.txt", "[llm_core]\nzipped = zipped_mod\n")
    monkeypatch.syspath_prepend(str(archive))
    importlib.invalidate_caches()
    assert not discovery._plain_search_path()
    assert ("zipped", "zipped_mod", "zipped") in _described(discovery.entry_points("llm_core"))
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(archive)])
    assert discovery._plain_search_path()
