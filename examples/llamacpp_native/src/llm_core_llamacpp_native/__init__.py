"""llm-core provider ``llamacpp``: llama.cpp server's native /health, /props and /completion.

Written as a third party would, against ``llm_core``'s public API only. This module is the entry
point; it imports nothing the core does not import already.
"""

import asyncio
import json
import time
from contextlib import contextmanager

import httpx2

import llm_core as lc


class LlamaCppAdapter(lc.Adapter):
    """Synchronous adapter: one pooled httpx2 client; every failure mapped to llm_core errors."""

    provider = "llamacpp"

    def __init__(self, config: lc.ProviderConfig) -> None:
        super().__init__(config)
        key = config.api_key.get_secret_value() if config.api_key else None
        self.http = httpx2.Client(
            base_url=config.base_url or "http://127.0.0.1:8080",
            headers={"Authorization": f"Bearer {key}"} if key else {},
        )

    def _timeout(self, deadline: float | None) -> httpx2.Timeout:
        t = self.config.timeouts  # shortened to what is left of the call's deadline
        left = t.read if deadline is None else max(deadline - time.monotonic(), 0.001)
        return httpx2.Timeout(min(t.read, left), connect=min(t.connect, left))

    @contextmanager
    def _errors(self):
        try:
            yield
        except httpx2.HTTPStatusError as exc:
            status = exc.response.status_code
            kind = lc.ServerError if status >= 500 else lc.ValidationError
            raise kind(
                f"llama.cpp answered {status}", provider=self.provider, status_code=status
            ) from None
        except httpx2.HTTPError as exc:
            timeout = isinstance(exc, httpx2.TimeoutException)
            kind = lc.TimeoutError if timeout else lc.ConnectionError
            raise kind(
                f"llama.cpp at {self.http.base_url}: {type(exc).__name__}",
                provider=self.provider,
                url=str(self.http.base_url),
            ) from None

    def _get(self, path: str, deadline: float | None = None) -> dict:
        with self._errors():
            r = self.http.get(path, timeout=self._timeout(deadline))
            return r.raise_for_status().json()

    def generate(self, request, *, deadline=None):
        *_, last = self.stream(request, deadline=deadline)
        return last.response

    def stream(self, request, *, deadline=None):
        model, served = self.model_for(request), self._get("/props", deadline)["model_alias"]
        if model not in (None, served):
            raise lc.ModelNotFoundError(
                f"unknown model {model!r}; this server runs {served!r}",
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
        fields = {k: v for k, v in fields.items() if v is not None}
        body = {"prompt": prompt, "stream": True, **fields}
        parts, started, done = [], time.perf_counter(), False
        with (
            self._errors(),
            self.http.stream(
                "POST", "/completion", json=body, timeout=self._timeout(deadline)
            ) as r,
        ):
            for line in r.raise_for_status().iter_lines():
                data = json.loads(line[6:]) if line.startswith("data: ") else None
                if data and not data["stop"]:
                    parts.append(data["content"])
                    yield lc.StreamEvent(data["content"])
                elif data:
                    done = True
                    yield lc.StreamEvent(
                        done=True,
                        response=lc.Response(
                            "".join(parts),
                            data["model"],
                            self.provider,
                            "length" if data["stop_type"] == "limit" else "stop",
                            lc.Usage(data["tokens_evaluated"], data["tokens_predicted"]),
                            latency=time.perf_counter() - started,
                        ),
                    )
        if not done:
            raise lc.GenerationError(
                "llama.cpp ended the stream before its last event",
                provider=self.provider,
                partial_text="".join(parts),
            )

    def list_models(self):
        props = self._get("/props")
        n_ctx = props["default_generation_settings"]["n_ctx"]
        return [lc.ModelInfo(props["model_alias"], self.provider, context_length=n_ctx)]

    def health_check(self):
        try:
            return lc.Health(self._get("/health")["status"] == "ok", self.provider)
        except lc.LLMError as exc:
            return lc.Health(False, self.provider, detail=exc.message)

    def close(self):
        self.http.close()


class AsyncLlamaCppAdapter(lc.AsyncAdapter):
    """Asynchronous twin: runs the sync adapter's calls in worker threads."""

    provider = "llamacpp"

    def __init__(self, config: lc.ProviderConfig) -> None:
        super().__init__(config)
        self.sync = LlamaCppAdapter(config)

    async def generate(self, request, *, deadline=None):
        return await asyncio.to_thread(self.sync.generate, request, deadline=deadline)

    async def stream(self, request, *, deadline=None):
        events = self.sync.stream(request, deadline=deadline)
        try:
            while (event := await asyncio.to_thread(next, events, None)) is not None:
                yield event
        finally:  # closing the stream early closes the HTTP response at once
            await asyncio.to_thread(events.close)

    async def list_models(self):
        return await asyncio.to_thread(self.sync.list_models)

    async def health_check(self):
        return await asyncio.to_thread(self.sync.health_check)

    async def aclose(self):
        self.sync.close()


@lc.hookimpl
def llm_core_register_providers(register):
    """Register ``llamacpp``."""
    register(
        "llamacpp",
        adapter=LlamaCppAdapter,
        async_adapter=AsyncLlamaCppAdapter,
        description="llama.cpp server, native /completion API",
        default_base_url="http://127.0.0.1:8080",
    )
