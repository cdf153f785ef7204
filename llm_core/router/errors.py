"""The router's own errors: no capacity anywhere, and every deployment failed.

Both are :class:`~llm_core.errors.ProviderError` subclasses, so a fallback chain configured
after the router (``fallbacks=[...]``) moves on to its next link.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llm_core import errors as e

__all__ = ["DeploymentsExhaustedError", "NoCapacityError"]


class NoCapacityError(e.RateLimitError):
    """Every deployment stayed at its ``max_in_flight`` (or ``rpm``) for the whole queue wait."""


class DeploymentsExhaustedError(e.ServerError):
    """Every deployment of the router failed; ``failures`` lists (deployment label, error)."""

    def __init__(self, failures: Sequence[tuple[str, BaseException]], **kwargs: Any) -> None:
        self.failures = list(failures)
        lines = "\n".join(
            f"  {i}. {name}: {type(err).__name__}: {getattr(err, 'message', err)}"
            for i, (name, err) in enumerate(self.failures, 1)
        )
        kwargs.setdefault("hint", "Start one of these servers, or fix the first error listed.")
        super().__init__(
            f"all {len(self.failures)} deployments of the router failed:\n{lines}", **kwargs
        )
