"""The ``llamacpp`` provider: llama.cpp server's native /props and /completion, as one protocol.

Written as a third party would, against llm-core's author API only: the protocol holds the
request body, the SSE event shape and the answers; the core provides the sync and async adapters,
generate (the stream run to its end) and the health probe (the model list).
"""

import json
import time

from llm_core import ModelInfo, ModelNotFoundError, Request, Usage
from llm_core.http import HTTPProtocol, StreamText


class CompletionStream(StreamText):
    """``/completion`` SSE events: ``content`` pieces, then one event with ``stop: true``."""

    __slots__ = ("last",)

    def feed(self, line: str):
        data = json.loads(line[6:]) if line.startswith("data: ") else None
        if data and data["stop"]:
            self.last = data
        return self.emit(data["content"]) if data and not data["stop"] else None

    def finish(self):
        last = getattr(self, "last", None)
        if last is None:
            raise self.broken("llama.cpp ended the stream before its last event")
        usage = Usage(last["tokens_evaluated"], last["tokens_predicted"])
        reason = "length" if last["stop_type"] == "limit" else "stop"
        return self.done(model=last["model"], finish_reason=reason, usage=usage)


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
