"""In which order a request tries the deployments: the routing strategies.

:class:`Policy` keeps per-deployment statistics (in-flight count, EWMA of latency) and returns,
for one request, every deployment in the order to try: healthy ones (not cooling down, not at
their ``max_in_flight``) first, ordered by the strategy, then the others, so a request still
has somewhere to go when all are unhealthy. ``round_robin`` rotates; ``least_in_flight`` takes
the fewest in flight (ties rotate); ``lowest_latency`` the smallest EWMA, sending every
``explore_every``-th request to the least recently measured one so a recovered deployment is
noticed; ``weighted`` draws in proportion to ``weight``.
"""

from __future__ import annotations

import itertools
import random
import threading
from dataclasses import dataclass, field

from llm_core.config.scaling import STRATEGIES

__all__ = ["DeploymentStats", "Policy"]


@dataclass
class DeploymentStats:
    """What the policy knows of one deployment in this process."""

    weight: float = 1.0
    max_in_flight: int | None = None
    in_flight: int = 0  # this process's
    others: int = 0  # other processes' (from the shared store, as last read)
    latency: float | None = None  # EWMA, seconds
    measured: int = 0  # the request number of the last measurement
    cooling: bool = field(default=False)


class Policy:
    """Orders ``n`` deployments per request by ``strategy`` (one of ``STRATEGIES``)."""

    def __init__(
        self,
        stats: list[DeploymentStats],
        strategy: str = "round_robin",
        alpha: float = 0.3,
        explore_every: int = 20,
        rng: random.Random | None = None,
    ) -> None:
        if not stats:
            raise ValueError("a router needs at least one deployment")
        if strategy not in STRATEGIES:
            raise ValueError("strategy must be one of " + ", ".join(STRATEGIES))
        self.stats, self.strategy = stats, strategy
        self.alpha, self.explore_every = alpha, explore_every
        self.rng = rng or random.Random()
        self._counter = itertools.count()
        self._lock = threading.Lock()
        self.requests = 0

    def order(self) -> list[int]:
        """The deployment indices in the order this request tries them."""
        with self._lock:
            self.requests = turn = next(self._counter)
            n = len(self.stats)
            healthy: list[int] = []
            rest: list[int] = []
            for k in range(n):  # rotated by the turn, healthy ones first
                i = (turn + k) % n
                (healthy if self._healthy(i) else rest).append(i)
            return self._rank(healthy, turn) + rest

    def _healthy(self, i: int) -> bool:
        s = self.stats[i]
        full = s.max_in_flight is not None and s.in_flight + s.others >= s.max_in_flight
        return not s.cooling and not full

    def _rank(self, ids: list[int], turn: int) -> list[int]:
        if len(ids) < 2 or self.strategy == "round_robin":
            return ids
        if self.strategy == "least_in_flight":
            load = [s.in_flight + s.others for s in self.stats]
            return sorted(ids, key=load.__getitem__)  # stable: ties rotate
        if self.strategy == "weighted":
            return self._weighted(ids)
        unmeasured = [i for i in ids if self.stats[i].latency is None]
        if unmeasured:
            return unmeasured + [i for i in ids if i not in unmeasured]
        ranked = sorted(ids, key=lambda i: self.stats[i].latency or 0.0)
        if self.explore_every and turn % self.explore_every == 0:
            stale = min(ids, key=lambda i: self.stats[i].measured)
            ranked.remove(stale)
            ranked.insert(0, stale)
        return ranked

    def _weighted(self, ids: list[int]) -> list[int]:
        left, out = list(ids), []
        while left:
            pick = self.rng.choices(left, weights=[self.stats[i].weight for i in left])[0]
            left.remove(pick)
            out.append(pick)
        return out

    def started(self, i: int) -> None:
        """A request went to deployment ``i``."""
        with self._lock:
            self.stats[i].in_flight += 1

    def finished(self, i: int, latency: float | None = None) -> None:
        """A request to ``i`` ended; ``latency`` (s, or TTFT for a stream) when it succeeded."""
        with self._lock:
            s = self.stats[i]
            s.in_flight = max(0, s.in_flight - 1)
            if latency is not None:
                self._fold(s, latency)

    def measured(self, i: int, latency: float) -> None:
        """Fold one latency of ``i`` (seconds) into its EWMA."""
        with self._lock:
            self._fold(self.stats[i], latency)

    def _fold(self, s: DeploymentStats, latency: float) -> None:
        prev = s.latency
        s.latency = latency if prev is None else prev + self.alpha * (latency - prev)
        s.measured = self.requests
