"""Helpers for the rate-limit tests: many requests through one client in any mode, counted.

``served(mode, provider, n, prompts, **kwargs)`` makes ``n`` requests through one
``Client`` / ``AsyncClient`` (generate, or a stream read to its end) and returns each outcome:
the Response, or the ``RateLimitedError`` / ``NoCapacityError`` raised. Any other error fails
the test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio

import llm_core
from llm_core import errors as e

__all__ = ["MODES", "outcomes"]

MODES = ["sync", "async", "stream", "astream"]


def outcomes(
    mode: str,
    provider: str,
    n: int,
    client_kwargs: dict[str, Any],
    prompt: Callable[[int], str] = lambda i: f"hi {i}",
    **fields: Any,
) -> list[Any]:
    """``n`` requests in ``mode``; each Response, or the rate-limit error it raised."""
    if mode in ("sync", "stream"):
        out: list[Any] = []
        with llm_core.Client(provider, **client_kwargs) as client:
            for i in range(n):
                try:
                    if mode == "sync":
                        out.append(client.generate(prompt(i), **fields))
                    else:
                        out.append(client.stream(prompt(i), **fields).until_done())
                except e.RateLimitError as exc:
                    out.append(exc)
        return out

    async def main() -> list[Any]:
        out: list[Any] = []
        async with llm_core.AsyncClient(provider, **client_kwargs) as client:
            for i in range(n):
                try:
                    if mode == "async":
                        out.append(await client.generate(prompt(i), **fields))
                    else:
                        out.append(await client.stream(prompt(i), **fields).until_done())
                except e.RateLimitError as exc:
                    out.append(exc)
        return out

    return anyio.run(main)
