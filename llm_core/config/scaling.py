"""The ``state`` and ``router`` settings: shared state and one provider over several replicas.

Sections of ``Settings`` (``settings.state``, ``settings.router``). A deployment is kept as a
dict of provider-config fields plus its routing knobs; the router turns each into a
``ProviderConfig`` when it builds its links.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from llm_core.config.rate_limits import per_minute

__all__ = ["ROUTING_KEYS", "STRATEGIES", "RouterSettings", "StateSettings"]

_STRICT = ConfigDict(extra="forbid", validate_assignment=True)
STRATEGIES = ("round_robin", "least_in_flight", "lowest_latency", "weighted")
ROUTING_KEYS = ("name", "weight", "max_in_flight", "rpm", "tpm")


class StateSettings(BaseModel):
    """Where shared state lives (cooldowns, caches, in-flight leases, rate limits): ``memory``
    (this process), ``sqlite:///path/to/file.db`` (one machine, several processes) or
    ``redis://host:6379/0`` (several machines; ``pip install llm-core-redis``)."""

    model_config = _STRICT
    url: str = "memory"
    prefix: str = Field("llm_core:", min_length=1)
    timeout: float = Field(0.1, gt=0, le=10)
    retry_after: float = Field(1.0, gt=0)
    sync_interval: float = Field(0.25, ge=0)
    #: Ping a shared store when it is opened: unreachable is a ConfigurationError instead of
    #: the degraded mode (serve from local state, one warning, try again every retry_after s).
    strict: bool = False


class RouterSettings(BaseModel):
    """The ``llm_core.router`` plugin: one logical provider over ``deployments``.

    Each deployment is ``{"provider": ..., "base_url": ..., ...}`` plus optional ``name``,
    ``weight``, ``max_in_flight``, ``rpm`` and ``tpm`` (requests and tokens per minute).
    ``strategy`` is one of :data:`STRATEGIES`. Each deployment gets ``attempts`` tries before
    the next one is asked; a request waits at most ``queue_timeout`` s for a free slot; a lease
    left by a crashed process expires after ``lease_ttl`` s.
    """

    model_config = _STRICT
    deployments: list[dict[str, Any]] = Field(default=[])
    strategy: str = "round_robin"
    same_model: bool = True
    attempts: int = Field(1, ge=1, le=20)
    queue_timeout: float = Field(30.0, ge=0)
    lease_ttl: float = Field(300.0, gt=0)
    ewma_alpha: float = Field(0.3, gt=0, le=1)
    explore_every: int = Field(20, ge=0)

    @field_validator("strategy")
    @classmethod
    def _strategy(cls, value: str) -> str:
        value = value.strip().lower().replace("-", "_")
        if value not in STRATEGIES:
            raise ValueError("strategy must be one of " + ", ".join(STRATEGIES))
        return value

    @field_validator("deployments")
    @classmethod
    def _deployments(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for i, item in enumerate(value):
            if not isinstance(item.get("provider"), str) or not item["provider"]:
                raise ValueError(f"deployments[{i}] needs a provider name, e.g. 'ollama'")
            name = item.get("name")
            if name is not None and (not isinstance(name, str) or not name.strip()):
                raise ValueError(f"deployments[{i}].name must be a non-empty string")
            weight = item.get("weight", 1.0)
            if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
                raise ValueError(f"deployments[{i}].weight must be a number > 0")
            n = item.get("max_in_flight")
            if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
                raise ValueError(f"deployments[{i}].max_in_flight must be an integer >= 1")
            for key in ("rpm", "tpm"):
                if key in item:
                    item[key] = per_minute(item[key], f"deployments[{i}].{key}")
        return value
