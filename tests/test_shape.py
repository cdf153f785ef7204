"""The shape of the codebase: public API complete and sorted, documented, small modules."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import llm_core

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = [ROOT / "llm_core", *sorted((ROOT / "plugins").glob("llm_*/src/llm_core_*"))]


def test_public_names_are_sorted_and_complete() -> None:
    assert llm_core.__all__ == sorted(llm_core.__all__)
    for name in llm_core.__all__:
        assert hasattr(llm_core, name), name


def test_every_public_name_has_a_docstring() -> None:
    missing = []
    for info in pkgutil.walk_packages(llm_core.__path__, "llm_core."):
        if ".testing" in info.name:
            continue  # imports pytest; documented and checked by its own tests
        module = importlib.import_module(info.name)
        if not module.__doc__:
            missing.append(info.name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and not obj.__doc__:
                missing.append(f"{info.name}.{name}")
    assert missing == []


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_every_module_is_under_250_lines(package: Path) -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in package.rglob("*.py")
        if (n := len(p.read_text().splitlines())) >= 250
    }
    assert long == {}


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_every_package_is_typed(package: Path) -> None:
    assert (package / "py.typed").exists()


def test_importing_the_core_loads_no_plugin_and_no_heavy_dependency() -> None:
    code = (
        "import sys, llm_core; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('mlx', 'mlx_vlm', 'transformers', 'llm_core_ollama', 'llm_core_lmstudio', "
        "'llm_core_mlx', 'pytest', 'llm_core.testing')]; print(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
