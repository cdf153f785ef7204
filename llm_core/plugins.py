"""The plugin manager: built-in plugins, entry-point discovery, allowlist, broken plugins.

Plugins are found once, on first use (never at import), in the ``llm_core`` entry-point group.
``LLM_CORE_PLUGINS`` restricts which entry points load: a comma-separated allowlist of
entry-point names (``LLM_CORE_PLUGINS=ollama,mlx``); an empty value loads none. A plugin that
fails to import is reported with a :class:`PluginWarning` and listed as broken, never fatal.
"""

from __future__ import annotations

import os
import threading
import warnings
from dataclasses import dataclass, field
from importlib import metadata

import pluggy

from llm_core import discovery, hookspecs
from llm_core.errors import ConfigurationError
from llm_core.registry import CommandRegistrar, CommandSpec, ProviderRegistrar, ProviderSpec

__all__ = [
    "ALLOWLIST_ENV",
    "ENTRY_POINT_GROUP",
    "FIRST_PARTY",
    "PluginInfo",
    "PluginWarning",
    "get_command_specs",
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


class _PluginManager(pluggy.PluginManager):
    """pluggy's manager, minus the static lookup of dunder names when a plugin registers."""

    def parse_hookimpl_opts(self, plugin: object, name: str) -> pluggy.HookimplOpts | None:
        # A hook implementation is never a dunder; pluggy looks every attribute up with
        # inspect.getattr_static, and an instance carries ~25 dunders from ``object``.
        if name.startswith("__"):
            return None
        return super().parse_hookimpl_opts(plugin, name)


_lock = threading.RLock()
_pm: pluggy.PluginManager | None = None
_dists: dict[str, tuple[str, str]] = {}
_broken: dict[str, PluginInfo] = {}


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, built and loaded on the first call (thread-safe)."""
    global _pm
    if _pm is None:
        with _lock:
            if _pm is None:
                pm = _PluginManager("llm_core")
                pm.add_hookspecs(hookspecs)
                _register_builtins(pm)
                _load_entry_points(pm)
                _pm = pm
    return _pm


def reset_plugin_manager() -> None:
    """Forget the plugin manager so the next use rediscovers plugins (for tests and reloads)."""
    global _pm
    with _lock:
        _pm = None
        _dists.clear()
        _broken.clear()


def _register_builtins(pm: pluggy.PluginManager) -> None:
    from llm_core import builtin
    from llm_core.resilience import plugins as resilience

    pm.register(builtin, name="llm_core.builtin")
    for name, plugin in resilience.core_plugins().items():
        pm.register(plugin, name=name)


def _load_entry_points(pm: pluggy.PluginManager) -> None:
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
            _broken[ep.name] = PluginInfo(
                ep.name, dist, version, error=f"{type(exc).__name__}: {exc}"
            )
            warnings.warn(
                f"llm-core plugin {ep.name!r} ({dist}) failed to load and is skipped: "
                f"{type(exc).__name__}: {exc}",
                PluginWarning,
                stacklevel=2,
            )
            continue
        _dists[ep.name] = (dist or "", version or "")


def get_provider_specs() -> dict[str, ProviderSpec]:
    """Every registered provider, by name (asks the plugins each time, so it is always fresh)."""
    pm = get_plugin_manager()
    registrar = ProviderRegistrar()
    for impl in reversed(pm.hook.llm_core_register_providers.get_hookimpls()):
        registrar.plugin = impl.plugin_name
        impl.function(register=registrar)
    return registrar.specs


def get_provider(name: str) -> ProviderSpec:
    """The provider called ``name``; ConfigurationError listing the installed ones if unknown."""
    specs = get_provider_specs()
    if name in specs:
        return specs[name]
    installed = ", ".join(sorted(specs)) or "none"
    if name in FIRST_PARTY:
        hint = f"Install it: pip install {FIRST_PARTY[name]}  (or pip install 'llm-core[{name}]')"
        if name in _broken:
            hint = f"The plugin is installed but broken: {_broken[name].error}"
        elif os.environ.get(ALLOWLIST_ENV) is not None:
            hint += f"; check {ALLOWLIST_ENV}={os.environ[ALLOWLIST_ENV]!r}"
    else:
        hint = "Install the plugin that provides it, or pick one of the installed providers."
    raise ConfigurationError(f"unknown provider {name!r}; installed: {installed}", hint=hint)


def get_command_specs() -> dict[str, CommandSpec]:
    """CLI subcommands contributed by plugins."""
    registrar = CommandRegistrar()
    for impl in reversed(get_plugin_manager().hook.llm_core_register_commands.get_hookimpls()):
        registrar.plugin = impl.plugin_name
        impl.function(register=registrar)
    return registrar.commands


def list_plugins() -> list[PluginInfo]:
    """Every plugin (built-in, installed and broken) with its distribution, version and hooks."""
    pm = get_plugin_manager()
    providers: dict[str, list[str]] = {}
    for spec in get_provider_specs().values():
        providers.setdefault(spec.plugin, []).append(spec.name)
    core_version = _core_version()
    out = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or ())
        dist, version = _dists.get(name, ("llm-core", core_version))
        out.append(PluginInfo(name, dist, version, hooks, sorted(providers.get(name, []))))
    out.extend(_broken.values())
    return sorted(out, key=lambda p: p.name)


def _core_version() -> str:
    try:
        return metadata.version("llm-core")
    except metadata.PackageNotFoundError:  # running from a source checkout
        return "0+unknown"
