"""The core subcommands of ``llm-core``: providers, models, health, chat."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["COMMANDS", "to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """Dataclasses, lists and dicts as plain JSON values (errors and other objects as text)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in ("total_tokens",):
            if hasattr(value, name):
                out[name] = getattr(value, name)
        return out
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _print_json(value: Any) -> None:
    print(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))


def _client(args: argparse.Namespace) -> Any:
    from llm_core.client import Client

    return Client(args.provider, model=args.model, base_url=args.base_url)


def providers(args: argparse.Namespace) -> int:
    """List providers, with the plugin, distribution, version and hooks behind each."""
    from llm_core.plugins import get_provider_specs, list_plugins

    plugins = list_plugins()
    specs = get_provider_specs()
    if args.json:
        _print_json(
            {
                "providers": [
                    {
                        "name": s.name,
                        "plugin": s.plugin,
                        "description": s.description,
                        "default_base_url": s.default_base_url,
                    }
                    for s in specs.values()
                ],
                "plugins": plugins,
            }
        )
        return 0
    by_plugin = {p.name: p for p in plugins}
    print(f"{'PROVIDER':<12} {'DISTRIBUTION':<20} {'VERSION':<10} DESCRIPTION")
    for spec in sorted(specs.values(), key=lambda s: s.name):
        info = by_plugin.get(spec.plugin)
        dist = info.distribution if info else "?"
        version = info.version if info else "?"
        print(f"{spec.name:<12} {dist or '?':<20} {version or '?':<10} {spec.description}")
    print("\nPLUGINS")
    for info in plugins:
        state = f"BROKEN: {info.error}" if info.broken else ", ".join(info.hooks)
        print(f"  {info.name} ({info.distribution} {info.version}): {state}")
    return 0


def models(args: argparse.Namespace) -> int:
    """List the models a provider can serve."""
    with _client(args) as client:
        found = client.list_models()
    if args.json:
        _print_json(found)
        return 0
    if not found:
        print(f"no models found for provider {client.provider}", file=sys.stderr)
        return 0
    print(f"{'MODEL':<40} {'VISION':<7} {'LOADED':<7} {'CONTEXT':<8} SIZE")
    for m in found:
        size = f"{m.size_bytes / 1e9:.1f} GB" if m.size_bytes else ""
        print(
            f"{m.id:<40} {_flag(m.vision):<7} {_flag(m.loaded):<7} "
            f"{m.context_length or '':<8} {size}"
        )
    return 0


def _flag(value: bool | None) -> str:
    return "?" if value is None else ("yes" if value else "no")


def health(args: argparse.Namespace) -> int:
    """Check that a provider answers; exit 1 when it does not."""
    with _client(args) as client:
        result = client.health_check()
    if args.json:
        _print_json(result)
    else:
        state = "ok" if result.ok else "DOWN"
        version = f" version {result.version}" if result.version else ""
        print(
            f"{result.provider}: {state} in {result.latency * 1000:.0f} ms{version}"
            f" ({result.url or 'in-process'}) {result.detail}".rstrip()
        )
        for key, value in result.extra.items():
            print(f"  {key}: {value}")
    return 0 if result.ok else 1


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
    with _client(args) as client:
        if args.no_stream or args.json:
            response = client.generate(messages, **fields)
            if args.json:
                _print_json(response)
            else:
                print(response.content)
            return 0
        with client.stream(messages, **fields) as stream:
            for text in stream.text_chunks():
                sys.stdout.write(text)
                sys.stdout.flush()
        sys.stdout.write("\n")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "chat": chat,
    "health": health,
    "models": models,
    "providers": providers,
}
