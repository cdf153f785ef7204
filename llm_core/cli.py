"""The ``llm-core`` command: parse arguments, dispatch, turn expected errors into one line.

Exit codes: 0 success; 1 the provider failed (down, model missing, generation error) or a
health check is not ok; 2 bad usage, configuration or input; 130 interrupted. Expected errors
print one line and a hint on stderr, never a traceback (``LLM_CORE_DEBUG=1`` shows it).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from llm_core.errors import ConfigurationError, LLMError, ValidationError

__all__ = ["build_parser", "main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _add_target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-p", "--provider", help="provider name (default: LLM_CORE_PROVIDER or mlx)"
    )
    parser.add_argument("-m", "--model", help="model name (default: LLM_CORE_MODEL)")
    parser.add_argument("--base-url", help="server URL for HTTP providers")
    parser.add_argument("--json", action="store_true", help="machine-readable JSON output")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, including subcommands that plugins register."""
    from llm_core import __version__
    from llm_core.cli_commands import COMMANDS

    parser = argparse.ArgumentParser(
        prog="llm-core",
        description="One command line for local large language models.",
        epilog="Settings also come from LLM_CORE_* environment variables and a .env file.",
    )
    parser.add_argument("--version", action="version", version=f"llm-core {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    providers = sub.add_parser("providers", help="list installed providers and plugins")
    providers.add_argument("--json", action="store_true", help="machine-readable JSON output")
    for name, help_text in (
        ("models", "list the models a provider can serve"),
        ("health", "check that a provider answers"),
    ):
        _add_target(sub.add_parser(name, help=help_text))
    chat = sub.add_parser("chat", help="send a prompt and stream the answer")
    _add_target(chat)
    chat.add_argument("prompt", nargs="?", help="the prompt (read from stdin when piped)")
    chat.add_argument(
        "-i",
        "--image",
        action="append",
        default=[],
        metavar="PATH",
        help="attach an image (repeatable)",
    )
    chat.add_argument("-s", "--system", help="a system message")
    chat.add_argument("-t", "--temperature", type=float)
    chat.add_argument("--max-tokens", type=int)
    chat.add_argument("--seed", type=int)
    chat.add_argument("--no-stream", action="store_true", help="wait for the whole answer")
    chat.set_defaults(handler=COMMANDS["chat"])
    providers.set_defaults(handler=COMMANDS["providers"])
    sub.choices["models"].set_defaults(handler=COMMANDS["models"])
    sub.choices["health"].set_defaults(handler=COMMANDS["health"])
    _add_plugin_commands(sub)
    return parser


def _add_plugin_commands(sub: argparse._SubParsersAction) -> None:
    from llm_core.plugins import get_command_specs

    for spec in get_command_specs().values():
        if spec.name in sub.choices:
            continue  # a plugin cannot shadow a core command
        parser = sub.add_parser(spec.name, help=spec.help)
        spec.configure(parser)
        parser.set_defaults(handler=spec.run)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (also used as the console script)."""
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
