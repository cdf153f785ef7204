"""Helpers for the router tests on real sockets: Ollama emulators as deployments, slowed by a
fault on every chat, and the state stores the several-process tests run over.

``STATE_STORES`` names the shared stores a test is parametrized over; a store plugin adds its
own (``state_settings`` turns a name into ``Settings.state`` for that store).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from .faults import Fault
from .ollama_emulator import OllamaEmulator

MODEL = "llama3.2"
#: The shared stores the several-process tests run over (a Redis plugin appends "redis").
STATE_STORES = ["sqlite", "redis"]


def state_settings(kind: str, tmp_path: Path, redis_url: str | None = None) -> dict[str, Any]:
    """``Settings.state`` for the shared store ``kind``, private to this test (on Redis: the
    server at ``redis_url``, under a prefix of this test's own)."""
    if kind == "sqlite":
        return {"url": f"sqlite:///{tmp_path / 'state.db'}"}
    if kind == "redis" and redis_url is not None:
        return {"url": redis_url, "prefix": f"{tmp_path.name}:"}
    raise LookupError(f"no shared store {kind!r} in this checkout")


@contextmanager
def emulators(*delays: float) -> Iterator[list[OllamaEmulator]]:
    """One started Ollama emulator per delay; each chat answers after its delay (seconds)."""
    with ExitStack() as stack:
        servers = [stack.enter_context(OllamaEmulator()) for _ in delays]
        for server, delay in zip(servers, delays, strict=True):
            if delay:
                server.faults.push(Fault.slow_headers(delay), times=None, path="/api/chat")
        yield servers


def deployments(servers: list[OllamaEmulator], **extra: Any) -> list[dict[str, Any]]:
    """A deployment per server, named ``d0``, ``d1``, ..."""
    return [
        {"provider": "ollama", "base_url": s.url, "name": f"d{i}", **extra}
        for i, s in enumerate(servers)
    ]


def chats(server: OllamaEmulator) -> int:
    """Chat requests the server received."""
    return server.count("/api/chat")
