"""The :class:`Call`: one logical call, from the Client down through every layer.

A Client makes one Call per ``generate``, ``stream``, ``list_models`` or ``health_check`` and
hands it to the outermost layer with the request; every layer passes it on. It carries what the
layers and the observers share about that call, and nothing the adapters need beyond the
deadline, which the layer at the bottom passes them on its own.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Call"]

_ids = itertools.count(1)


@dataclass(slots=True, eq=False)
class Call:
    """One logical call: what every layer and observer of it shares.

    ``operation`` is ``"chat"``, ``"models"``, ``"health"`` or ``"embed"`` (one embed batch);
    ``stream`` says whether the answer is streamed. ``deadline`` is the absolute
    ``time.monotonic()`` instant from ``timeouts.total`` (None: only the per-phase timeouts).
    ``attempt`` is the try at the current provider (the retry layer sets it before each try,
    from 1) and ``link`` the index of the fallback link being tried (0: the primary).
    ``started`` is the ``time.perf_counter()`` instant the call began, ``first_token`` that of a
    stream's first text. ``state`` belongs to observers (a span, a timer); the core never reads
    it. ``id`` is unique in the process. ``observed`` is False when no plugin observed any of
    the call's hooks as it began (its start and end, its attempts): the Client asks once, and
    the layers then report nothing of it (True, the default, for a Call made elsewhere: each
    report asks on its own).
    """

    operation: str
    provider: str = ""
    model: str | None = None
    request: Any = None
    stream: bool = False
    deadline: float | None = None
    attempt: int = 1
    link: int = 0
    started: float = field(default_factory=time.perf_counter)
    first_token: float | None = None
    state: dict[str, Any] = field(default_factory=dict)
    id: int = field(default_factory=_ids.__next__)
    observed: bool = True

    @property
    def time_left(self) -> float | None:
        """Seconds until the deadline (never negative), or None without one."""
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - time.monotonic())
