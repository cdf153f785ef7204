"""The plugin manager: the core's own plugins, entry-point discovery, allowlist, broken plugins.

Plugins are found once, on first use (never at import), in the ``llm_core`` entry-point group.
``LLM_CORE_PLUGINS`` restricts which entry points load: a comma-separated allowlist of
entry-point names (``LLM_CORE_PLUGINS=ollama,mlx``); an empty value loads none. A plugin that
fails to import is reported with a :class:`PluginWarning` and listed as broken, never fatal.

The manager owns what the core's plugins need, handed to them when they are registered: the
provider :class:`~llm_core.providers.Registry` and the
:class:`~llm_core.resilience.observe.Observer`. No hook implementation imports this module.
"""

from __future__ import annotations

import os
import threading
import warnings
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from llm_core import discovery, hookspecs
from llm_core.errors import ConfigurationError
from llm_core.providers import BuiltinPlugin, ProviderSpec, Registry
from llm_core.resilience import core_plugins
from llm_core.resilience.observe import Observer

__all__ = [
    "ALLOWLIST_ENV",
    "ENTRY_POINT_GROUP",
    "FIRST_PARTY",
    "PluginInfo",
    "PluginManager",
    "PluginWarning",
    "get_plugin_manager",
    "get_provider",
    "get_provider_specs",
    "list_plugins",
    "reset_plugin_manager",
]

ENTRY_POINT_GROUP = "llm_core"
ALLOWLIST_ENV = "LLM_CORE_PLUGINS"
FIRST_PARTY = {
    "ollama": "llm-core-ollama",
    "lmstudio": "llm-core-lmstudio",
    "mlx": "llm-core-mlx",
}


class PluginWarning(UserWarning):
    """A plugin could not be loaded; it is listed as broken and skipped."""


@dataclass
class PluginInfo:
    """What ``llm-core providers`` shows about one plugin."""

    name: str
    distribution: str | None = None
    version: str | None = None
    hooks: list[str] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def broken(self) -> bool:
        """True when the plugin failed to load."""
        return self.error is not None


class PluginManager(pluggy.PluginManager):
    """pluggy's manager for the ``llm_core`` project, plus the core's shared parts.

    ``state`` counts registrations, unregistrations and blocks, so that what is derived from the
    plugins (the provider registry, the live observers) is rebuilt only when they change.
    """

    def __init__(self) -> None:
        super().__init__("llm_core")
        self.add_hookspecs(hookspecs)
        self.state = 0
        self.broken: dict[str, PluginInfo] = {}
        self.dists: dict[str, tuple[str, str]] = {}
        self.providers = Registry(
            self.hook.llm_core_register_providers, lambda: self.state, self._missing_provider
        )
        self.observer = Observer(self)

    def register(self, plugin: object, name: str | None = None) -> str | None:
        """Register ``plugin`` (see pluggy); derived state is rebuilt on next use."""
        try:
            return super().register(plugin, name)
        finally:
            self.state += 1

    def unregister(self, plugin: object | None = None, name: str | None = None) -> Any:
        """Unregister a plugin (see pluggy)."""
        try:
            return super().unregister(plugin, name)
        finally:
            self.state += 1

    def set_blocked(self, name: str) -> None:
        """Block (and unregister) the plugin called ``name`` (see pluggy)."""
        try:
            super().set_blocked(name)
        finally:
            self.state += 1

    def parse_hookimpl_opts(self, plugin: object, name: str) -> pluggy.HookimplOpts | None:
        # A hook implementation is never a dunder; pluggy looks every attribute up with
        # inspect.getattr_static, and an instance carries ~25 dunders from ``object``.
        if name.startswith("__"):
            return None
        return super().parse_hookimpl_opts(plugin, name)

    def _missing_provider(self, name: str, specs: dict[str, ProviderSpec]) -> ConfigurationError:
        installed = ", ".join(sorted(specs)) or "none"
        if name in self.broken:
            hint = f"The plugin is installed but broken: {self.broken[name].error}"
        elif name in FIRST_PARTY:
            hint = (
                f"Install it: pip install {FIRST_PARTY[name]}  (or pip install 'llm-core[{name}]')"
            )
            if os.environ.get(ALLOWLIST_ENV) is not None:
                hint += f"; check {ALLOWLIST_ENV}={os.environ[ALLOWLIST_ENV]!r}"
        else:
            hint = "Install the plugin that provides it, or pick one of the installed providers."
        if self.broken and name not in self.broken:  # it may be one of theirs
            hint += " Broken plugins that may provide it: " + "; ".join(
                f"{b.name} ({b.distribution}): {b.error}" for b in self.broken.values()
            )
        return ConfigurationError(f"unknown provider {name!r}; installed: {installed}", hint=hint)


_lock = threading.RLock()
_pm: PluginManager | None = None


def get_plugin_manager() -> PluginManager:
    """The process-wide plugin manager, built and loaded on the first call (thread-safe)."""
    global _pm
    if _pm is None:
        with _lock:
            if _pm is None:
                pm = PluginManager()
                _register_core(pm)
                _load_entry_points(pm)
                _pm = pm
    return _pm


def reset_plugin_manager() -> None:
    """Forget the plugin manager so the next use rediscovers plugins (for tests and reloads)."""
    global _pm
    with _lock:
        _pm = None


def _register_core(pm: PluginManager) -> None:
    pm.register(BuiltinPlugin(pm.providers), name="llm_core.builtin")
    for name, plugin in core_plugins(pm).items():
        pm.register(plugin, name=name)


def _load_entry_points(pm: PluginManager) -> None:
    allow = os.environ.get(ALLOWLIST_ENV)
    allowed = None if allow is None else {p.strip() for p in allow.split(",") if p.strip()}
    for ep in discovery.entry_points(ENTRY_POINT_GROUP):
        if allowed is not None and ep.name not in allowed:
            continue
        if pm.has_plugin(ep.name) or pm.is_blocked(ep.name):
            continue
        dist = ep.dist.name if ep.dist else None
        version = ep.dist.version if ep.dist else None
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
        except Exception as exc:  # a broken plugin must not break the core
            pm.broken[ep.name] = PluginInfo(
                ep.name, dist, version, error=f"{type(exc).__name__}: {exc}"
            )
            warnings.warn(
                f"llm-core plugin {ep.name!r} ({dist}) failed to load and is skipped: "
                f"{type(exc).__name__}: {exc}",
                PluginWarning,
                stacklevel=2,
            )
            continue
        pm.dists[ep.name] = (dist or "", version or "")


def get_provider_specs() -> dict[str, ProviderSpec]:
    """Every registered provider, by name."""
    return get_plugin_manager().providers.specs()


def get_provider(name: str) -> ProviderSpec:
    """The provider called ``name``; ConfigurationError listing the installed ones if unknown."""
    return get_plugin_manager().providers.get(name)


def list_plugins() -> list[PluginInfo]:
    """Every plugin (built-in, installed and broken) with its distribution, version and hooks."""
    pm = get_plugin_manager()
    providers: dict[str, list[str]] = {}
    for spec in pm.providers.specs().values():
        providers.setdefault(spec.plugin, []).append(spec.name)
    core_version = _core_version()
    out = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or ())
        dist, version = pm.dists.get(name, ("llm-core", core_version))
        out.append(PluginInfo(name, dist, version, hooks, sorted(providers.get(name, []))))
    out.extend(pm.broken.values())
    return sorted(out, key=lambda p: p.name)


def _core_version() -> str:
    try:
        return metadata.version("llm-core")
    except metadata.PackageNotFoundError:  # running from a source checkout
        return "0+unknown"
