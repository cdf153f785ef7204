"""The registrar callbacks plugins call from their hooks, and what they record.

:class:`ProviderRegistrar` is passed to ``llm_core_register_providers``;
:class:`CommandRegistrar` to ``llm_core_register_commands``. Adapter classes may be given as
``"module:attr"`` strings and are imported only when the provider is first used.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from llm_core.errors import ConfigurationError

__all__ = ["CommandRegistrar", "CommandSpec", "ProviderRegistrar", "ProviderSpec"]

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
    """A registered provider: its adapters (classes or lazy references) and metadata."""

    name: str
    adapter: Any
    async_adapter: Any
    description: str = ""
    default_base_url: str | None = None
    plugin: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def adapter_class(self, is_async: bool) -> type:
        """The sync or async adapter class, imported on first use."""
        attr = "async_adapter" if is_async else "adapter"
        cls = load_object(getattr(self, attr))
        setattr(self, attr, cls)
        return cls


class ProviderRegistrar:
    """Collects ``register(...)`` calls from ``llm_core_register_providers`` hooks."""

    def __init__(self) -> None:
        self.specs: dict[str, ProviderSpec] = {}
        self.plugin = ""

    def __call__(
        self,
        name: str,
        *,
        adapter: Any,
        async_adapter: Any,
        description: str = "",
        default_base_url: str | None = None,
        **extra: Any,
    ) -> None:
        """Register provider ``name`` served by ``adapter`` (sync) and ``async_adapter``."""
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
        self.specs[name] = ProviderSpec(
            name, adapter, async_adapter, description, default_base_url, self.plugin, extra
        )


@dataclass
class CommandSpec:
    """A CLI subcommand contributed by a plugin."""

    name: str
    help: str
    configure: Callable[[Any], None]
    run: Callable[[Any], int]
    plugin: str = ""


class CommandRegistrar:
    """Collects ``register(name, help, configure, run)`` calls for CLI subcommands."""

    def __init__(self) -> None:
        self.commands: dict[str, CommandSpec] = {}
        self.plugin = ""

    def __call__(
        self, name: str, help: str, configure: Callable[[Any], None], run: Callable[[Any], int]
    ) -> None:
        """Register subcommand ``name``."""
        if name in self.commands:
            raise ConfigurationError(f"command {name!r} is registered twice")
        self.commands[name] = CommandSpec(name, help, configure, run, self.plugin)
