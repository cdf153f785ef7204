"""An LM Studio server emulator for what only LM Studio has (PROTOCOLS.md §3), on a real socket.

Routes: ``GET /v1/models`` (every downloaded model with JIT on, else only loaded ones),
``GET /api/v0/models`` and ``/api/v0/models/{id}`` (the models of :mod:`.lmstudio_models`), ``POST
/v1/chat/completions`` and ``/api/v0/chat/completions`` (stream or not; a non-streamed v0 answer
adds ``stats`` in seconds, ``model_info``, ``runtime``). ``native=False`` plays LM Studio before
0.3.6 (no ``/api/v0``). Unknown path or method: **200** ``{"error": "Unexpected endpoint ..."}``.
Answer: ``"echo: <last user text>"`` (+ ``"[N images]"``) in words, cut to ``max_tokens``.

Errors in LM Studio's reported shapes: 401 ``invalid_api_key`` object (``token`` set, Bearer
missing or wrong); ``No models loaded`` (string, or object with ``error_style="object"``) with
JIT off; ``Invalid model identifier`` object with ``code: model_not_found``; json_object
rejected; non PNG/JPEG data URL; images to a non-vlm model; ``crash_next`` (model unloaded);
prompt over the loaded context (status ``overflow_status``: 400, or 200 as in 0.4.21);
``stream_error_after=N``: an error payload after N deltas, no ``[DONE]``. Tools: ``answers``
(a script, ``lmstudio_tools``). JIT: an unloaded
model loads on request (after ``load_seconds``; ``loads`` records it), auto-evicting earlier
JIT loads. Inferred, not reported: the wrong-token wording, the 404 of an unknown
``/api/v0/models/{id}``, "Invalid model identifier" for an unloaded model with JIT off.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from .httpserver import HTTPServer, Reply, Request, sse_reply
from .lmstudio_embed import embeddings
from .lmstudio_models import Model, default_models, native_stats
from .lmstudio_tools import refused_choice, tool_reply
from .ollama_models import format_answer

UNEXPECTED = "Unexpected endpoint or method. ({} {})"
NO_MODELS = (
    "No models loaded. Please load a model in the developer page or use the 'lms load' command."
)
NO_TOKEN = (
    "An LM Studio API token is required to make requests to this server, but none was "
    "provided using the Authorization header using the 'Bearer' scheme."
)
BAD_TOKEN = "The provided LM Studio API token is invalid."
INVALID_MODEL = 'Invalid model identifier "{}". Please specify a valid downloaded model (e.g., {}).'
JSON_OBJECT = "'response_format.type' must be 'json_schema' or 'text'"
BAD_IMAGE = "'url' field must be a base64 encoded image."
NO_VISION = "Model does not support images. Please use a model that does."
CRASHED = "The model has crashed without additional information. (Exit code: 18446744072635812000)"
OVERFLOW = (
    "Trying to keep the first {} tokens when context the overflows. However, the model is loaded "
    "with context length of only {} tokens, which is not enough. Try to load the model with a "
    "larger context length, or provide a shorter input"
)


def text_of(content: Any) -> str:
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if p.get("type") == "text")
    return content if isinstance(content, str) else ""


class LMStudioEmulator(HTTPServer):
    def __init__(self, models: list[Model] | None = None, *, token: str | None = None,
                 jit: bool = True, native: bool = True, error_style: str = "string",
                 load_seconds: float = 0.0, **kwargs: Any) -> None:  # fmt: skip
        kwargs.setdefault("fallback", self.unexpected)
        super().__init__(**kwargs)
        self.models = {m.id: m for m in (default_models() if models is None else models)}
        self.token, self.jit, self.native, self.error_style = token, jit, native, error_style
        self.load_seconds, self.loads, self.ttls = load_seconds, [], {}
        self.crash_next, self.overflow_status = False, 400
        self.stream_error_after: int | None = None
        self.answers: list = []  # a script of tool calls and texts: see lmstudio_tools
        self.ids = itertools.count(1)
        self.route("GET", "/v1/models")(self.v1_models)
        self.route("POST", "/v1/chat/completions")(lambda req: self.chat(req, v0=False))
        self.route("POST", "/v1/embeddings")(lambda req: embeddings(self, req))  # lmstudio_embed
        if native:
            self.route("GET", "/api/v0/models")(self.v0_models)
            self.route("POST", "/api/v0/chat/completions")(lambda req: self.chat(req, v0=True))

    def handle(self, req: Request) -> Reply:
        if self.token is not None:
            auth = req.headers.get("authorization") or ""
            if auth != f"Bearer {self.token}":
                err = {"type": "invalid_request", "code": "invalid_api_key"}
                err["message"] = BAD_TOKEN if auth else NO_TOKEN
                return Reply(401, body={"error": err})
        if self.native and req.method == "GET" and req.path.startswith("/api/v0/models/"):
            return self.v0_model(req.path.removeprefix("/api/v0/models/"))
        return super().handle(req)

    def unexpected(self, req: Request) -> Reply:
        return Reply(200, body={"error": UNEXPECTED.format(req.method, req.path)})

    def plain(self, message: str, status: int = 400) -> Reply:
        if self.error_style == "object":
            return Reply(status, body={"error": {"message": message}})
        return Reply(status, body={"error": message})

    def invalid_model(self, name: str) -> Reply:
        example = next(iter(self.models), "qwen2.5-7b-instruct")
        err = {"message": INVALID_MODEL.format(name, example), "type": "invalid_request_error"}
        return Reply(400, body={"error": err | {"param": "model", "code": "model_not_found"}})

    def loaded(self) -> list[Model]:
        return [m for m in self.models.values() if m.state == "loaded"]

    def v1_models(self, req: Request) -> Reply:
        shown = self.models.values() if self.jit else self.loaded()
        data = [{"id": m.id, "object": "model", "owned_by": "organization_owner"} for m in shown]
        return Reply(200, body={"data": data, "object": "list"})

    def v0_models(self, req: Request) -> Reply:
        return Reply(200, body={"object": "list", "data": [m.v0() for m in self.models.values()]})

    def v0_model(self, name: str) -> Reply:
        from urllib.parse import unquote

        model = self.models.get(unquote(name))
        if model is None:
            return Reply(404, body={"error": f'Model "{unquote(name)}" not found'})
        return Reply(200, body=model.v0())

    def load(self, model: Model) -> None:
        for other in self.loaded():  # auto-evict: at most one JIT-loaded model
            if other.jit_loaded:
                other.state, other.jit_loaded = "not-loaded", False
        self.stopping.wait(self.load_seconds)
        model.state, model.jit_loaded = "loaded", True
        self.loads.append(model.id)

    def resolve(self, name: Any) -> Model | Reply:
        if name is None:
            loaded = [m for m in self.loaded() if m.type in ("llm", "vlm")]
            return loaded[0] if loaded else self.plain(NO_MODELS)
        model = self.models.get(name) if isinstance(name, str) else None
        if model is None:
            return self.invalid_model(str(name))
        if model.state != "loaded":
            if not self.jit:
                return self.invalid_model(name) if self.loaded() else self.plain(NO_MODELS)
            self.load(model)
        return model

    def chat(self, req: Request, v0: bool) -> Reply:
        started = time.perf_counter()
        body = req.json()
        if (body.get("response_format") or {}).get("type") not in (None, "json_schema", "text"):
            return Reply(400, body={"error": JSON_OBJECT})
        model = self.resolve(body.get("model"))
        if isinstance(model, Reply):
            return model
        if body.get("ttl") is not None:
            self.ttls[model.id] = body["ttl"]
        messages = body.get("messages") or []
        parts = [p for m in messages if isinstance(m.get("content"), list) for p in m["content"]]
        images = [p["image_url"]["url"] for p in parts if p.get("type") == "image_url"]
        if images and model.type != "vlm":
            return self.plain(NO_VISION)
        if any(not u.startswith(("data:image/png;base64,", "data:image/jpeg;base64,"))
               for u in images):  # fmt: skip
            return self.plain(BAD_IMAGE)
        if (refused := refused_choice(body, model)) is not None:
            return refused
        if self.crash_next:
            self.crash_next, model.state = False, "not-loaded"
            return self.plain(CRASHED)
        prompt = sum(len(text_of(m.get("content")).split()) for m in messages)
        if prompt > model.loaded_context_length:
            return self.plain(OVERFLOW.format(prompt, model.loaded_context_length),
                              self.overflow_status)  # fmt: skip
        users = [m for m in messages if m.get("role") == "user"]
        answer = self.answers.pop(0) if self.answers else None
        base = {"id": f"chatcmpl-{next(self.ids)}", "created": int(time.time()),
                "model": model.id, "system_fingerprint": model.id}  # fmt: skip
        if isinstance(answer, list):
            stats = native_stats(model, body, 1, "toolCalls", 0.0) if v0 else {}
            return tool_reply(base | stats, answer, body)
        words = ("echo: " + (text_of(users[-1].get("content")) if users else "")).split()
        words = answer.split() if answer is not None else words
        words += [f"[{len(images)} images]"] if images else []
        schema = ((body.get("response_format") or {}).get("json_schema") or {}).get("schema")
        if schema is not None:  # LM Studio constrains the answer to the schema
            words = format_answer(schema).split()
        limit = body.get("max_tokens")
        cut = isinstance(limit, int) and 0 <= limit < len(words)
        words = words[:limit] if cut else words
        finish, stop = ("length", "maxPredictedTokensReached") if cut else ("stop", "eosFound")
        n = len(words)
        usage = {"prompt_tokens": prompt, "completion_tokens": n, "total_tokens": prompt + n}
        if body.get("stream"):
            include = (body.get("stream_options") or {}).get("include_usage")
            return sse_reply(self.chunks(base, words, finish, usage if include else None),
                             done=self.stream_error_after is None)  # fmt: skip
        message = {"role": "assistant", "content": " ".join(words)}
        choice = {"index": 0, "logprobs": None, "finish_reason": finish, "message": message}
        out = base | {"object": "chat.completion", "choices": [choice], "usage": usage}
        if v0:
            out |= native_stats(model, body, n, stop, time.perf_counter() - started)
        return Reply(200, body=out)

    def chunks(self, base: dict, words: list[str], finish: str, usage: dict | None):
        def chunk(delta: dict, finish_reason: str | None = None) -> dict:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
            return base | {"object": "chat.completion.chunk", "choices": [choice]}

        yield chunk({"role": "assistant"})
        for i, word in enumerate(words):
            if i == self.stream_error_after:
                yield {"error": {"message": CRASHED, "type": "server_error"}}
                return
            yield chunk({"content": word if i == 0 else " " + word})
        yield chunk({}, finish)
        if usage is not None:
            yield base | {"object": "chat.completion.chunk", "choices": [], "usage": usage}
