"""One process of the cross-process invalidation test (tests/test_cache_invalidation_shared.py).

``python -m support.cache_worker '<client kwargs as JSON>' sync|async``: builds one Ollama
``Client`` (or ``AsyncClient``) and answers one line on stdout per command line on stdin:
``generate`` -> whether the answer was cached, ``models`` -> the number of models listed,
``invalidate`` -> what ``invalidate_cache()`` (``await ainvalidate_cache()``) returned,
``invalidate_models`` -> ``ok``. An empty line ends it.
"""

from __future__ import annotations

import json
import sys

import anyio

import llm_core


async def answer(client: object, command: str, is_async: bool) -> str:
    async def done(value: object) -> object:
        return await value if is_async else value

    if command == "generate":
        response = await done(client.generate("Hi", temperature=0, max_tokens=4))
        return str(response.cached)
    if command == "models":
        return str(len(await done(client.list_models())))
    if command == "invalidate":
        method = client.ainvalidate_cache if is_async else client.invalidate_cache
        return str(await done(method()))
    if command == "invalidate_models":
        method = client.adapter.ainvalidate_models if is_async else client.adapter.invalidate_models
        await done(method())
        return "ok"
    raise SystemExit(f"unknown command {command!r}")


async def main() -> None:
    kwargs, is_async = json.loads(sys.argv[1]), sys.argv[2] == "async"
    cls = llm_core.AsyncClient if is_async else llm_core.Client
    client = cls("ollama", **kwargs)
    try:
        while command := sys.stdin.readline().strip():
            print(await answer(client, command, is_async), flush=True)
    finally:
        await client.aclose() if is_async else client.close()


if __name__ == "__main__":
    anyio.run(main)
