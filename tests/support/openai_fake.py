"""An OpenAI-compatible fake backend, shaped like llama.cpp's ``llama-server``.

    with OpenAIFake() as server:
        httpx2.post(server.url + "/v1/chat/completions", json={"messages": [...]})

The answer is deterministic: ``"echo: " + <text of the last user message>``, split on
whitespace and cut to ``max_tokens`` (or ``max_completion_tokens``/``n_predict``) words, with
finish_reason "length" when cut, else "stop". A request field ``"words": N`` (or
``OpenAIFake(words=N)``) answers ``"w0 w1 ... w<N-1>"`` instead, e.g. 1000 stream chunks for a
benchmark. ``"stream": true`` gives SSE chunks like llama.cpp's: a role delta
(``{"role": "assistant", "content": null}``), one content delta per word (" w" after the first,
so the deltas join to the full text), a finish chunk (empty delta, finish_reason), a usage
chunk (``choices: []``) when ``stream_options.include_usage``, then ``data: [DONE]``.
Token counts are whitespace words: prompt = words of all message texts.

Errors: no ``messages`` -> 400, an unknown model with ``strict_models`` -> 404, a body that is
not JSON -> 500 ``server_error`` (as llama.cpp), an unknown route -> llama.cpp's 404 "File Not
Found". With ``api_key`` set, a missing or wrong ``Authorization: Bearer`` -> 401 (OpenAI's
body; llama.cpp says ``{"code":401,"message":"Invalid API Key","type":"authentication_error"}``)
except on llama.cpp's public paths (``/health``, ``/v1/health``, ``/models``, ``/v1/models``).
Structured output: a ``json_schema`` response format is answered with a JSON value of the schema
(``format_answer``), ``json_object`` with ``{"answer": "echo"}``; ``refuse_schemas=True`` answers
``json_schema`` with a 400 as servers without schema support do (``refused_formats``: the
response-format types answered so, e.g. also ``json_object`` for a server without JSON mode).
``server.answers`` is a script: while it has items, each chat call answers the next one (its
whitespace words), whatever else; an item that is a list of (name, arguments) answers with
those tool calls (``finish_reason: "tool_calls"``, arguments as JSON strings). Streamed, as
OpenAI streams them: a role delta, then per call a head delta (``index``, ``id``, ``type``,
``function.name``, empty ``arguments``) and the arguments cut into ``arg_piece``-character
fragments, then a finish chunk with an empty delta; OpenAI sends parallel calls one after the
other, ``interleave_calls=True`` alternates their fragments by index instead (as other servers
do).
Faults (``server.faults``) apply to every route, before the auth check.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from typing import Any

from .httpserver import HTTPServer, Reply, Request, sse_reply
from .ollama_models import format_answer

PUBLIC_PATHS = frozenset({"/health", "/v1/health", "/models", "/v1/models", "/api/tags"})
FINGERPRINT = {"system_fingerprint": "b0-llm-core-fake"}


def error(status: int, message: str, kind: str, **extra: Any) -> Reply:
    return Reply(
        status, body={"error": {"code": status, "message": message, "type": kind, **extra}}
    )


def text_of(content: Any) -> str:
    """Message content as text: a string, or the text parts of a list of content parts."""
    if isinstance(content, list):
        parts = (
            p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text"
        )
        return " ".join(parts)
    return content if isinstance(content, str) else ""


class OpenAIFake(HTTPServer):
    def __init__(
        self,
        *,
        models: tuple[str, ...] = ("fake-model",),
        api_key: str | None = None,
        strict_models: bool = False,
        words: int | None = None,
        refuse_schemas: bool = False,
        interleave_calls: bool = False,
        arg_piece: int = 5,
        public_paths: frozenset[str] = PUBLIC_PATHS,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("fallback", lambda req: error(404, "File Not Found", "not_found_error"))
        super().__init__(**kwargs)
        self.models, self.api_key, self.strict_models = list(models), api_key, strict_models
        self.words, self.public_paths, self._ids = words, public_paths, itertools.count(1)
        self.refused_formats, self.answers = {"json_schema"} if refuse_schemas else set(), []
        self.interleave_calls, self.arg_piece = interleave_calls, arg_piece
        for path in ("/health", "/v1/health"):
            self.route("GET", path)(lambda req: Reply(body={"status": "ok"}))
        for path in ("/models", "/v1/models"):
            self.route("GET", path)(self.list_models)
        for path in ("/chat/completions", "/v1/chat/completions"):
            self.route("POST", path)(self.chat_completions)

    def handle(self, req: Request) -> Reply:
        auth = req.headers.get("authorization", "")
        if self.api_key and req.path not in self.public_paths and auth != f"Bearer {self.api_key}":
            body = {"message": "Invalid API key", "type": "invalid_request_error"}
            return Reply(401, body={"error": {**body, "code": "invalid_api_key"}})
        return super().handle(req)

    def list_models(self, req: Request) -> Reply:
        card = {"object": "model", "created": 0, "owned_by": "llm-core-tests"}
        data = [{"id": m, **card} for m in self.models]
        return Reply(body={"object": "list", "data": data})

    def answer(self, body: dict[str, Any]) -> tuple[list[str], str]:
        """The answer's words and its finish_reason."""
        n = body.get("words", self.words)
        fmt = body.get("response_format") or {}
        if self.answers:
            words = self.answers.pop(0).split()
        elif fmt.get("type") == "json_schema":
            words = format_answer(fmt["json_schema"]["schema"]).split()
        elif fmt.get("type") == "json_object":
            words = format_answer("json").split()
        elif n is not None:
            words = [f"w{i}" for i in range(int(n))]
        else:
            users = [m for m in body["messages"] if isinstance(m, dict) and m.get("role") == "user"]
            words = ("echo: " + (text_of(users[-1].get("content")) if users else "")).split()
        limits = (body.get(k) for k in ("max_tokens", "max_completion_tokens", "n_predict"))
        limit = next((v for v in limits if isinstance(v, int) and v >= 0), None)
        if limit is not None and limit < len(words):
            return words[:limit], "length"
        return words, "stop"

    def chat_completions(self, req: Request) -> Reply:
        try:
            body = req.json()
        except ValueError as exc:
            return error(500, f"[json.exception.parse_error] {exc}", "server_error")
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return error(400, "'messages' is required", "invalid_request_error")
        if (kind := (body.get("response_format") or {}).get("type")) in self.refused_formats:
            message = f"response_format.type '{kind}' is not supported"
            return error(400, message, "invalid_request_error")
        model = body.get("model") or self.models[0]
        if self.strict_models and model not in self.models:
            message = f"model '{model}' not found"
            return Reply(404, body={"error": {"message": message, "type": "not_found_error"}})
        if self.answers and isinstance(self.answers[0], list):
            return self.tool_reply(model, self.answers.pop(0), body)
        words, finish = self.answer(body)
        texts = [text_of(m.get("content")) for m in body["messages"] if isinstance(m, dict)]
        prompt, n = sum(len(t.split()) for t in texts), len(words)
        usage = {"completion_tokens": n, "prompt_tokens": prompt, "total_tokens": prompt + n}
        cid = f"chatcmpl-{next(self._ids):08d}"
        base = {"created": int(time.time()), "id": cid, "model": model, **FINGERPRINT}
        timings = {"prompt_n": prompt, "prompt_ms": 0.0, "predicted_n": n, "predicted_ms": 0.0}
        if body.get("stream"):
            if not (body.get("stream_options") or {}).get("include_usage"):
                usage = None
            return sse_reply(self.chunks(base, words, finish, usage, timings))
        message = {"role": "assistant", "content": " ".join(words)}
        choice = {"finish_reason": finish, "index": 0, "message": message}
        reply = {"choices": [choice], **base, "object": "chat.completion", "usage": usage}
        return Reply(body={**reply, "timings": timings})

    def tool_reply(self, model: str, calls: list[tuple[str, dict]], body: dict) -> Reply:
        """A scripted answer that calls tools (``answers`` item: a list of (name, arguments));
        arguments go out as JSON strings, as OpenAI and llama.cpp send them."""
        n = next(self._ids)
        tool_calls = [
            {
                "id": f"call_{n}_{i}",
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(args)},
            }
            for i, (name, args) in enumerate(calls)
        ]
        if body.get("stream"):
            base = {"created": int(time.time()), "id": f"chatcmpl-{n:08d}", "model": model}
            return sse_reply(self.tool_chunks({**base, **FINGERPRINT}, tool_calls))
        message = {"role": "assistant", "content": None, "tool_calls": tool_calls}
        choice = {"finish_reason": "tool_calls", "index": 0, "message": message}
        body = {"choices": [choice], "id": f"chatcmpl-{n:08d}", "model": model, **FINGERPRINT}
        return Reply(body={**body, "object": "chat.completion", "usage": None})

    def chunks(
        self, base: dict, words: list[str], finish: str, usage: dict | None, timings: dict
    ) -> Iterator[dict[str, Any]]:
        """The SSE payloads of a streamed chat completion (without ``[DONE]``)."""

        def chunk(delta: dict[str, Any], finish_reason: str | None = None, **extra: Any) -> dict:
            choice = {"finish_reason": finish_reason, "index": 0, "delta": delta}
            return {"choices": [choice], **base, "object": "chat.completion.chunk", **extra}

        yield chunk({"role": "assistant", "content": None})
        for i, word in enumerate(words):
            yield chunk({"content": word if i == 0 else " " + word})
        yield chunk({}, finish, timings=timings)
        if usage is not None:
            yield {"choices": [], **base, "object": "chat.completion.chunk", "usage": usage}

    def tool_chunks(self, base: dict, tool_calls: list[dict]) -> Iterator[dict[str, Any]]:
        """Streamed tool calls: head delta, argument fragments, finish chunk."""

        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict:
            choice = {"finish_reason": finish_reason, "index": 0, "delta": delta}
            return {"choices": [choice], **base, "object": "chat.completion.chunk"}

        def fragments(i: int, call: dict) -> Iterator[dict]:
            head = {"index": i, "id": call["id"], "type": "function"}
            yield {**head, "function": {"name": call["function"]["name"], "arguments": ""}}
            text, step = call["function"]["arguments"], max(1, self.arg_piece)
            for at in range(0, len(text), step):
                yield {"index": i, "function": {"arguments": text[at : at + step]}}

        yield chunk({"role": "assistant", "content": None})
        streams = [fragments(i, c) for i, c in enumerate(tool_calls)]
        if self.interleave_calls:
            for items in itertools.zip_longest(*streams):
                yield from (chunk({"tool_calls": [item]}) for item in items if item is not None)
        else:
            yield from (chunk({"tool_calls": [item]}) for each in streams for item in each)
        yield chunk({}, "tool_calls")
