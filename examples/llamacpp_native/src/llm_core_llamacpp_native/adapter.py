"""The ``llamacpp`` adapters: llama.cpp server's native /health, /props and /completion.

Written as a third party would, against ``llm_core``'s public API only: the core's HTTP toolkit
(``SyncHTTP`` / ``AsyncHTTP``: pooled client, deadlines, typed errors, streaming loop) and
``StreamText`` (the stream accumulator) leave only the protocol to write.
"""

import json
import time
from contextlib import aclosing

import httpx2

import llm_core as lc


class CompletionStream(lc.StreamText):
    """``/completion`` SSE events: ``content`` pieces, then one event with ``stop: true``."""

    __slots__ = ("last",)
    last: dict | None

    def feed(self, line: str):
        data = json.loads(line[6:]) if line.startswith("data: ") else None
        if data and data["stop"]:
            self.last = data
        return self.emit(data["content"], "") if data and not data["stop"] else None

    def finish(self):
        if getattr(self, "last", None) is None:
            raise self.broken("llama.cpp ended the stream before its last event")
        usage = lc.Usage(self.last["tokens_evaluated"], self.last["tokens_predicted"])
        reason = "length" if self.last["stop_type"] == "limit" else "stop"
        return self.done(model=self.last["model"], finish_reason=reason, usage=usage)


class LlamaCppProtocol(lc.HTTPBase):
    """Sans-IO: the request body, the served model check, the answers."""

    provider = "llamacpp"
    default_base_url = "http://127.0.0.1:8080"

    def body(self, request: lc.Request, props: dict) -> dict:
        model = self.model_for(request)
        if model not in (None, props["model_alias"]):
            raise lc.ModelNotFoundError(
                f"unknown model {model!r}; this server runs {props['model_alias']!r}",
                provider=self.provider,
                model=model,
            )
        self.options_for(request)  # this provider takes no options: any is an error naming it
        fields = {
            "n_predict": request.max_tokens,
            "temperature": request.temperature,
            "top_p": request.top_p,
            "seed": request.seed,
            "stop": request.stop,
        }
        prompt = "".join(f"{m.role}: {m.text}\n" for m in request.messages) + "assistant:"
        return {
            "prompt": prompt,
            "stream": True,
            **{k: v for k, v in fields.items() if v is not None},
        }

    def models(self, props: dict) -> list:
        n_ctx = props["default_generation_settings"]["n_ctx"]
        return [lc.ModelInfo(props["model_alias"], self.provider, context_length=n_ctx)]

    def health(self, answer) -> lc.Health:
        if isinstance(answer, lc.LLMError):
            return lc.Health(False, self.provider, detail=answer.message)
        return lc.Health(answer.get("status") == "ok", self.provider)


class LlamaCppAdapter(LlamaCppProtocol, lc.SyncHTTP, lc.Adapter):
    """Synchronous adapter."""

    def __init__(self, config: lc.ProviderConfig) -> None:
        lc.Adapter.__init__(self, config)
        self.open_http()

    def generate(self, request, *, deadline=None):
        *_, last = self.stream(request, deadline=deadline)
        return last.response

    def stream(self, request, *, deadline=None):
        body = self.body(request, self.request_json("GET", "/props", deadline=deadline))
        parser = CompletionStream(self.provider, self.model_for(request), time.perf_counter())
        return self.stream_events(
            "/completion",
            body=body,
            model=parser.model,
            deadline=deadline,
            parser=parser,
            lines=httpx2.Response.iter_lines,
        )

    def list_models(self):
        return self.models(self.request_json("GET", "/props"))

    def health_check(self):
        try:
            return self.health(self.request_json("GET", "/health"))
        except lc.LLMError as exc:
            return self.health(exc)


class AsyncLlamaCppAdapter(LlamaCppProtocol, lc.AsyncHTTP, lc.AsyncAdapter):
    """Asynchronous twin."""

    def __init__(self, config: lc.ProviderConfig) -> None:
        lc.AsyncAdapter.__init__(self, config)
        self.open_http()

    async def generate(self, request, *, deadline=None):
        async for event in self.stream(request, deadline=deadline):
            last = event
        return last.response

    async def stream(self, request, *, deadline=None):
        body = self.body(request, await self.request_json("GET", "/props", deadline=deadline))
        parser = CompletionStream(self.provider, self.model_for(request), time.perf_counter())
        events = self.stream_events(
            "/completion",
            body=body,
            model=parser.model,
            deadline=deadline,
            parser=parser,
            lines=httpx2.Response.aiter_lines,
        )
        async with aclosing(events):  # closing this stream closes the connection at once
            async for event in events:
                yield event

    async def list_models(self):
        return self.models(await self.request_json("GET", "/props"))

    async def health_check(self):
        try:
            return self.health(await self.request_json("GET", "/health"))
        except lc.LLMError as exc:
            return self.health(exc)
