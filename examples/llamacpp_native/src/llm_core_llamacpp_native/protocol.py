"""The ``llamacpp`` provider: llama.cpp server's native /props and /completion, as one protocol.

Written as a third party would, against llm-core's author API only: the protocol holds the
request body, the SSE event shape and the answers; the core provides the sync and async adapters,
generate (the stream run to its end) and the health probe (the model list).
"""

import json
import time

from llm_core import ModelInfo, ModelNotFoundError, Request, Usage
from llm_core.http import HTTPProtocol, StreamText, WrongShape, count_of, object_of, text_of


class CompletionStream(StreamText):
    """``/completion`` SSE events: ``content`` pieces, then one event with ``stop: true``."""

    __slots__ = ("last",)

    def feed(self, line: str):
        if not line.startswith("data: "):
            return None
        try:
            data = object_of(json.loads(line[6:]), "event")
            if data.get("stop") is not True:
                return self.emit(text_of(data.get("content"), "content"))
            self.last = data  # the last event: timings, counts, why it stopped
        except (ValueError, WrongShape) as exc:
            raise self.broken(f"unreadable event: {exc}") from None

    def finish(self):
        last = getattr(self, "last", None)
        if last is None:
            raise self.broken("llama.cpp ended the stream before its last event")
        try:
            tokens = [count_of(last.get(k), k) for k in ("tokens_evaluated", "tokens_predicted")]
            model = text_of(last.get("model"), "model")
        except WrongShape as exc:
            raise self.broken(f"unreadable last event: {exc}") from None
        reason = "length" if last.get("stop_type") == "limit" else "stop"
        return self.done(model=model or self.model, finish_reason=reason, usage=Usage(*tokens))


class LlamaCppProtocol(HTTPProtocol):
    """llama.cpp server's native API."""

    provider = "llamacpp"
    default_base_url = "http://127.0.0.1:8080"

    def stream_flow(self, request: Request, deadline):
        props = yield self.request_json("GET", "/props", deadline=deadline)
        model = self.model_for(request)
        if model not in (None, props["model_alias"]):
            raise ModelNotFoundError(
                f"unknown model {model!r}; this server runs {props['model_alias']!r}",
                provider=self.provider,
                model=model,
            )
        self.options_for(request)  # this provider takes no options: any is an error naming it
        fields = {"n_predict": request.max_tokens, "temperature": request.temperature}
        fields |= {"top_p": request.top_p, "seed": request.seed, "stop": request.stop}
        prompt = "".join(f"{m.role}: {m.text}\n" for m in request.messages) + "assistant:"
        body = {"prompt": prompt, "stream": True}
        body |= {k: v for k, v in fields.items() if v is not None}
        parser = CompletionStream(self.provider, model, time.perf_counter())
        return self.sse("/completion", body, parser, model=model, deadline=deadline)

    def list_models_flow(self):
        props = yield self.request_json("GET", "/props")
        n_ctx = props["default_generation_settings"]["n_ctx"]
        return [ModelInfo(props["model_alias"], self.provider, context_length=n_ctx)]
