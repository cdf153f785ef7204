"""Every hook of llm-core, documented: when it is called and what a return value means.

Plugins implement these with ``@llm_core.hookimpl`` and ship them through the ``llm_core``
entry-point group. The project name of the markers is ``llm_core``.

Hook calls are synchronous and cheap. Async work happens inside the adapters that
:func:`llm_core_resolve_adapter` returns, never in a hook call itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from llm_core.adapter import Adapter, AsyncAdapter
    from llm_core.call import Call
    from llm_core.cli.plugin import CommandRegistrar
    from llm_core.config import ProviderConfig, Settings
    from llm_core.providers import ProviderRegistrar
    from llm_core.request import Request
    from llm_core.types import Response

hookspec = pluggy.HookspecMarker("llm_core")
hookimpl = pluggy.HookimplMarker("llm_core")

# -------------------------------------------------------------------------------------------
# Providers: what can be called
# -------------------------------------------------------------------------------------------


@hookspec
def llm_core_register_providers(register: ProviderRegistrar) -> None:
    """Register the providers this plugin ships.

    Call ``register(name, adapter=..., async_adapter=..., ...)`` once per provider, or
    ``register(name, protocol=...)`` for an HTTP provider written as one
    :class:`~llm_core.http.HTTPProtocol` (the core provides its sync and async adapters).
    Classes may be given as ``"package.module:Class"`` strings so that heavy modules are imported
    only when the provider is used. The core rejects duplicate and malformed names.

    :param register: the :class:`~llm_core.providers.ProviderRegistrar` callback.
    """


@hookspec(firstresult=True)
def llm_core_resolve_adapter(
    config: ProviderConfig, settings: Settings, is_async: bool, role: str
) -> Adapter | AsyncAdapter | None:
    """Build the adapter that serves ``config`` (the first non-None result wins).

    The core's own implementation (``trylast``) looks the provider up in the registry. The core's
    resilience plugins are ``wrapper=True`` implementations of this hook: they take the adapter
    resolution produced (``adapter = yield``) and return it wrapped (cache outermost, then
    fallback, then retry innermost). A plugin may wrap too (rate limits, logging), or block a
    core wrapper with ``pm.set_blocked("llm_core.retry")`` and register its own.

    :param config: the provider to build (primary, or one link of the fallback chain).
    :param settings: the whole Settings (retry, cache, cooldown, fallbacks).
    :param is_async: build an :class:`~llm_core.adapter.AsyncAdapter` when True.
    :param role: ``"primary"`` for the chain's head, ``"fallback"`` for a later link,
        ``"deployment"`` for one deployment behind ``Client("router")``; wrappers that act on
        the whole chain (router, fallback, cache) wrap only the primary.
    """


# -------------------------------------------------------------------------------------------
# Response cache store
# -------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def llm_core_response_cache_store(settings: Settings) -> Any:
    """Return the store the response cache keeps answers in (first non-None result wins).

    A store has ``get(key) -> Response | None`` and ``set(key, response, ttl)``; both must be
    thread-safe. Optional: ``aget`` / ``aset`` coroutines, awaited by ``AsyncClient`` (otherwise
    it runs the sync methods in a worker thread, or inline for a store with ``blocking =
    False``). A store that raises is a cache miss with one ``StoreWarning``, never a failed
    call. The core's default (``trylast``) is an in-memory LRU with TTL; a plugin can return a
    disk or Redis store instead (``llm_core.resilience.cache.access`` has the whole protocol).

    :param settings: the Settings (``settings.cache`` holds TTL and size).
    """


# -------------------------------------------------------------------------------------------
# Command line
# -------------------------------------------------------------------------------------------


@hookspec
def llm_core_register_commands(register: CommandRegistrar) -> None:
    """Add subcommands to the ``llm-core`` command.

    Call ``register(name, help, configure, run)``: ``configure(parser)`` adds arguments to an
    ``argparse`` parser; ``run(args) -> int`` does the work and returns the exit code.

    :param register: the :class:`~llm_core.cli.plugin.CommandRegistrar` callback.
    """


# -------------------------------------------------------------------------------------------
# Observation: cheap, synchronous, for logging, metrics and tracing. Return values are ignored.
# An exception raised by an observer is reported as a warning and never breaks the request.
# Every observation hook gets the logical ``call`` (see llm_core.call.Call): observers keep their
# per-call data in ``call.state`` and tell calls apart by ``call.id``.
# -------------------------------------------------------------------------------------------


@hookspec
def llm_core_on_call_start(call: Call) -> None:
    """A logical call begins: a Client's ``generate``, ``stream``, ``list_models`` or
    ``health_check``, before any layer or provider runs (and before any cache is asked).

    :param call: the call (``operation``, ``provider``, ``model``, ``request``, ``stream``).
    """


@hookspec
def llm_core_on_call_end(
    call: Call, response: Response | None, error: BaseException | None
) -> None:
    """A logical call ended: it answered, failed, or (a stream) was closed before its end.

    Called exactly once per :func:`llm_core_on_call_start`. For a stream it comes when the final
    event arrived, when the stream failed, or when the caller closed it early (then both
    ``response`` and ``error`` are None).

    :param call: the call.
    :param response: the finished Response (the final one of a stream; an embed batch's
        Embeddings), or None.
    :param error: what the caller got raised, or None.
    """


@hookspec
def llm_core_on_request(
    call: Call, provider: str, model: str | None, request: Request, attempt: int
) -> None:
    """An attempt is about to be sent to ``provider`` (``attempt`` counts from 1).

    :param call: the logical call this attempt belongs to.
    :param provider: the provider name.
    :param model: the model requested (None for the provider's default).
    :param request: the request (its messages may hold images; never log them whole).
    :param attempt: which try at this provider this is.
    """


@hookspec
def llm_core_on_response(call: Call, provider: str, model: str | None, response: Response) -> None:
    """An attempt at ``provider`` answered (for a stream: when it finished).

    :param call: the logical call.
    :param provider: the provider name.
    :param model: the model requested.
    :param response: the finished Response.
    """


@hookspec
def llm_core_on_retry(
    call: Call, provider: str, model: str | None, attempt: int, error: BaseException, wait: float
) -> None:
    """Attempt ``attempt`` failed with ``error``; the retry layer waits ``wait`` seconds.

    :param call: the logical call.
    :param provider: the provider name.
    :param model: the model requested.
    :param attempt: the attempt that failed (from 1).
    :param error: the failure.
    :param wait: seconds until the next attempt.
    """


@hookspec
def llm_core_on_fallback(call: Call, failed: str, error: BaseException, next_provider: str) -> None:
    """Provider ``failed`` gave up with ``error``; the chain moves on to ``next_provider``.

    :param call: the logical call.
    :param failed: label of the provider that failed.
    :param error: its final error.
    :param next_provider: label of the provider tried next.
    """


@hookspec
def llm_core_on_cache_hit(call: Call, provider: str, model: str | None, kind: str) -> None:
    """A cache answered instead of the provider.

    :param call: the logical call.
    :param provider: the provider name.
    :param model: the model requested (None for model lists).
    :param kind: ``"response"``, ``"models"`` or ``"embedding"``.
    """


@hookspec
def llm_core_on_error(call: Call, provider: str, model: str | None, error: BaseException) -> None:
    """An attempt at ``provider`` failed with ``error`` (every failed attempt, before any retry).

    :param call: the logical call.
    :param provider: the provider name.
    :param model: the model requested.
    :param error: the failure, an :class:`~llm_core.errors.LLMError`.
    """
