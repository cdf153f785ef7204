"""Rate limits: requests and tokens per minute, shared through the state store.

:mod:`.policy` holds the budget (the store's token buckets, the token estimate and its
correction: sans-IO, shared by the router's deployments and the layer); :mod:`.plugin` the
``llm_core.rate_limit`` layer that waits for a plain provider's budget or raises
:class:`~llm_core.errors.RateLimitedError`.
"""

from llm_core.resilience.ratelimit.plugin import (
    AsyncRateLimitAdapter,
    RateLimit,
    RateLimitAdapter,
    RateLimitPlugin,
)
from llm_core.resilience.ratelimit.policy import (
    COMPLETION_ESTIMATE,
    Budget,
    estimate_tokens,
    used_tokens,
)

__all__ = [
    "COMPLETION_ESTIMATE",
    "AsyncRateLimitAdapter",
    "Budget",
    "RateLimit",
    "RateLimitAdapter",
    "RateLimitPlugin",
    "estimate_tokens",
    "used_tokens",
]
