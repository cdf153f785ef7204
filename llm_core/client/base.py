""":class:`ClientBase`: configuration, request building and the calls as flows, written once.

A call, top-down: the client builds the :class:`~llm_core.request.Request` and a
:class:`~llm_core.call.Call` (the deadline from ``timeouts.total``), tells the observers the call
starts, and hands both to the outermost layer (``self.adapter``); each layer passes them on
(``specs/request-path.md`` follows one to the socket).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Sequence
from typing import Any

from llm_core.call import Call
from llm_core.config import Settings, load_settings
from llm_core.embeddings.types import Embeddings
from llm_core.errors import ValidationError
from llm_core.flow import Flow, once, run
from llm_core.layers import Layer, Stack
from llm_core.messages import Message, coerce_messages, image_list
from llm_core.request import Request
from llm_core.tools.support import refuse_tools_direct
from llm_core.types import Health, ModelInfo, Response

__all__ = ["DOC_ARGS", "EMBED_DOC", "ClientBase", "Prompt"]

Prompt = str | Message | dict | Sequence[Any]
_REQUEST_FIELDS = {f.name for f in dataclasses.fields(Request)} - {"messages"}


class ClientBase:
    """What Client and AsyncClient share: configuration, request building, and every call
    written once as a flow (the clients only run the flows blocking or awaiting)."""

    _is_async = False

    def __init__(
        self,
        provider: str | None = None,
        *,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        fallbacks: Sequence[Any] | None = None,
        settings: Settings | None = None,
        **overrides: Any,
    ) -> None:
        """Configure from arguments, then ``LLM_CORE_*`` environment variables, then ``.env``.

        :param provider: registered provider name (``ollama``, ``lmstudio``, ``mlx``, ``openai``).
        :param model: default model for requests that name none.
        :param base_url: server URL for HTTP providers.
        :param api_key: bearer token (kept as a secret: never in repr, logs or errors).
        :param fallbacks: providers to try in order when this one fails: names, dicts or
            ProviderConfig objects.
        :param settings: a complete Settings object (the other arguments are then ignored).
        :param overrides: any other Settings field (``timeouts``, ``retry``, ``cache``, ...).
        """
        from llm_core.plugins import get_plugin_manager

        if settings is None:
            settings = load_settings(
                provider=provider,
                model=model,
                base_url=base_url,
                api_key=api_key,
                fallbacks=fallbacks,
                **overrides,
            )
        self.settings = settings
        pm = get_plugin_manager()
        self._observer = pm.observer
        self._adapter = pm.hook.llm_core_resolve_adapter(
            config=settings.primary(), settings=settings, is_async=self._is_async, role="primary"
        )

    @property
    def adapter(self) -> Any:
        """The resolved (wrapped) adapter, as a :class:`~llm_core.layers.stack.Stack`: a
        provider's extras and a layer's are reachable through it (``client.adapter.pull()``)."""
        return Stack(self._adapter)

    def invalidate_cache(self) -> bool:
        """Forget cached model lists and responses (False if this client caches nothing), in
        every process sharing the cache (``cache.shared``; ``specs/scaling.md``)."""
        from llm_core.resilience.cache.invalidate import invalidate_cache

        return invalidate_cache(self._adapter)

    @property
    def provider(self) -> str:
        """The primary provider's name."""
        return self.settings.provider

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(provider={self.settings.provider!r}, "
            f"model={self.settings.model!r})"
        )

    def _request(
        self, prompt: Prompt | Request, images: Iterable[Any] | None, fields: dict[str, Any]
    ) -> Request:
        if isinstance(prompt, Request):
            given = sorted(k for k, v in fields.items() if v is not None) if fields else []
            if given or images:
                raise ValidationError(
                    f"{(given or ['images'])[0]!r} was passed beside a Request and would be lost",
                    hint="Set it on the Request instead: Request(messages, model=..., ...).",
                )
            return prompt
        if not _REQUEST_FIELDS.issuperset(fields):
            unknown = set(fields) - _REQUEST_FIELDS
            raise ValidationError(
                f"unknown request field {sorted(unknown)[0]!r}",
                hint="Request fields: " + ", ".join(sorted(_REQUEST_FIELDS)) + ".",
            )
        messages: Any = prompt  # the Request turns it into Messages (once)
        if images is not None:
            images = image_list(images)
        if images:
            messages = coerce_messages(prompt)
            last = messages[-1]
            if last.role != "user":
                messages.append(Message.user("", images))
            else:
                messages[-1] = Message.user(last.text, [*last.images, *images])
        for value in fields.values():  # a field passed as None means "not set"
            if value is None:
                fields = {k: v for k, v in fields.items() if v is not None}
                break
        return Request(messages, **fields)

    def _call(self, operation: str, request: Request | None = None, stream: bool = False) -> Call:
        settings = self.settings
        total = settings.timeouts.total
        call = Call(  # positional, in the field order: once per call, keywords cost more
            operation,
            settings.provider,  # provider
            (request.model if request is not None else None) or settings.model,  # model
            request,
            stream,
            None if total is None else time.monotonic() + total,  # deadline
        )
        call.observed = self._observer.watching  # asked once, for the whole call
        return call

    def _observed(self, call: Call, flow: Flow[Any]) -> Flow[Any]:
        """``flow`` (the adapter call) between the call-start and call-end hooks; ``flow``
        itself while no plugin observes the call (no frame added)."""
        return self._watched(call, flow) if call.observed else flow

    def _watched(self, call: Call, flow: Flow[Any]) -> Flow[Any]:
        obs = self._observer
        obs.emit("llm_core_on_call_start", call=call)
        try:
            result = yield from flow
        except BaseException as exc:
            obs.emit("llm_core_on_call_end", call=call, response=None, error=exc)
            raise
        response = result if isinstance(result, Response | Embeddings) else None
        obs.emit("llm_core_on_call_end", call=call, response=response, error=None)
        return result

    def _generate(self, prompt: Any, images: Any, fields: dict[str, Any]) -> Flow[Response]:
        request = self._request(prompt, images, fields)
        if request.tools:
            refuse_tools_direct(self, request)
        call = self._call("chat", request)
        remote = _remote_images(request)
        if remote:  # fetched here, within the deadline (awaited on AsyncClient)
            yield from self._fetch_flow(remote, call)
        # the outermost layer's flow runs inline: one driver for client and layers
        flow = Layer.generate_of(self._adapter, request, call)
        return (yield from self._observed(call, flow))

    def _fetch_flow(self, remote: list[Any], call: Call) -> Flow[None]:
        from llm_core.image_fetch import fetch_flow

        return fetch_flow(remote, self.settings.images, call.deadline, self._is_async)

    def _stream(self, prompt: Any, images: Any, fields: dict[str, Any]) -> tuple[Any, Call, Any]:
        request = self._request(prompt, images, fields)
        if request.tools:
            refuse_tools_direct(self, request)
        call = self._call("chat", request, stream=True)
        remote = _remote_images(request)
        if remote and not self._is_async:
            run(self._fetch_flow(remote, call))
        obs = self._observer if call.observed else None
        if obs is not None:
            obs.emit("llm_core_on_call_start", call=call)
        events = self._adapter.stream(request, call)
        if remote and self._is_async:  # fetched on the event loop when the stream opens
            from llm_core.image_fetch import after_fetching

            events = after_fetching(self._fetch_flow(remote, call), events)
        return events, call, obs

    def _list_models(self) -> Flow[list[ModelInfo]]:
        call = self._call("models")
        return (yield from self._observed(call, once(lambda: self._adapter.list_models(call))))

    def _embed(self, texts: Any, fields: dict[str, Any]) -> Flow[Any]:
        from llm_core.embeddings.plan import job_flow

        return (yield from job_flow(self, texts, fields))

    def _health_check(self) -> Flow[Health]:
        call = self._call("health")
        return (yield from self._observed(call, once(self._adapter.health_check)))


