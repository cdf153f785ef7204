"""An Ollama emulator: Ollama's native API (PROTOCOLS.md §1) on a real loopback socket.

Models: ``llama3.2:latest`` (tools), ``llava:7b`` (vision), ``qwen3:0.6b`` (thinking),
``nomic-embed-text:latest`` (embedding only); ``smollm2:135m`` can be pulled. Faithful where
tests rely on it: streams unless ``"stream": false``; NDJSON; integer-nanosecond durations with
zero metrics omitted (a repeated prompt is "cached": no ``prompt_eval_*``; a loaded model: no
``load_duration``); ``done_reason`` stop/length/load/unload; ``{"error": ...}`` bodies with
Ollama's texts and statuses; plain-text ``404 page not found`` / ``405 method not allowed``;
403 with an empty body for a foreign ``Host``; ``llama3.2`` finds ``llama3.2:latest`` and
answers echo the name as sent. ``stream_error_after = N`` ends chat streams with an error line
after N pieces (500 when not streamed); ``words = N`` answers ``w0 w1 ...``; ``answers``: a script
of tool calls and texts (``ollama_tools``). Faults (``server.faults``, tests/support/faults.py)
apply to every route before routing. ``/api/embed`` lives in ``ollama_embed``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from .httpserver import HTTPServer, Reply, Request, dumps
from .ollama_embed import embed
from .ollama_models import (
    bad_base64_offset,
    default_models,
    format_answer,
    full_name,
    host_allowed,
    iso,
    keep_alive_seconds,
    now,
    prompt_tokens,
    pull_steps,
    registry_models,
    text_of,
)
from .ollama_tools import tool_answer

VERSION = "0.33.0"
STREAM_ERROR = "an error was encountered while running the model"
JSON = "application/json; charset=utf-8"
THINK_LEVELS = ("low", "medium", "high", "max")
FLOAT_OPTIONS = ("temperature", "top_p", "min_p", "typical_p", "repeat_penalty")


def error(status: int, message: str) -> Reply:
    return Reply(status, body={"error": message}, content_type=JSON)


class OllamaEmulator(HTTPServer):
    def __init__(self, *, words: int | None = None, tags_capabilities: bool = True) -> None:
        super().__init__(fallback=self.no_route)
        self.models, self.registry = default_models(), registry_models()
        self.words, self.tags_capabilities, self.schemas = words, tags_capabilities, True
        self.stream_error_after, self.answers = None, []  # answers: see ollama_tools
        self.loaded: dict[str, float] = {}  # full name -> expiry (epoch seconds)
        self.last_prompt: dict[str, str] = {}
        for method, path, handler in (
            ("GET", "/", lambda r: "Ollama is running"),
            ("GET", "/api/version", lambda r: Reply(body={"version": VERSION}, content_type=JSON)),
            ("GET", "/api/tags", self.tags), ("GET", "/api/ps", self.ps),
            ("POST", "/api/show", self.show), ("POST", "/api/chat", self.chat),
            ("POST", "/api/pull", self.pull), ("POST", "/api/embed", lambda r: embed(self, r)),
        ):  # fmt: skip
            self.route(method, path)(handler)

    def handle(self, req: Request) -> Reply:
        if not host_allowed(req.headers.get("host") or ""):
            return Reply(403, body=b"")  # gin's AbortWithStatus: no body at all
        return super().handle(req)

    def no_route(self, req: Request) -> Reply:
        if any(path == req.path for _, path in self.routes):
            return Reply(405, body="405 method not allowed")
        return Reply(404, body="404 page not found")

    def find(self, name: str) -> Any:
        return self.models.get(full_name(name))

    def body(self, req: Request) -> dict[str, Any] | Reply:
        if not req.body:
            return error(400, "missing request body")
        try:
            data = json.loads(req.body)
        except ValueError:  # Go's decoder wording, approximated (inferred)
            return error(400, "invalid character looking for beginning of value")
        if not isinstance(data, dict):
            return error(400, "json: cannot unmarshal array into Go value of type api.Request")
        return data

    # ------------------------------------------------------------------ catalogue

    def tags(self, req: Request) -> Reply:
        models = [m.tag(self.tags_capabilities) for m in self.models.values()]
        return Reply(body={"models": models}, content_type=JSON)

    def ps(self, req: Request) -> Reply:
        live = sorted((t, n) for n, t in self.loaded.items() if t > time.time())
        entries = []
        for expiry, name in live:
            m = self.models[name]
            entries.append({**m.tag(False), "expires_at": iso(expiry), "size_vram": m.size,
                            "context_length": min(m.context_length, 4096)})  # fmt: skip
        return Reply(body={"models": entries}, content_type=JSON)

    def show(self, req: Request) -> Reply:
        data = self.body(req)
        if isinstance(data, Reply):
            return data
        name = data.get("model") or data.get("name") or ""
        if not name:
            return error(400, "model is required")
        model = self.find(name)
        return Reply(body=model.show(), content_type=JSON) if model else error(
            404, f"model '{name}' not found")  # fmt: skip

    # ------------------------------------------------------------------ chat

    def chat(self, req: Request) -> Reply:
        data = self.body(req)
        if isinstance(data, Reply):
            return data
        name, messages = data.get("model") or "", data.get("messages") or []
        if not name:
            return error(400, "model is required")
        model = self.find(name)
        if model is None:
            return error(404, f"model '{name}' not found")
        caps = model.capabilities
        if "completion" not in caps:
            return error(400, f'"{name}" does not support chat')
        expiry = keep_alive_seconds(data.get("keep_alive"))
        if expiry is None:
            return error(400, f'time: invalid duration "{data.get("keep_alive")}"')
        if not messages:  # preload / unload (a single object even when streaming)
            reason = "unload" if expiry == 0 else "load"
            self.keep(model.name, expiry)
            return Reply(body={"model": name, "created_at": now(), "message": {
                "role": "assistant", "content": ""}, "done": True, "done_reason": reason},
                content_type=JSON)  # fmt: skip
        if data.get("tools") and "tools" not in caps:  # name prefix UNCERTAIN (PROTOCOLS §1.9)
            return error(400, f"registry.ollama.ai/library/{model.name} does not support tools")
        think = data.get("think")
        if think is not None and not isinstance(think, bool) and think not in THINK_LEVELS:
            return error(400, f'invalid think value: "{think}"')  # exact wording inferred
        if think not in (None, False) and "thinking" not in caps:
            return error(400, f'"{name}" does not support thinking')
        images = [i for m in messages for i in m.get("images") or ()]
        for image in images:
            if (offset := bad_base64_offset(image)) is not None:
                return error(400, f"illegal base64 data at input byte {offset}")
        if images and "vision" not in caps:  # current servers; before ~v0.32 ignored (Reported)
            inner = {"error": {"code": 400, "message": "Multimodal data provided, but model "
                               "does not support multimodal requests.",
                               "type": "invalid_request_error"}}  # fmt: skip
            return error(400, json.dumps(inner))
        fmt = data.get("format")
        if fmt not in (None, "", "json") and not (isinstance(fmt, dict) and self.schemas):  # 500
            return error(500, f'invalid format: {json.dumps(fmt)}; expected "json" or a valid '
                         "JSON Schema object")  # fmt: skip
        options = data.get("options") or {}
        for key in FLOAT_OPTIONS:  # raised while scheduling the runner: 500 (inferred)
            if key in options and not isinstance(options[key], int | float):
                return error(500, f'option "{key}" must be of type float32')
        return self.generate(data, model, images, expiry, "thinking" in caps and think is not False)

    def keep(self, full: str, seconds: float) -> None:
        if seconds == 0:
            self.loaded.pop(full, None)
        else:
            self.loaded[full] = time.time() + seconds

    def generate(self, data: dict, model: Any, images: list, expiry: float, thinking: bool
                 ) -> Reply:  # fmt: skip
        name, messages, fmt = data["model"], data["messages"], data.get("format")
        options, user = data.get("options") or {}, text_of(data["messages"])
        if fmt:
            words = format_answer(fmt).split()  # streamed in pieces; rejoined with spaces
        elif self.words is not None:
            words = [f"w{i}" for i in range(self.words)]
        else:
            seen = f"I see {len(images)} image{'s' * (len(images) != 1)}. " if images else ""
            words = (seen + "echo: " + user).split()
        limit = options.get("num_predict", -1)
        reason = "length" if isinstance(limit, int) and 0 <= limit < len(words) else "stop"
        words = words[:limit] if reason == "length" else words
        thoughts = ("thinking about: " + user).split() if thinking else []
        prompt = json.dumps(messages, sort_keys=True)
        metrics: dict[str, int] = {}
        if model.name not in self.loaded or self.loaded[model.name] < time.time():
            metrics["load_duration"] = 250_000_000
        if self.last_prompt.get(model.name) != prompt:  # else "cached": counts omitted
            count = prompt_tokens(messages)
            metrics |= {"prompt_eval_count": count, "prompt_eval_duration": count * 1_000_000}
        evals = len(words) + len(thoughts)
        metrics |= {"eval_count": evals, "eval_duration": evals * 12_500_000}
        metrics["total_duration"] = sum(v for k, v in metrics.items() if "dur" in k) + 10**6
        self.last_prompt[model.name] = prompt
        self.keep(model.name, expiry)
        final = {"model": name, "created_at": now(), "done": True, "done_reason": reason,
                 **{k: v for k, v in metrics.items() if v}}  # zero metrics are omitted  # fmt: skip
        if (answer := tool_answer(self, data, final | {"done_reason": "stop"})) is not None:
            return answer
        pieces = [("thinking", (" " if i else "") + w) for i, w in enumerate(thoughts)]
        pieces += [("content", (" " if i else "") + w) for i, w in enumerate(words)]
        if data.get("stream", True) is False:
            if self.stream_error_after is not None:
                return error(500, STREAM_ERROR)
            message = {"role": "assistant", "content": "".join(p for k, p in pieces if k ==
                                                                "content")}  # fmt: skip
            if thoughts:
                message["thinking"] = "".join(p for k, p in pieces if k == "thinking")
            return Reply(body={**final, "message": message}, content_type=JSON)
        return Reply(200, {}, self.pieces(name, pieces, final), "application/x-ndjson")

    def pieces(self, name: str, pieces: list, final: dict):
        for i, (kind, text) in enumerate(pieces):
            if self.stream_error_after is not None and i >= self.stream_error_after:
                yield dumps({"error": STREAM_ERROR}) + b"\n"
                return
            message = {"role": "assistant", "content": ""} | {kind: text}
            yield dumps({"model": name, "created_at": now(), "message": message,
                         "done": False}) + b"\n"  # fmt: skip
        yield dumps({**final, "message": {"role": "assistant", "content": ""}}) + b"\n"

    # ------------------------------------------------------------------ pull

    def pull(self, req: Request) -> Reply:
        data = self.body(req)
        if isinstance(data, Reply):
            return data
        name = data.get("model") or data.get("name") or ""
        if not name:
            return error(400, "invalid model name")  # wording inferred
        model = self.registry.get(full_name(name)) or self.find(name)
        steps = pull_steps(model)
        if model is not None:
            self.models[model.name] = model
        if data.get("stream", True) is False:  # status of a failed pull inferred
            last = steps[-1]
            return error(500, last["error"]) if "error" in last else Reply(
                body=last, content_type=JSON)  # fmt: skip
        return Reply(200, {}, (dumps(s) + b"\n" for s in steps), "application/x-ndjson")
