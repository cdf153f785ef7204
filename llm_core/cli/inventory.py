"""``llm-core providers``, ``models`` and ``health``: what is installed, served and up."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from llm_core.cli.output import print_json, print_table

__all__ = ["add_target", "client_of", "health", "models", "providers"]


def add_target(parser: argparse.ArgumentParser) -> None:
    """The options that pick a provider: ``-p``, ``-m``, ``--base-url``, and ``--json``."""
    parser.add_argument(
        "-p", "--provider", help="provider name (default: LLM_CORE_PROVIDER or mlx)"
    )
    parser.add_argument("-m", "--model", help="model name (default: LLM_CORE_MODEL)")
    parser.add_argument("--base-url", help="server URL for HTTP providers")
    parser.add_argument("--json", action="store_true", help="machine-readable JSON output")


def client_of(args: argparse.Namespace) -> Any:
    """A Client for the provider the arguments name."""
    from llm_core.client import Client

    return Client(args.provider, model=args.model, base_url=args.base_url)


def providers(args: argparse.Namespace) -> int:
    """List providers, with the plugin, distribution, version and hooks behind each."""
    from llm_core.plugins import get_provider_specs, list_plugins

    plugins = list_plugins()
    specs = get_provider_specs()
    broken = {name: spec.check() for name, spec in specs.items()}  # imports each adapter module
    if args.json:
        listed = [
            {
                "name": s.name,
                "plugin": s.plugin,
                "description": s.description,
                "default_base_url": s.default_base_url,
                "embeddings": s.extra.get("embeddings"),
                "error": broken[s.name],
            }
            for s in specs.values()
        ]
        print_json({"providers": listed, "plugins": plugins})
        return 0
    by_plugin = {p.name: p for p in plugins}
    rows = []
    for spec in sorted(specs.values(), key=lambda s: s.name):
        info = by_plugin.get(spec.plugin)
        rows.append(
            [
                spec.name,
                (info and info.distribution) or "?",
                (info and info.version) or "?",
                "BROKEN" if broken[spec.name] else "ok",
                spec.description,
            ]
        )
    print_table(["PROVIDER", "DISTRIBUTION", "VERSION", "STATE", "DESCRIPTION"], rows)
    for name, error in sorted(broken.items()):
        if error:
            print(f"  {name}: {error}")
    print("\nEMBEDDINGS")
    for spec in sorted(specs.values(), key=lambda s: s.name):
        print(f"  {spec.name}: {spec.extra.get('embeddings') or 'not declared'}")
    print("\nPLUGINS")
    for info in plugins:
        state = f"BROKEN: {info.error}" if info.broken else ", ".join(info.hooks)
        print(f"  {info.name} ({info.distribution} {info.version}): {state}")
    return 0


def models(args: argparse.Namespace) -> int:
    """List the models a provider can serve."""
    with client_of(args) as client:
        found = client.list_models()
    if args.json:
        print_json(found)
        return 0
    if not found:
        print(f"no models found for provider {client.provider}", file=sys.stderr)
        return 0
    rows = [
        [
            m.id,
            _flag(m.vision),
            _flag(m.loaded),
            m.context_length or "",
            f"{m.size_bytes / 1e9:.1f} GB" if m.size_bytes else "",
        ]
        for m in found
    ]
    print_table(["MODEL", "VISION", "LOADED", "CONTEXT", "SIZE"], rows)
    return 0


def _flag(value: bool | None) -> str:
    return "?" if value is None else ("yes" if value else "no")


def health(args: argparse.Namespace) -> int:
    """Check that a provider answers; exit 1 when it does not."""
    with client_of(args) as client:
        result = client.health_check()
    if args.json:
        print_json(result)
    else:
        state = "ok" if result.ok else "DOWN"
        version = f" version {result.version}" if result.version else ""
        print(
            f"{result.provider}: {state} in {result.latency * 1000:.0f} ms{version}"
            f" ({result.url or 'in-process'}) {result.detail}".rstrip()
        )
        extra = dict(result.extra)
        if isinstance(extra.get("deployments"), list):  # a router: one row per deployment
            print_table(_DEPLOYMENT_COLUMNS, [_deployment_row(d) for d in extra.pop("deployments")])
        for key, value in extra.items():
            print(f"  {key}: {value}")
    return 0 if result.ok else 1


_DEPLOYMENT_COLUMNS = ["  DEPLOYMENT", "PROVIDER", "STATE", "IN FLIGHT", "LATENCY", "URL"]


def _deployment_row(d: dict[str, Any]) -> list[Any]:
    state = d.get("state", "?")
    if state == "cooldown":
        state += f" ({d.get('cooldown', {}).get('retry_in', 0):.0f} s)"
    latency = d.get("latency_ms")
    shown = "" if latency is None else f"{latency:g} ms (EWMA)"
    return [
        "  " + str(d.get("name")),
        d.get("provider"),
        state,
        d.get("in_flight"),
        shown,
        d.get("url"),
    ]