def _remote_images(request: Request) -> list[Any]:
    for m in request.messages:  # a loop, not all(): the usual case finds only text
        if type(m.content) is not str:
            break
    else:
        return []  # no image, so nothing to fetch (and no import)
    from llm_core.image_fetch import remote_images

    return remote_images(request)


DOC_ARGS = """
        :param prompt: a prompt string, a Message, a dict, a list of these, or a Request.
        :param images: images for the last user message (paths, bytes, URLs, data URLs).
        :param model: the model (default: the configured one).
        :param temperature, max_tokens, top_p, stop, seed: sampling settings.
        :param response_format: a JSON schema the answer must follow.
        :param options: provider-specific options (validated by the provider).
"""

EMBED_DOC = """
        :param texts: one string, or a list of strings (one vector each, in order).
        :param model: the embedding model (default: the configured one).
        :param dimensions: shorter vectors, where the model and server support it.
        :param truncate: let the server cut an over-long input (False: ContextLengthError).
        :param keep_alive: Ollama's keep_alive for the model.
        :param batch_size: inputs per request (default 64).
        :param concurrency: batches in flight at once (AsyncClient only; default 4).
        :param progress: ``progress(done, total)`` after each batch.
        :returns: :class:`~llm_core.Embeddings` (``specs/embeddings.md``).
"""
