"""Meta-tests in datasette's style: every hook is documented and exercised.

A hook added to ``llm_core/hookspecs.py`` without a ``:param:`` per argument, without a section
in ``specs/hooks.md``, or without a flow that calls it fails here.
"""

from __future__ import annotations

import inspect
import re
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest

from llm_core import Client, hookimpl, hookspecs
from llm_core.cli import build_parser
from llm_core.plugins import get_plugin_manager, get_provider_specs
from llm_core.testing import RefusedPort

HOOKS = {
    name: fn
    for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("llm_core_")
}
SPEC = (Path(__file__).resolve().parents[1] / "specs" / "hooks.md").read_text()


def test_there_are_hooks() -> None:
    assert len(HOOKS) >= 10, sorted(HOOKS)


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_hook_docstring_documents_every_argument(name: str) -> None:
    doc = inspect.getdoc(HOOKS[name]) or ""
    assert doc.splitlines()[0].strip(), f"{name} has no one-line summary"
    for arg in inspect.signature(HOOKS[name]).parameters:
        assert f":param {arg}:" in doc, f"{name}: no ':param {arg}:' in its docstring"


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_hook_has_a_section_in_the_spec(name: str) -> None:
    match = re.search(rf"^## `{name}`\n(.*?)(?=^## |\Z)", SPEC, re.S | re.M)
    assert match, f"specs/hooks.md has no '## `{name}`' section"
    for arg in inspect.signature(HOOKS[name]).parameters:
        assert f"`{arg}`" in match.group(1), f"specs/hooks.md: {name} does not describe `{arg}`"


@pytest.fixture
def recorder():
    """A plugin implementing every hook; it records calls and changes nothing."""
    calls: Counter[str] = Counter()

    def record(name: str):
        def impl(**kwargs: object) -> None:  # pluggy passes none; the registrars pass `register`
            calls[name] += 1

        impl.__name__ = name
        return hookimpl(impl)

    plugin = SimpleNamespace(**{name: record(name) for name in HOOKS})
    pm = get_plugin_manager()
    pm.register(plugin, name="test-recorder")
    yield calls
    pm.unregister(name="test-recorder")


@pytest.mark.engine
def test_a_real_flow_calls_every_hook(recorder: Counter, llamacpp_server) -> None:
    """Discovery, the CLI parser, and one Client that retries, falls back and caches."""
    get_provider_specs()
    build_parser()
    good = {"provider": "openai", "base_url": llamacpp_server.openai_url}
    with RefusedPort() as refused:
        settings = {
            "retry": {"max_attempts": 2, "backoff_base": 0.0},
            "cooldown": {"cooldown": 0},
            "cache": {"responses": True},
            "fallbacks": [good],
        }
        with Client(
            "openai", base_url=refused.url, model=llamacpp_server.model, **settings
        ) as client:
            first = client.generate("Hi", max_tokens=4, temperature=0)
            second = client.generate("Hi", max_tokens=4, temperature=0)
    assert first.fallbacks
    assert second.cached
    assert set(HOOKS) - set(recorder) == set(), f"never called: {set(HOOKS) - set(recorder)}"
