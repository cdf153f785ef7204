"""Plugin discovery: a third-party distribution on the path, broken plugins, the allowlist."""

from __future__ import annotations

import importlib
import warnings
from pathlib import Path

import pytest
from support.distributions import ECHO_ADAPTER, install_distribution

import llm_core
from llm_core import Client, ConfigurationError
from llm_core.plugins import (
    PluginWarning,
    get_provider,
    get_provider_specs,
    list_plugins,
    reset_plugin_manager,
)

ECHO_PLUGIN = (
    ECHO_ADAPTER
    + """

@llm_core.hookimpl
def llm_core_register_providers(register):
    register("echo", adapter=EchoAdapter, async_adapter=EchoAdapter, description="reverses")
"""
)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    importlib.invalidate_caches()
    reset_plugin_manager()
    yield root
    reset_plugin_manager()


def test_third_party_plugin_is_discovered_and_used(site: Path) -> None:
    install_distribution(
        site, "llm-echo", {"echo": "llm_echo_plugin"}, {"llm_echo_plugin": ECHO_PLUGIN}
    )
    assert "echo" in get_provider_specs()
    info = {p.name: p for p in list_plugins()}["echo"]
    assert (info.distribution, info.version) == ("llm-echo", "1.2.3")
    assert info.hooks == ["llm_core_register_providers"] and info.providers == ["echo"]
    with Client("echo") as client:
        assert client.generate("abc").content == "cba"
        assert "".join(e.text for e in client.stream("abc")) == "cba"


def test_broken_plugin_warns_and_is_listed(site: Path) -> None:
    install_distribution(
        site,
        "llm-broken",
        {"broken": "llm_broken_plugin"},
        {"llm_broken_plugin": "raise ImportError('needs libfoo')"},
    )
    with pytest.warns(PluginWarning, match="needs libfoo"):
        specs = get_provider_specs()
    assert "openai" in specs  # the core still works
    broken = {p.name: p for p in list_plugins()}["broken"]
    assert broken.broken and "needs libfoo" in broken.error


def test_allowlist_limits_what_loads(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_distribution(
        site, "llm-echo", {"echo": "llm_echo_plugin"}, {"llm_echo_plugin": ECHO_PLUGIN}
    )
    monkeypatch.setenv("LLM_CORE_PLUGINS", "")
    assert set(get_provider_specs()) == {"openai", "router"}  # the core's own
    with pytest.raises(ConfigurationError, match="unknown provider 'echo'"):
        Client("echo")
    reset_plugin_manager()
    monkeypatch.setenv("LLM_CORE_PLUGINS", "echo")
    assert "echo" in get_provider_specs()


def test_unknown_first_party_provider_says_what_to_install(site: Path, monkeypatch) -> None:
    monkeypatch.setenv("LLM_CORE_PLUGINS", "")
    with pytest.raises(ConfigurationError) as info:
        get_provider("ollama")
    text = str(info.value)
    assert "installed: openai" in text and "pip install llm-core-ollama" in text
    assert "LLM_CORE_PLUGINS" in text
    with pytest.raises(ConfigurationError, match="Install the plugin"):
        get_provider("nonesuch")


def test_duplicate_and_invalid_provider_names_are_rejected(site: Path) -> None:
    install_distribution(
        site,
        "llm-dupe",
        {"dupe": "llm_dupe_plugin"},
        {
            "llm_dupe_plugin": """
        import llm_core
        @llm_core.hookimpl
        def llm_core_register_providers(register):
            register("openai", adapter=object, async_adapter=object)
    """
        },
    )
    with pytest.raises(ConfigurationError, match="registered twice"):
        get_provider_specs()
    reset_plugin_manager()
    from llm_core.providers import ProviderRegistrar

    with pytest.raises(ConfigurationError, match="invalid provider name"):
        ProviderRegistrar()("Bad Name", adapter=object, async_adapter=object)


def test_plugin_manager_is_built_once_and_discovery_is_lazy() -> None:
    pm = llm_core.get_plugin_manager()
    assert pm is llm_core.get_plugin_manager()
    assert pm.has_plugin("llm_core.builtin")


def test_blocking_a_plugin_by_name(site: Path) -> None:
    install_distribution(
        site, "llm-echo", {"echo": "llm_echo_plugin"}, {"llm_echo_plugin": ECHO_PLUGIN}
    )
    pm = llm_core.get_plugin_manager()
    pm.set_blocked("echo")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "echo" not in get_provider_specs()
