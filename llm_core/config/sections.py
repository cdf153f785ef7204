"""The sections of Settings, one per concern: per-phase timeouts, the retry policy, the caches,
the circuit breaker, remote image fetching. Strict: an unknown field is an error."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CacheSettings", "CooldownSettings", "ImageSettings", "RetrySettings", "Timeouts"]

_STRICT = ConfigDict(extra="forbid", validate_assignment=True)


class Timeouts(BaseModel):
    """Per-phase timeouts in seconds: a local server is up or it isn't (short ``connect``), but a
    model may be loading (long ``read``). ``total`` bounds all attempts of one call together."""

    model_config = _STRICT
    connect: float = Field(5.0, gt=0)
    read: float = Field(600.0, gt=0)
    write: float = Field(60.0, gt=0)
    pool: float = Field(60.0, gt=0)
    total: float | None = Field(None, gt=0)


class RetrySettings(BaseModel):
    """How the retry layer retries one provider before falling back (see RetryPolicy)."""

    model_config = _STRICT
    max_attempts: int = Field(3, ge=1, le=20)
    backoff_base: float = Field(0.25, ge=0)
    backoff_cap: float = Field(8.0, ge=0)
    jitter: bool = True
    retry_read_timeouts: bool = False
    max_retry_after: float = Field(30.0, ge=0)
    retry_statuses: tuple[int, ...] = (408, 409, 429, 500, 502, 503, 504)


class CacheSettings(BaseModel):
    """Model-list cache TTL and the opt-in response cache."""

    model_config = _STRICT
    models_ttl: float = Field(60.0, ge=0)
    responses: bool = False
    response_ttl: float = Field(600.0, gt=0)
    max_entries: int = Field(1024, ge=1)
    force: bool = False
    embeddings: bool = False
    #: Keep cached responses and embeddings in the shared state store (``state.url``), so
    #: every process that reaches it shares the hits.
    shared: bool = False
    #: Cache responses of requests that carry tools too (off: a tool loop's answers follow tool
    #: runs that may have had side effects, so a replay could skip what must happen again).
    tools: bool = False


class CooldownSettings(BaseModel):
    """Skip a provider that failed ``failures`` times within ``window`` s, for ``cooldown`` s."""

    model_config = _STRICT
    failures: int = Field(3, ge=1)
    window: float = Field(60.0, gt=0)
    cooldown: float = Field(30.0, ge=0)


class ImageSettings(BaseModel):
    """Remote image URLs: fetched by the client (asynchronously on AsyncClient) within the
    call's deadline, at most ``max_bytes`` and ``max_redirects``; ``remote=False`` refuses them
    (a server that passes user input on should)."""

    model_config = _STRICT
    remote: bool = True
    max_bytes: int = Field(20 * 1024 * 1024, ge=1)
    max_redirects: int = Field(3, ge=0)
    timeout: float = Field(10.0, gt=0)
