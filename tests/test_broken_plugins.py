"""Broken plugins fail soft: a lazily loaded adapter module that does not import, an entry point
that does not import, as primary, as a fallback link, in ``llm-core providers`` and the CLI."""

from __future__ import annotations

import importlib
import json
import warnings
from pathlib import Path

import pytest
from support.distributions import ECHO_ADAPTER, install_distribution

import llm_core
from llm_core import Client, ConfigurationError, PluginError
from llm_core.cli import main
from llm_core.plugins import get_provider, reset_plugin_manager

LAZY_PLUGIN = (
    ECHO_ADAPTER
    + """

@llm_core.hookimpl
def llm_core_register_providers(register):
    register("echo", adapter=EchoAdapter, async_adapter=EchoAdapter, description="echoes")
    register("lazy", protocol="llm_lazy_heavy:LazyProtocol", description="lazily broken")
    register("noattr", adapter="llm_lazy_light:Missing", async_adapter="llm_lazy_light:Missing")
"""
)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.setenv("LLM_CORE_PLUGINS", "lazy,broken")
    install_distribution(
        root,
        "llm-lazy",
        {"lazy": "llm_lazy_plugin"},
        {
            "llm_lazy_plugin": LAZY_PLUGIN,
            "llm_lazy_heavy": "import not_an_installed_dependency\n",
            "llm_lazy_light": "VALUE = 1\n",
        },
    )
    importlib.invalidate_caches()
    reset_plugin_manager()
    yield root
    reset_plugin_manager()


def test_a_broken_adapter_module_is_a_plugin_error_naming_plugin_and_cause(site) -> None:
    with pytest.raises(PluginError) as info:
        Client("lazy")
    err = info.value
    assert isinstance(err, ConfigurationError) and err.plugin == "lazy"
    assert "not_an_installed_dependency" in err.message and "'lazy'" in err.message
    with pytest.raises(PluginError, match="Missing"):
        llm_core.AsyncClient("noattr")
    assert err.__cause__ is None and err.__suppress_context__  # no raw ImportError attached


def test_a_fallback_link_whose_plugin_is_broken_is_skipped(site) -> None:
    kwargs = {"retry": {"max_attempts": 1}, "fallbacks": ["lazy", "echo"]}
    with Client("openai", base_url="http://127.0.0.1:9", **kwargs) as client:
        response = client.generate("still answered")
    assert response.content == "still answered"[::-1]  # the echo provider reverses
    assert [(f.provider, f.error_type) for f in response.fallbacks] == [
        ("openai", "ConnectionError"),
        ("lazy", "PluginError"),
    ]


def test_providers_marks_a_broken_adapter_module(site, capsys) -> None:
    assert main(["providers"]) == 0
    out = capsys.readouterr().out
    lazy = next(line for line in out.splitlines() if line.startswith("lazy "))
    assert "BROKEN" in lazy
    assert "not_an_installed_dependency" in out
    assert main(["providers", "--json"]) == 0
    listed = {p["name"]: p for p in json.loads(capsys.readouterr().out)["providers"]}
    assert listed["echo"]["error"] is None and "Missing" in listed["noattr"]["error"]


def test_the_cli_reports_a_broken_module_in_one_line_and_a_hint(site, capsys) -> None:
    assert main(["chat", "-p", "lazy", "hi"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: PluginError: provider 'lazy'") and "Traceback" not in err
    assert "hint: Reinstall" in err


def test_a_broken_entry_point_is_named_when_its_provider_is_asked_for(site, capsys) -> None:
    install_distribution(site, "llm-broken", {"broken": "llm_gone"}, {"llm_gone": "import nope\n"})
    importlib.invalidate_caches()
    reset_plugin_manager()
    with pytest.warns(llm_core.plugins.PluginWarning), pytest.raises(ConfigurationError) as info:
        get_provider("something")  # its name is not the entry point's
    assert "Broken plugins that may provide it: broken (llm-broken)" in str(info.value)
    reset_plugin_manager()
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert main(["chat", "-p", "broken", "hi"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("warning: llm-core plugin 'broken' (llm-broken) failed to load")
    assert sum("failed to load" in line for line in lines) == 1  # said once
    assert "installed but broken" in lines[-1]
