"""Providers: the registrar plugins call, the registry it fills, and the core's default plugin.

``llm_core_register_providers(register)`` hooks call :class:`ProviderRegistrar`; the
:class:`Registry` asks every such hook once per plugin manager state and keeps the result until a
plugin is registered, unregistered or blocked. The ``llm_core.builtin`` plugin
(:class:`BuiltinPlugin`) registers the built-in ``openai`` provider and is the default resolver:
it looks a config's provider up in the registry and builds its adapter. Both implementations are
``trylast``, so any installed plugin overrides them the same way it extends them.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from llm_core.config import ProviderConfig
from llm_core.errors import ConfigurationError, PluginError
from llm_core.hookspecs import hookimpl

__all__ = ["BuiltinPlugin", "ProviderRegistrar", "ProviderSpec", "Registry", "load_object"]

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


def load_object(ref: Any) -> Any:
    """Import ``"module:attr"`` references; return anything else as it is."""
    if not isinstance(ref, str):
        return ref
    module, _, attr = ref.partition(":")
    obj = importlib.import_module(module)
    for part in attr.split(".") if attr else ():
        obj = getattr(obj, part)
    return obj


@dataclass
class ProviderSpec:
    """A registered provider: its adapters (classes or lazy references) and metadata.

    ``protocol`` is set instead of the two adapters for an HTTP provider written as one
    :class:`~llm_core.http.HTTPProtocol`: the core provides its sync and async shells.
    """

    name: str
    adapter: Any
    async_adapter: Any
    description: str = ""
    default_base_url: str | None = None
    plugin: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    protocol: Any = None

    def adapter_class(self, is_async: bool) -> type:
        """The sync or async adapter class, imported on first use.

        A module that fails to import, or lacks the class, raises :class:`PluginError` naming
        the plugin, the reference and the import error (never a raw ImportError).
        """
        attr = "async_adapter" if is_async else "adapter"
        try:
            cls = getattr(self, attr)
            if cls is None and self.protocol is not None:
                from llm_core.http import shells_for

                self.adapter, self.async_adapter = shells_for(self._load(self.protocol))
                cls = getattr(self, attr)
            cls = self._load(cls)
        except PluginError:
            raise
        except Exception as exc:  # a broken plugin module: say which, and why
            raise self._broken(getattr(self, attr) or self.protocol, exc) from None
        setattr(self, attr, cls)
        return cls

    def check(self) -> str | None:
        """Import both adapters (or the protocol); the error text when that fails, else None."""
        try:
            self.adapter_class(False), self.adapter_class(True)
        except PluginError as exc:
            return exc.message
        return None

    def _load(self, ref: Any) -> Any:
        try:
            return load_object(ref)
        except Exception as exc:
            raise self._broken(ref, exc) from None

    def _broken(self, ref: Any, exc: BaseException) -> PluginError:
        return PluginError(
            f"provider {self.name!r} of plugin {self.plugin!r} is broken: "
            f"{ref!r} failed to load ({type(exc).__name__}: {exc})",
            plugin=self.plugin,
            provider=self.name,
            hint="Reinstall or upgrade the plugin's distribution (llm-core providers lists it).",
        )


class ProviderRegistrar:
    """Collects ``register(...)`` calls from ``llm_core_register_providers`` hooks."""

    def __init__(self) -> None:
        self.specs: dict[str, ProviderSpec] = {}
        self.plugin = ""

    def __call__(
        self,
        name: str,
        *,
        adapter: Any = None,
        async_adapter: Any = None,
        protocol: Any = None,
        description: str = "",
        default_base_url: str | None = None,
        **extra: Any,
    ) -> None:
        """Register provider ``name``: ``adapter`` (sync) and ``async_adapter``, or one HTTP
        ``protocol`` whose sync and async adapters the core provides."""
        if not isinstance(name, str) or not _NAME.match(name):
            raise ConfigurationError(
                f"plugin {self.plugin!r} registered an invalid provider name {name!r}",
                hint="Provider names are lower-case letters, digits, '-' and '_'.",
            )
        if name in self.specs:
            raise ConfigurationError(
                f"provider {name!r} is registered twice "
                f"(by {self.specs[name].plugin!r} and {self.plugin!r})",
                hint="Uninstall one of the two plugins, or block one with LLM_CORE_PLUGINS.",
            )
        if (protocol is None) == (adapter is None or async_adapter is None):
            raise ConfigurationError(
                f"plugin {self.plugin!r} registered provider {name!r} with "
                + ("both a protocol and adapters" if protocol is not None else "no adapter"),
                hint="Pass adapter= and async_adapter=, or one HTTP protocol= class.",
            )
        self.specs[name] = ProviderSpec(
            name,
            adapter,
            async_adapter,
            description,
            default_base_url,
            self.plugin,
            extra,
            protocol,
        )


#: Builds the error for a provider name nobody registered (the plugin manager knows why).
MissingProvider = Callable[[str, dict[str, ProviderSpec]], ConfigurationError]


class Registry:
    """Every registered provider, asked of the plugins once per plugin-manager state."""

    def __init__(self, hook: Any, state: Callable[[], int], missing: MissingProvider) -> None:
        """``hook`` is the ``llm_core_register_providers`` caller; ``state()`` changes whenever
        a plugin is registered, unregistered or blocked; ``missing`` explains an unknown name."""
        self._hook, self._state, self._missing = hook, state, missing
        self._specs: dict[str, ProviderSpec] | None = None
        self._built_at = -1

    def specs(self) -> dict[str, ProviderSpec]:
        """Every provider by name (built on first use and after each change of plugins)."""
        state = self._state()
        if self._specs is None or self._built_at != state:
            registrar = ProviderRegistrar()
            for impl in reversed(self._hook.get_hookimpls()):
                registrar.plugin = impl.plugin_name
                impl.function(register=registrar)
            self._specs, self._built_at = registrar.specs, state
        return self._specs

    def get(self, name: str) -> ProviderSpec:
        """The provider called ``name``; the manager's ConfigurationError when unknown."""
        specs = self.specs()
        found = specs.get(name)
        if found is None:
            raise self._missing(name, specs)
        return found


class BuiltinPlugin:
    """``llm_core.builtin``: the built-in ``openai`` provider and the default resolver."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    @hookimpl(trylast=True)
    def llm_core_register_providers(self, register: ProviderRegistrar) -> None:
        """Register ``openai``: any OpenAI-compatible server."""
        register(
            "openai",
            adapter="llm_core.openai.provider:OpenAIAdapter",
            async_adapter="llm_core.openai.provider:AsyncOpenAIAdapter",
            description="Any OpenAI-compatible server (llama.cpp, vLLM, LM Studio, mlx servers)",
            default_base_url="http://127.0.0.1:8080/v1",
            embeddings="/v1/embeddings (llama.cpp with --embeddings, vLLM, LM Studio, Ollama)",
        )

    @hookimpl(trylast=True)
    def llm_core_resolve_adapter(self, config: ProviderConfig, is_async: bool) -> Any:
        """Build the registered adapter for ``config.provider``."""
        return self.registry.get(config.provider).adapter_class(is_async)(config)
