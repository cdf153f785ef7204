"""The ``rate_limit`` settings, and the check every per-minute budget goes through.

``settings.rate_limit`` (``LLM_CORE_RATE_LIMIT__RPM``, ``__TPM``, ``__MAX_WAIT``) limits each
provider a client talks to (the primary and each fallback link, each its own budget, shared by
every process on the same state store); a router's deployments carry ``rpm`` / ``tpm`` keys
(these budgets by default), checked by :func:`per_minute` too (``specs/scaling.md``, "Rate
limits").
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

__all__ = ["RateLimitSettings", "per_minute"]


def per_minute(value: Any, where: str) -> int | None:
    """``value`` as a budget per minute (None: no limit), or ``ValueError`` naming ``where``."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():  # from an environment variable
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(
            f"{where} must be a whole number >= 1 (per minute), or left out for no limit; "
            f"got {value!r}"
        )
    return value


class RateLimitSettings(BaseModel):
    """Budgets per provider: ``rpm`` requests and ``tpm`` tokens per minute (None: no limit).

    A request over budget waits up to ``max_wait`` seconds for it, then raises
    :class:`~llm_core.errors.RateLimitedError` (not retried; a fallback chain moves on).
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    rpm: int | None = None
    tpm: int | None = None
    max_wait: float = 5.0

    @field_validator("rpm", "tpm", mode="before")
    @classmethod
    def _budget(cls, value: Any, info: Any) -> int | None:
        return per_minute(value, f"rate_limit.{info.field_name}")

    @field_validator("max_wait", mode="before")
    @classmethod
    def _max_wait(cls, value: Any) -> float:
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                pass
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not 0 <= value < math.inf
        ):
            raise ValueError(
                "rate_limit.max_wait must be a finite number of seconds >= 0 (0: never wait, "
                f"raise at once); got {value!r}"
            )
        return float(value)

    @property
    def active(self) -> bool:
        """Whether any budget is set."""
        return self.rpm is not None or self.tpm is not None
