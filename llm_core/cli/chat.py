"""``llm-core chat``: send a prompt and stream (or wait for) the answer."""

from __future__ import annotations

import argparse
import sys

from llm_core.cli.inventory import add_target, client_of
from llm_core.cli.output import print_json

__all__ = ["chat", "configure_chat"]


def configure_chat(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``llm-core chat``."""
    add_target(parser)
    parser.add_argument("prompt", nargs="?", help="the prompt (read from stdin when piped)")
    parser.add_argument(
        "-i",
        "--image",
        action="append",
        default=[],
        metavar="PATH",
        help="attach an image (repeatable)",
    )
    parser.add_argument("-s", "--system", help="a system message")
    parser.add_argument("-t", "--temperature", type=float)
    parser.add_argument("--max-tokens", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--no-stream", action="store_true", help="wait for the whole answer")
    parser.add_argument(
        "--schema",
        metavar="FIELDS|FILE.json",
        help="answer as JSON of this shape: 'name str, age int' or a JSON-schema file; "
        "prints the validated JSON",
    )
    parser.add_argument(
        "--tool",
        action="append",
        default=[],
        metavar="MODULE:FUNCTION",
        help="let the model call this Python function (repeatable); prints each call and result",
    )
    parser.add_argument("--max-rounds", type=int, default=8, help="tool-loop rounds (8)")


def chat(args: argparse.Namespace) -> int:
    """Send a prompt and stream (or wait for) the answer."""
    from llm_core.errors import ValidationError
    from llm_core.messages import Message

    prompt = args.prompt
    if prompt is None or prompt == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise ValidationError("no prompt given", hint='Run: llm-core chat "your prompt"')
        prompt = sys.stdin.read().strip()
    if not prompt:
        raise ValidationError("the prompt is empty", hint='Run: llm-core chat "your prompt"')
    messages = [Message.system(args.system)] if args.system else []
    messages.append(Message.user(prompt, args.image))
    fields = {"temperature": args.temperature, "max_tokens": args.max_tokens, "seed": args.seed}
    if args.schema:
        return _structured(args, messages, fields)
    if args.tool:
        from llm_core.cli.tools import run_tools

        return run_tools(args, messages, fields)
    with client_of(args) as client:
        if args.no_stream or args.json:
            response = client.generate(messages, **fields)
            if args.json:
                print_json(response)
            else:
                print(response.content)
            return 0
        with client.stream(messages, **fields) as stream:
            for text in stream.text_chunks():
                sys.stdout.write(text)
                sys.stdout.flush()
        sys.stdout.write("\n")
    return 0


def _structured(args: argparse.Namespace, messages: list, fields: dict) -> int:
    """``--schema``: the validated answer as JSON (the whole response with ``--json``)."""
    import json

    from llm_core.structured.concise import schema_from_cli
    from llm_core.structured.schema import to_schema

    schema = to_schema(schema_from_cli(args.schema))
    with client_of(args) as client:
        response = client.generate(messages, schema=schema, **fields)
    response.parsed = schema.plain(response.parsed)
    if args.json:
        print_json(response)
    else:
        print(json.dumps(response.parsed, indent=2, ensure_ascii=False))
    return 0
