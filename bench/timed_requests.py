"""``n`` requests through one of several clients, timed: what the side-by-side benches share.

``timer(sync, make, loop, req, n)`` returns ``per_request(variant, is_async) -> Sample``: ``n``
``generate(req)`` calls through ``sync[variant]`` (a Client) or, awaited on ``loop``, through
``make[variant]`` (an AsyncClient), as (units, wall seconds, CPU seconds).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from resilience import Sample, clocks, since


def timer(
    sync: dict[str, Any], make: dict[str, Any], loop: asyncio.AbstractEventLoop, req: Any, n: int
) -> Callable[[str, bool], Sample]:
    """The timed loop over ``n`` requests (see the module docstring)."""

    async def agenerate(v: str) -> None:
        for _ in range(n):
            await make[v].generate(req)

    def per_request(v: str, is_async: bool) -> Sample:
        start = clocks()
        if is_async:
            loop.run_until_complete(agenerate(v))
        else:
            for _ in range(n):
                sync[v].generate(req)
        return since(n, start)

    return per_request
