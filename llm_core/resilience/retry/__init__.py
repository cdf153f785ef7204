"""Retry: the ``llm_core.retry`` plugin and the policy it follows.

:mod:`.policy` decides (which failures are worth another try, how long to wait: sans-IO);
:mod:`.plugin` holds the layer that calls, sleeps and loops, and its hook.
"""

from llm_core.resilience.retry.plugin import (
    AsyncRetryingAdapter,
    RetryingAdapter,
    RetryPlugin,
    RetryRun,
)
from llm_core.resilience.retry.policy import RetryDecision, RetryPolicy, error_text

__all__ = [
    "AsyncRetryingAdapter",
    "RetryDecision",
    "RetryPlugin",
    "RetryPolicy",
    "RetryRun",
    "RetryingAdapter",
    "error_text",
]
