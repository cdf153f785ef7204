"""The opener of ``redis://``, ``rediss://`` and ``unix://`` state URLs.

It is registered in the ``llm_core.state_stores`` entry-point group under each scheme. llm-core
calls it once per URL and process (``StateStores``) and wraps the store
in its ``Guarded`` fallback, so a Redis that is down at start, killed, slow or flushed never
fails a request: llm-core serves from local memory, warns once per outage and tries Redis again
every ``state.retry_after`` seconds. With ``state.strict`` the store is pinged when it is
opened and an unreachable Redis is a ``ConfigurationError`` instead.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from llm_core.errors import ConfigurationError, redact_url, remember_secret, scrub_secrets
from llm_core_redis.store import RedisState

__all__ = ["open_store", "state_store"]


def open_store(url: str, timeout: float = 0.1, strict: bool = False) -> RedisState:
    """A :class:`RedisState` for ``url``; a malformed (or, when ``strict``, unreachable) URL
    is a ``ConfigurationError`` naming it with its password redacted."""
    password = urlsplit(url).password
    if password:
        remember_secret(password)  # scrubbed from every llm-core error text from now on
    try:
        store = RedisState(url, timeout=timeout, connect_timeout=max(timeout, 0.5))
    except ValueError as exc:
        raise ConfigurationError(
            f"invalid state.url {redact_url(url)!r}: {scrub_secrets(str(exc))}",
            hint="Use redis://[:password@]host:6379/0, rediss://... or unix:///path.sock "
            "(LLM_CORE_STATE__URL).",
        ) from None
    if strict:
        try:
            store.ping()
        except Exception as exc:
            store.close()
            raise ConfigurationError(
                f"state store {store.label} is unreachable ({type(exc).__name__}: "
                f"{scrub_secrets(str(exc))[:200]})",
                hint="Start Redis or fix LLM_CORE_STATE__URL; without state.strict llm-core "
                "serves from local state until Redis answers.",
            ) from None
    return store


def state_store(settings: Any) -> RedisState:
    """The store of ``settings.state`` (``url``, ``timeout``, ``strict``)."""
    state = settings.state
    return open_store(state.url, state.timeout, state.strict)
