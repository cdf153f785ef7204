"""Namespaces that load their names on first use (``llm_core/lazy.py``): every exported name
resolves, an unknown one is a plain AttributeError, and plugin discovery stays light."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

LAZY = ["llm_core", "llm_core.http", "llm_core.tools", "llm_core.embeddings", "llm_core.router"]


@pytest.mark.parametrize("name", LAZY)
def test_every_exported_name_resolves_and_is_listed(name: str) -> None:
    module = importlib.import_module(name)
    for export in module.__all__:
        assert getattr(module, export) is not None, export
        assert export in dir(module)


@pytest.mark.parametrize("name", LAZY)
def test_an_unknown_name_is_an_attribute_error_naming_it(name: str) -> None:
    module = importlib.import_module(name)
    with pytest.raises(AttributeError, match="no_such_name"):
        module.no_such_name  # noqa: B018


def test_from_import_works_through_the_lazy_map() -> None:
    from llm_core.http import AsyncHTTPAdapter, text_of
    from llm_core.tools import Tool

    assert AsyncHTTPAdapter.__name__ == "AsyncHTTPAdapter"
    assert text_of("x", "field") == "x"
    assert Tool.__name__ == "Tool"


def test_plugin_discovery_does_not_import_the_http_stack_the_router_or_sqlite() -> None:
    # A fresh interpreter: what `import llm_core` plus discovery loads (the import bench row).
    code = (
        "import sys, json, llm_core\n"
        "from llm_core.plugins import get_provider_specs\n"
        "get_provider_specs()\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    for heavy in (
        "httpx2",
        "httpcore2",
        "sqlite3",
        "llm_core.router.layer",
        "llm_core.http.adapters",
    ):
        assert heavy not in loaded, heavy
    assert "router" in importlib.import_module("llm_core.plugins").get_provider_specs()
