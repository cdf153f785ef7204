"""Settings: constructor arguments, then ``LLM_CORE_*`` environment variables, then ``.env``.

Nested values use ``__``: ``LLM_CORE_TIMEOUTS__READ=120``, ``LLM_CORE_RETRY__MAX_ATTEMPTS=5``.
Lists are JSON: ``LLM_CORE_FALLBACKS='[{"provider": "ollama", "model": "llama3.2"}]'``.
An invalid value raises :class:`~llm_core.errors.ConfigurationError` naming the field, the bad
value (never a secret's) and the environment variable that sets it.
"""

from __future__ import annotations

from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from llm_core.errors import ConfigurationError, redact_url

__all__ = [
    "ENV_PREFIX",
    "CacheSettings",
    "CooldownSettings",
    "Deployment",
    "ProviderConfig",
    "RetrySettings",
    "RouterSettings",
    "Settings",
    "StateSettings",
    "Timeouts",
    "load_settings",
]

ENV_PREFIX = "LLM_CORE_"
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


class CooldownSettings(BaseModel):
    """Skip a provider that failed ``failures`` times within ``window`` s, for ``cooldown`` s."""

    model_config = _STRICT
    failures: int = Field(3, ge=1)
    window: float = Field(60.0, gt=0)
    cooldown: float = Field(30.0, ge=0)


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


class ProviderConfig(BaseModel):
    """Where and how to reach one provider: the primary, or one link of a fallback chain."""

    model_config = _STRICT
    provider: str = "mlx"
    model: str | None = None
    base_url: str | None = None
    api_key: SecretStr | None = None
    timeouts: Timeouts = Field(default_factory=Timeouts)
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("provider")
    @classmethod
    def _provider_name(cls, value: str) -> str:
        value = value.strip().lower()
        if not value or not value.replace("_", "").replace("-", "").isalnum():
            raise ValueError("a provider name is letters, digits, '-' and '_'")
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().rstrip("/")
        if "://" not in value:
            value = "http://" + value
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_url must be an http:// or https:// URL")
        return value

    def label(self) -> str:
        """``provider`` or ``provider:model``, for messages and fallback trails."""
        return f"{self.provider}:{self.model}" if self.model else self.provider

    def key(self) -> str:
        """A process-wide identity for this provider: its label plus its redacted base URL."""
        return f"{self.label()}@{redact_url(self.base_url) if self.base_url else '-'}"


class Deployment(ProviderConfig):
    """One replica a router spreads requests over: a provider config plus its routing knobs."""

    weight: float = Field(1.0, gt=0)
    max_in_flight: int | None = Field(None, ge=1)
    rpm: int | None = Field(None, ge=1)


class RouterSettings(BaseModel):
    """The ``llm_core.router`` plugin: one logical provider over ``deployments``.

    ``strategy`` is ``round_robin``, ``least_in_flight``, ``lowest_latency`` or ``weighted``.
    Each deployment gets ``attempts`` tries (its own retry layer) before the next one is asked;
    a request waits at most ``queue_timeout`` s for a free slot when every deployment is at its
    ``max_in_flight``; a lease left by a crashed process expires after ``lease_ttl`` s.
    """

    model_config = _STRICT
    deployments: list[Deployment] = Field(default=[])
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
        known = ("round_robin", "least_in_flight", "lowest_latency", "weighted")
        if value not in known:
            raise ValueError("strategy must be one of " + ", ".join(known))
        return value


class Settings(ProviderConfig, BaseSettings):
    """Everything a Client needs: the primary provider plus retry, cache, cooldown, fallbacks."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_assignment=True,
    )
    retry: RetrySettings = Field(default_factory=RetrySettings)
    cache: CacheSettings = Field(default_factory=CacheSettings)
    cooldown: CooldownSettings = Field(default_factory=CooldownSettings)
    # Not default_factory=list: pydantic would parse list's text signature, which compiles the
    # tokenize module's regexes (2 ms at import). Pydantic copies a mutable default per instance.
    fallbacks: list[ProviderConfig] = Field(default=[])
    fallback_on_auth_errors: bool = False
    router: RouterSettings = Field(default_factory=RouterSettings)
    state: StateSettings = Field(default_factory=StateSettings)

    def primary(self) -> ProviderConfig:
        """The primary provider's config alone."""
        return ProviderConfig(
            provider=self.provider,
            model=self.model,
            base_url=self.base_url,
            api_key=self.api_key,
            timeouts=self.timeouts,
            options=self.options,
        )


def load_settings(**overrides: Any) -> Settings:
    """Build Settings from ``overrides`` (None values ignored), the environment and ``.env``."""
    kwargs = {k: v for k, v in overrides.items() if v is not None}
    unknown = sorted(set(kwargs) - set(Settings.model_fields))
    if unknown:
        raise ConfigurationError(
            f"unknown setting {unknown[0]!r}",
            hint="Known settings: " + ", ".join(sorted(Settings.model_fields)) + ".",
        )
    if "fallbacks" in kwargs:
        kwargs["fallbacks"] = [_as_config_dict(f) for f in kwargs["fallbacks"]]
    try:
        return Settings(**kwargs)
    except pydantic.ValidationError as exc:
        raise _configuration_error(exc) from None


def _as_config_dict(value: Any) -> Any:
    if isinstance(value, str):
        return {"provider": value}
    if isinstance(value, ProviderConfig):
        return value.model_dump()
    return value


def _configuration_error(exc: pydantic.ValidationError) -> ConfigurationError:
    err = exc.errors(include_url=False)[0]
    loc = [str(p) for p in err["loc"]]
    field = ".".join(loc) or "settings"
    env = ENV_PREFIX + "__".join(p.upper() for p in loc if not p.isdigit())
    value = err.get("input")
    shown = "<hidden>" if "api_key" in loc else repr(value)[:80]
    if err["type"] == "extra_forbidden":
        message = f"unknown setting {field!r}"
    else:
        message = f"invalid {field} = {shown}: {err['msg']}"
    count = exc.error_count()
    if count > 1:
        message += f" (and {count - 1} more problem{'s' if count > 2 else ''})"
    return ConfigurationError(message, hint=f"Fix the argument or the environment variable {env}.")
