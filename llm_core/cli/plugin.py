"""Subcommands: the registrar plugins add theirs through, and the core's own.

Plugins add subcommands through ``llm_core_register_commands(register)``: ``register(name, help,
configure, run)`` with ``configure(parser)`` adding argparse arguments and ``run(args) -> int``
doing the work. The core's commands (``providers``, ``models``, ``health``, ``chat``, ``embed``) are
registered first, by :func:`core_commands` under the name ``llm_core.cli``; a plugin cannot
shadow them (its command of the same name is skipped). They are not a plugin in the plugin
manager: the command line is the top of the import graph, and nothing below it imports it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from llm_core.cli import chat, embed, inventory
from llm_core.errors import ConfigurationError

__all__ = ["CORE_COMMANDS", "CommandRegistrar", "CommandSpec", "core_commands"]

CORE_COMMANDS = ("providers", "models", "health", "chat", "embed")


@dataclass
class CommandSpec:
    """A subcommand of ``llm-core``."""

    name: str
    help: str
    configure: Callable[[Any], None]
    run: Callable[[Any], int]
    plugin: str = ""


class CommandRegistrar:
    """Collects ``register(name, help, configure, run)`` calls for subcommands."""

    def __init__(self) -> None:
        self.commands: dict[str, CommandSpec] = {}
        self.plugin = ""

    def __call__(
        self, name: str, help: str, configure: Callable[[Any], None], run: Callable[[Any], int]
    ) -> None:
        """Register subcommand ``name``."""
        if name in self.commands:
            if name in CORE_COMMANDS:
                return  # a plugin cannot shadow a core command
            raise ConfigurationError(
                f"command {name!r} is registered twice "
                f"(by {self.commands[name].plugin!r} and {self.plugin!r})"
            )
        self.commands[name] = CommandSpec(name, help, configure, run, self.plugin)


def _providers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable JSON output")


def core_commands(register: CommandRegistrar) -> None:
    """Register ``providers``, ``models``, ``health``, ``chat`` and ``embed`` (``llm_core.cli``)."""
    register.plugin = "llm_core.cli"
    register("providers", "list installed providers and plugins", _providers, inventory.providers)
    register(
        "models", "list the models a provider can serve", inventory.add_target, inventory.models
    )
    register("health", "check that a provider answers", inventory.add_target, inventory.health)
    register("chat", "send a prompt and stream the answer", chat.configure_chat, chat.chat)
    register(
        "embed", "embed texts (arguments, --file or stdin)", embed.configure_embed, embed.embed
    )
