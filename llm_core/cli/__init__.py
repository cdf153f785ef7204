"""The ``llm-core`` command: parse arguments, dispatch, turn expected errors into one line.

The core's subcommands come first, then every plugin's from the ``llm_core_register_commands``
hook (:mod:`llm_core.cli.plugin`). Exit codes: 0 success; 1 the provider failed (down, model
missing, generation error) or a health check is not ok; 2 bad usage, configuration or input;
130 interrupted. Expected errors print one line and a hint on stderr, never a traceback
(``LLM_CORE_DEBUG=1`` shows it).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence

from llm_core.errors import ConfigurationError, LLMError, ValidationError

__all__ = ["build_parser", "get_command_specs", "main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def get_command_specs() -> dict:
    """The core's subcommands and every plugin's (``llm_core_register_commands``), by name."""
    from llm_core.cli.plugin import CommandRegistrar, core_commands
    from llm_core.plugins import get_plugin_manager

    registrar = CommandRegistrar()
    core_commands(registrar)
    for impl in reversed(get_plugin_manager().hook.llm_core_register_commands.get_hookimpls()):
        registrar.plugin = impl.plugin_name
        impl.function(register=registrar)
    return registrar.commands


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with every registered subcommand."""
    from llm_core import __version__

    parser = argparse.ArgumentParser(
        prog="llm-core",
        description="One command line for local large language models.",
        epilog="Settings also come from LLM_CORE_* environment variables and a .env file.",
    )
    parser.add_argument("--version", action="version", version=f"llm-core {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for spec in get_command_specs().values():
        command = sub.add_parser(spec.name, help=spec.help)
        spec.configure(command)
        command.set_defaults(handler=spec.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (also used as the console script)."""
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        return _main(argv)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    # one line per warning for people at a terminal, not the source line that raised it
    print(f"warning: {message}", file=sys.stderr)


def _main(argv: Sequence[str] | None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `llm-core chat ... | head`
        sys.stderr.close()
        return EXIT_OK
    except LLMError as exc:
        if os.environ.get("LLM_CORE_DEBUG"):
            raise
        first = exc.message.splitlines()[0] if exc.message else type(exc).__name__
        print(f"error: {type(exc).__name__}: {first}", file=sys.stderr)
        for line in exc.message.splitlines()[1:]:
            print(line, file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        usage = isinstance(exc, ConfigurationError | ValidationError)
        return EXIT_USAGE if usage else EXIT_FAILED
