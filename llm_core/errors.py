"""The exception tree of llm-core.

Every error raised by llm-core, by a provider adapter or by a core wrapper is one of these::

    LLMError                          root: catch this to catch everything from llm-core
    ├── ConfigurationError            bad settings, unknown provider, invalid option name
    │   └── PluginError               an installed plugin is broken (its entry point or its
    │                                 adapter module failed to import); names plugin and error
    ├── ValidationError               a malformed message or request (bad role, unreadable image,
    │                                 or the server's 400/422 saying so)
    ├── ProviderError                 the provider could not do it (carries status_code)
    │   ├── ConnectionError           + builtins.ConnectionError: refused, reset, DNS
    │   ├── TimeoutError              + builtins.TimeoutError: connect, read or total deadline
    │   ├── AuthenticationError       401/403: missing or wrong API token
    │   ├── ModelNotFoundError        the model is not installed or not loaded
    │   ├── RateLimitError            429: carries retry_after (seconds) when the server said
    │   │   └── RateLimitedError      this client's own rate_limit budget is spent (rpm/tpm);
    │   │                             not retried, a fallback chain moves on
    │   ├── ServerError               5xx or a busy server: usually transient
    │   ├── InvalidResponseError      non-JSON or wrongly shaped answer (wrong base URL?)
    │   │   └── StructuredOutputError the answer failed the schema= it was asked for; carries
    │   │                             raw_text and pydantic's errors
    │   ├── GenerationError           generation failed or broke off; carries partial_text
    │   ├── NotSupportedError         the provider or model cannot do this (embeddings on a
    │   │                             completion-only model, an adapter without ``embed``)
    │   ├── ContextLengthError        an input exceeds the model's context (truncate=False)
    │   └── EmbeddingMismatchError    vectors from different models or sizes in one job, or a
    │                                 fallback link on another embedding model
    └── FallbackExhaustedError        every provider of a fallback chain failed; lists each

Each error carries ``provider``, ``model``, ``url`` and ``status_code`` where known, and a
``hint`` that says what to do. Messages never contain an API key: adapters build them from
status, body and URL only, and :class:`LLMError` itself strips user-info and the query string
from every ``url`` it is given (:func:`redact_url`), so no caller has to remember to. Every
credential the configuration validated (API keys, base-URL user-info, tokens a plugin announces
with :func:`remember_secret`) is scrubbed from each error's message, hint and partial text
(:func:`scrub_secrets`), so a key a server echoes in its 401 body never reaches a log line, a
``Health.detail`` or the CLI.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from llm_core import redaction
from llm_core.redaction import redact_url, remember_secret, scrub_secrets

__all__ = [
    "AuthenticationError",
    "ConfigurationError",
    "ConnectionError",
    "ContextLengthError",
    "EmbeddingMismatchError",
    "FallbackExhaustedError",
    "GenerationError",
    "InvalidResponseError",
    "LLMError",
    "ModelNotFoundError",
    "NotSupportedError",
    "PluginError",
    "ProviderError",
    "RateLimitError",
    "RateLimitedError",
    "ServerError",
    "StructuredOutputError",
    "TimeoutError",
    "ValidationError",
    "redact_url",
    "remember_secret",
    "scrub_secrets",
]


class LLMError(Exception):
    """Root of every error llm-core raises."""

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        model: str | None = None,
        url: str | None = None,
        hint: str | None = None,
        status_code: int | None = None,
    ) -> None:
        if redaction._secrets:  # a server may echo the key it was sent (a 401 body, an error event)
            message = scrub_secrets(message)
            hint = scrub_secrets(hint) if hint else hint
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.provider = provider
        self.model = model
        self.url = redact_url(url) if url else url
        self.hint = hint

    def __str__(self) -> str:
        where = ", ".join(
            f"{k}={v}"
            for k, v in (("provider", self.provider), ("model", self.model), ("url", self.url))
            if v
        )
        text = f"{self.message} [{where}]" if where else self.message
        return f"{text}\nHint: {self.hint}" if self.hint else text

    def __reduce__(self):  # keep errors picklable across processes despite keyword-only args
        return (_rebuild, (type(self), self.message, dict(self.__dict__)))


def _rebuild(cls: type[LLMError], message: str, state: dict) -> LLMError:
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    return err


class ConfigurationError(LLMError):
    """Settings are invalid, a provider is unknown, or an option is not accepted."""


class PluginError(ConfigurationError):
    """An installed plugin is broken: its entry point or its adapter module failed to import.

    ``plugin`` names the plugin; the message names the import error. A fallback chain moves on
    past a link whose plugin is broken (the other links may be fine).
    """

    def __init__(self, message: str, *, plugin: str = "", **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.plugin = plugin


class ValidationError(LLMError):
    """A message, request or option value is malformed; fix the input, retrying will not help."""


class ProviderError(LLMError):
    """The provider failed to serve the request; ``status_code`` is the HTTP status if any."""


class ConnectionError(ProviderError, builtins.ConnectionError):
    """The server could not be reached (refused, reset, unknown host)."""


class TimeoutError(ProviderError, builtins.TimeoutError):
    """A phase took too long; ``phase`` is connect, read, write, pool or deadline."""

    def __init__(self, message: str, *, phase: str = "read", **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.phase = phase


class AuthenticationError(ProviderError):
    """The server refused the credentials (or wants some)."""


class ModelNotFoundError(ProviderError):
    """The model is not installed, not loaded, or misspelled."""


class RateLimitError(ProviderError):
    """The server asked to slow down; ``retry_after`` is how long it asked to wait, in seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class RateLimitedError(RateLimitError):
    """The client's own budget (``rate_limit.rpm`` / ``.tpm``, or a router deployment's) is
    spent and did not come back within ``rate_limit.max_wait``; ``limit`` names it (``"rpm"``
    or ``"tpm"``), ``retry_after`` is when it would have. Never retried (waiting is what the
    limiter already did); a fallback chain moves on to its next link."""

    def __init__(self, message: str, *, limit: str = "rpm", **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.limit = limit


class ServerError(ProviderError):
    """The server failed (5xx, busy): usually transient, so the retry layer retries it."""


class InvalidResponseError(ProviderError):
    """The answer was not what the protocol promises (not JSON, wrong shape, wrong type)."""


class StructuredOutputError(InvalidResponseError):
    """The answer is not JSON, or not the shape ``schema=`` asked for (after any repairs).

    ``raw_text`` is the model's answer, ``errors`` pydantic's error list (``loc``, ``msg``,
    ``type``), ``schema_name`` the schema's name; ``attempts`` counts the tries (repairs too).
    """

    def __init__(
        self,
        message: str,
        *,
        raw_text: str = "",
        errors: Sequence[dict] = (),
        schema_name: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(message, **kwargs)
        self.raw_text, self.errors, self.schema_name = raw_text, list(errors), schema_name


class GenerationError(ProviderError):
    """Generation failed or broke off; ``partial_text`` holds what arrived before the failure."""

    def __init__(self, message: str, *, partial_text: str = "", **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.partial_text = scrub_secrets(partial_text) if redaction._secrets else partial_text


class FallbackExhaustedError(LLMError):
    """Every provider of the fallback chain failed; ``failures`` lists (provider, error) pairs."""

    def __init__(self, failures: Sequence[tuple[str, BaseException]], **kwargs) -> None:
        self.failures = list(failures)
        lines = "\n".join(
            f"  {i}. {name}: {type(err).__name__}: {getattr(err, 'message', err)}"
            for i, (name, err) in enumerate(self.failures, 1)
        )
        kwargs.setdefault("hint", "Start one of these providers, or fix the first error listed.")
        super().__init__(f"all {len(self.failures)} providers failed:\n{lines}", **kwargs)


class NotSupportedError(ProviderError):
    """The provider, adapter or model cannot do this operation; another model or provider can."""


class ContextLengthError(ProviderError):
    """An input is longer than the model's context; shorten it or let the server truncate."""


class EmbeddingMismatchError(ProviderError):
    """Vectors of one embedding job would come from different vector spaces (another model or
    another size); llm-core never mixes them silently."""
