"""The settings a Client is built from: one provider's config (:class:`ProviderConfig`), the
whole :class:`Settings` (arguments, ``LLM_CORE_*`` variables, ``.env``), and the typed
:class:`~llm_core.errors.ConfigurationError` for a bad value (see the package docstring)."""

from __future__ import annotations

from typing import Any, Literal

import pydantic
from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from llm_core.checks import check_api_key, check_base_url, remember_basic_auth, split_user_info
from llm_core.config.rate_limits import RateLimitSettings
from llm_core.config.scaling import RouterSettings, StateSettings
from llm_core.config.sections import (
    _STRICT,
    CacheSettings,
    CooldownSettings,
    ImageSettings,
    RetrySettings,
    Timeouts,
)
from llm_core.errors import ConfigurationError, redact_url, remember_secret
from llm_core.limits import Limits

__all__ = ["ENV_PREFIX", "ProviderConfig", "Settings", "load_settings"]

ENV_PREFIX = "LLM_CORE_"


class ProviderConfig(BaseModel):
    """Where and how to reach one provider: the primary, or one link of a fallback chain."""

    model_config = _STRICT
    provider: str = "mlx"
    model: str | None = None
    base_url: str | None = None
    api_key: SecretStr | None = None
    #: ``user:password`` for HTTP Basic auth; a base_url's user-info is moved here.
    basic_auth: SecretStr | None = None
    timeouts: Timeouts = Field(default_factory=Timeouts)
    options: dict[str, Any] = Field(default_factory=dict)
    #: Extra HTTP headers sent with every request to this provider (a gateway's tenant header,
    #: a fault-injection header); never to a fallback link, which has its own. Not in reprs.
    headers: dict[str, str] = Field(default_factory=dict, repr=False)

    @field_validator("headers")
    @classmethod
    def _header_fields(cls, value: dict[str, str]) -> dict[str, str]:
        for name, text in value.items():
            if not name or any(c in name for c in " :\r\n") or "\n" in text or "\r" in text:
                raise ValueError(
                    f"header {name!r} must be a token name with a one-line value (no CR/LF)"
                )
        return value

    limits: Limits = Field(default_factory=Limits)
    #: The async client's HTTP transport: httpx2, or aiohttp (``pip install 'llm-core[aiohttp]'``,
    #: faster at high concurrency). Sync clients always use httpx2.
    transport: Literal["httpx2", "aiohttp"] = "httpx2"

    @field_validator("provider")
    @classmethod
    def _provider_name(cls, value: str) -> str:
        value = value.strip().lower()
        if not value or not value.replace("_", "").replace("-", "").isalnum():
            raise ValueError("a provider name is letters, digits, '-' and '_'")
        return value

    @field_validator("api_key")
    @classmethod
    def _api_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            check_api_key(value.get_secret_value())
            remember_secret(value.get_secret_value())  # scrubbed from every error text
        return value

    @model_validator(mode="after")
    def _user_info(self) -> ProviderConfig:
        # http://user:secret@host: the credentials go into a header, never into a logged URL.
        url, user_info = split_user_info(self.base_url) if self.base_url else (None, None)
        if user_info is not None:
            self.__dict__["base_url"] = url  # not setattr: validate_assignment would recurse
            self.__dict__["basic_auth"] = SecretStr(user_info)
        if self.basic_auth is not None:
            if self.api_key is not None:
                raise ValueError(
                    "base_url has user:password and api_key is set too; give one credential"
                )
            remember_basic_auth(self.basic_auth.get_secret_value())
        return self

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return check_base_url(value)

    def label(self) -> str:
        """``provider`` or ``provider:model``, for messages and fallback trails."""
        return f"{self.provider}:{self.model}" if self.model else self.provider

    def key(self) -> str:
        """A process-wide identity for this provider: its label plus its redacted base URL."""
        return f"{self.label()}@{redact_url(self.base_url) if self.base_url else '-'}"


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
    images: ImageSettings = Field(default_factory=ImageSettings)
    # Not default_factory=list: pydantic would parse list's text signature, which compiles the
    # tokenize module's regexes (2 ms at import). Pydantic copies a mutable default per instance.
    fallbacks: list[ProviderConfig] = Field(default=[])
    fallback_on_auth_errors: bool = False
    router: RouterSettings = Field(default_factory=RouterSettings)
    state: StateSettings = Field(default_factory=StateSettings)
    rate_limit: RateLimitSettings = Field(default_factory=RateLimitSettings)

    @field_validator("fallbacks", mode="before")
    @classmethod
    def _fallback_names(cls, value: Any) -> Any:
        # "ollama" is short for {"provider": "ollama"}, in arguments and in LLM_CORE_FALLBACKS
        if isinstance(value, list):
            return [_as_config_dict(item) for item in value]
        return value

    def primary(self) -> ProviderConfig:
        """The primary provider's config alone."""
        return ProviderConfig(
            provider=self.provider,
            model=self.model,
            base_url=self.base_url,
            api_key=self.api_key,
            basic_auth=self.basic_auth,
            timeouts=self.timeouts,
            options=self.options,
            headers=self.headers,
            limits=self.limits,
            transport=self.transport,
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
    try:
        return Settings(**kwargs)
    except pydantic.ValidationError as exc:
        raise _configuration_error(exc) from None
    except SettingsError as exc:  # an LLM_CORE_* variable holding JSON that does not parse
        field = str(exc).partition('field "')[2].partition('"')[0] or "settings"
        env = ENV_PREFIX + field.upper()
        raise ConfigurationError(
            f"environment variable {env} is not valid JSON",
            hint=f"Set {env} to valid JSON: an object for options, retry, cache and timeouts, "
            "a list for fallbacks.",
        ) from None


def _as_config_dict(value: Any) -> Any:
    if isinstance(value, str):
        return {"provider": value}
    if isinstance(value, ProviderConfig):
        return value.model_dump()
    return value


_SECRET_MARKS = ("api_key", "basic_auth", "@")


def _configuration_error(exc: pydantic.ValidationError) -> ConfigurationError:
    err = exc.errors(include_url=False)[0]
    loc = [str(p) for p in err["loc"]]
    field = ".".join(loc) or "settings"
    env = ENV_PREFIX + "__".join(p.upper() for p in loc if not p.isdigit())
    value = err.get("input")
    # A fallback given as an object (or any nested value) may carry a key: never quote it.
    secret = bool({"api_key", "basic_auth"} & set(loc)) or (
        isinstance(value, dict | list) and any(k in repr(value) for k in _SECRET_MARKS)
    )
    if loc and loc[-1] == "base_url" and isinstance(value, str):
        value = redact_url(value)  # its user-info is a password
    shown = "<hidden>" if secret else repr(value)[:80]
    if err["type"] == "extra_forbidden":
        message = f"unknown setting {field!r}"
    else:
        message = f"invalid {field} = {shown}: {err['msg']}"
    count = exc.error_count()
    if count > 1:
        message += f" (and {count - 1} more problem{'s' if count > 2 else ''})"
    return ConfigurationError(message, hint=f"Fix the argument or the environment variable {env}.")
