"""A real llama.cpp server for tests: a tiny random-weight GGUF served in-process by xllamacpp.

    with LlamaCppServer() as srv:  # or LlamaCppServer(path_from_build_tiny_gguf, verbosity=3)
        httpx2.post(srv.openai_url + "/chat/completions", json={"messages": [...], "max_tokens": 8})
    # srv.base_url = "http://127.0.0.1:PORT", srv.openai_url = base_url + "/v1", srv.model
    python tests/support/llamacpp.py --serve  # demo: serve until Ctrl-C

Observed (xllamacpp 2026.10.11549, gguf 0.19, 2-core Linux, n_parallel 4; "..." = abridged):
- Build 15-55 ms (470 tokens, 0.58 MB); Server() + healthy 10-25 ms; import of numpy, gguf and
  xllamacpp 0.1-0.5 s; chat (max_tokens 8) ~3 ms; stop() 10-130 ms. 2 servers at once work.
- CommonParams.model_alias is a set: "tiny-llama" becomes the set of its letters (model id "-").
- Each of the 4 slots gets 256 tokens (/props "n_ctx":256). Longer prompt -> 400 {"error":{"code":
  400,"message":"request (324 tokens) exceeds the available context size (256 tokens), try
  increasing it","type":"exceed_context_size_error","n_prompt_tokens":324,"n_ctx":256}}.
- JSON (errors too): "application/json; charset=utf-8"; streams "text/event-stream" (chunked).
- /health, /v1/health -> 200 {"status":"ok"}. /v1/models (= /models) -> 200 {"models":[{"name":
  "tiny-llama","model":"tiny-llama",...}],"object":"list","data":[{"id":"tiny-llama","aliases":
  ["tiny-llama"],"tags":[],"object":"model","architecture":{"input_modalities":["text"],...},
  "created":...,"owned_by":"llamacpp","meta":{"n_vocab":470,"n_ctx":256,"n_ctx_train":512,...}}]}.
  /props -> 200 {"default_generation_settings":{"params":{"temperature":0.8,...},"n_ctx":256},
  "total_slots":4,"model_alias":"tiny-llama","modalities":{"vision":false,...},...}.
- POST /v1/chat/completions, max_tokens 8 -> 200 {"choices":[{"finish_reason":"length","index":0,
  "message":{"role":"assistant","content":" will g world day this all all all"}}],"created":...,
  "model":"tiny-llama","system_fingerprint":"b0-unknown","object":"chat.completion","usage":
  {"completion_tokens":8,"prompt_tokens":34,"total_tokens":42,"prompt_tokens_details":
  {"cached_tokens":0}},"id":"chatcmpl-...","timings":{...}}. At the default temperature 0.8 the
  first 2-3 words usually repeat, later ones vary; "temperature":0 repeats exactly. Any "model"
  is answered as "tiny-llama"; "tools" are ignored; "stop":[" world"] -> "stop"; "n":2 -> 2
  choices; "messages":[] and text-part lists -> 200; a long max_tokens ends at 256 with "length".
- Streams: "data: {...}" lines, each followed by a blank line. First chunk: {"choices":[{
  "finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"created":...,"id":
  "chatcmpl-...","model":"tiny-llama","system_fingerprint":"b0-unknown","object":
  "chat.completion.chunk"}; one {"delta":{"content":" will"}} chunk per token; {"finish_reason":
  "length","delta":{}} with "timings"; "data: [DONE]". "stream_options":{"include_usage":true}
  adds {"choices":[],"usage":{...}} before [DONE]. After 30 s without data: an SSE line ":".
- image_url part (PNG data URL), stream or not -> 500 JSON {"error":{"code":500,"message":"image
  input is not supported - hint: if this is unexpected, you may need to provide the mmproj",
  "type":"server_error"}}.
- No "messages" (stream or not) -> 400 {"error":{"code":400,"message":"'messages' is required",
  "type":"invalid_request_error"}}; broken JSON -> 400 "[json.exception.parse_error.101] ...";
  "response_format" json_object / json_schema: llama.cpp prefixes its grammar with the generation
  prompt ("<|im_start|>assistant\n"); with add_space_prefix (SPM default) the text after a special
  token gets a space, the grammar rejects it -> 400 "Failed to initialize samplers:
  std::exception". Built with add_space_prefix False, both are answered under the grammar (random
  weights never close a string: bound strings with maxLength for a complete object).
  /v1/embeddings -> 501 "not_supported_error"; /api/tags -> 404 "not_found_error".
- 4 concurrent requests (64 tokens): all 200 "length", 0.1-0.25 s; 8 concurrent streams ~0.8 s.
- SURPRISE: deleting the Server while it answers a request blocks until that client hangs up
  (a stream: up to the 30 s ping) while holding the GIL, so a Python client in another thread
  never can: deadlock. stop() waits for idle /slots first; never request while stopping.
- embeddings=True (mean pooling; the llama arch's own "none" -> 400 "Pooling type 'none' is not
  OAI compatible"): /v1/embeddings -> 64 floats, L2-normalized, "model" echoed as sent, "usage"
  {"prompt_tokens"}; "dimensions" ignored; "input": [] -> 400; 300 words -> 400
  exceed_context_size_error, 800 tokens -> 500 "too large to process. increase the physical batch
  size". SURPRISE: a text's vector depends on which inputs share the server's decode batch (the
  same request, or requests in flight at once): alone = with "hello world" != with a one-token
  input, and a text twice in one request may differ; the same request alone repeats exactly.
- Tools (use_jinja is on by default; the ChatML template has no tools, so they are ignored):
  with tools=True (build_tiny_gguf(tools=True): a Hermes-style template, context 2048, 2 slots)
  llama.cpp's "differential autoparser" finds the <tool_call> markers in the template and builds
  a PEG parser + grammar: optional content until "<tool_call>\n", then 1+ calls {"name": <enum
  of tool names>, "arguments": <the schema>}, "</tool_call>". The grammar is applied with
  "auto" and "required" alike, and content before the first call is allowed even with
  "required", so random weights never reach a call: the model's bigram flags make it emit one.
  A named tool_choice ({"type":"function","function":{"name":...}}) is not honoured (the first
  fitting tool is called). Answer: "content":"" (not null), "tool_calls":[{"type":"function",
  "function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"},"id":<32 random
  letters>}], finish_reason "tool_calls"; streamed: the first delta has index, id, type, name and
  arguments "{", then one delta per token of arguments. Integers are unbounded in the grammar:
  use enum (or bounded) parameters for a call that always completes.
- stop_on_eos=True: one word, then EOS: content " will", finish_reason "stop", completion_tokens 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import socket
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

try:
    from support.tiny_gguf import MODEL_ALIAS, N_CTX, TOOLS_CTX, build_tiny_gguf
except ModuleNotFoundError:  # run as a script: python tests/support/llamacpp.py --serve
    from tiny_gguf import MODEL_ALIAS, N_CTX, TOOLS_CTX, build_tiny_gguf  # type: ignore[no-redef]

__all__ = ["MODEL_ALIAS", "LlamaCppServer", "build_tiny_gguf"]


class LlamaCppServer:
    """llama.cpp's server in-process (xllamacpp) on ``model_path`` or a fresh tiny model."""

    def __init__(
        self,
        model_path: Path | None = None,
        *,
        stop_on_eos: bool = False,
        verbosity: int = 0,
        embeddings: bool = False,
        tools: bool = False,
    ) -> None:
        self.stop_on_eos, self.verbosity, self.model = stop_on_eos, verbosity, MODEL_ALIAS
        self.embeddings = embeddings  # llama.cpp's --embeddings: /v1/embeddings answers
        self.tools = tools  # the tools model (build_tiny_gguf(tools=True)), Jinja on: real calls
        self.host, self.port, self.base_url, self.openai_url = "127.0.0.1", 0, "", ""
        self._given = self.model_path = Path(model_path) if model_path else None
        self._tmp: str | None = None
        self._server: Any = None
        self.start()

    def _get(self, path: str) -> Any:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=2) as resp:
                return json.load(resp) if resp.status == 200 else None
        except (OSError, ValueError):  # refused, HTTPError (503 while loading), bad JSON
            return None

    def start(self, timeout: float = 10.0) -> LlamaCppServer:
        import xllamacpp

        if self._server is not None:
            return self
        if self._given is None:  # build a fresh model (a different seed: pass a model_path)
            self._tmp = tempfile.mkdtemp(prefix="tiny-gguf-")
            path = Path(self._tmp) / "tiny-llama.gguf"
            self.model_path = build_tiny_gguf(path, stop_on_eos=self.stop_on_eos, tools=self.tools)
        params = xllamacpp.CommonParams()
        params.model.path = str(self.model_path)
        params.hostnames = [self.host]
        params.port = 0
        params.model_alias = {MODEL_ALIAS}  # a set of names: a plain str becomes its letters
        params.n_ctx, params.n_parallel = (TOOLS_CTX, 2) if self.tools else (N_CTX, 4)
        params.use_jinja = True  # llama.cpp's --jinja (the default here): tools reach the template
        params.cpuparams.n_threads = params.cpuparams_batch.n_threads = 1
        params.warmup = False
        params.verbosity = self.verbosity
        params.embedding = self.embeddings
        if self.embeddings:  # the llama arch pools "none" (per token): not OpenAI-compatible
            params.pooling_type = xllamacpp.llama_pooling_type.LLAMA_POOLING_TYPE_MEAN
        self._server = xllamacpp.Server(params)
        self.base_url = str(self._server.listening_address).rstrip("/")
        self.openai_url = self.base_url + "/v1"
        self.port = int(self.base_url.rsplit(":", 1)[1])
        deadline = time.monotonic() + timeout
        while self._get("/health") is None:
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"llama.cpp server at {self.base_url} never became healthy")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Stop serving (the port is closed on return) and delete the model; idempotent."""
        if self._server is not None:
            deadline, idle = time.monotonic() + 5.0, 0
            while idle < 2 and time.monotonic() < deadline:  # see SURPRISE in the docstring
                slots = self._get("/slots")
                idle = 0 if slots and any(s.get("is_processing") for s in slots) else idle + 1
                time.sleep(0.02)
            server, self._server = self._server, None
            del server  # the last reference: ~Server stops the HTTP server, joins its threads
            with socket.socket() as sock:  # so the port is closed by now
                if sock.connect_ex((self.host, self.port)) == 0:
                    raise RuntimeError(f"llama.cpp server still listening on port {self.port}")
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> LlamaCppServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a tiny random-weight llama.cpp model.")
    parser.add_argument("--serve", action="store_true", required=True, help="build and serve")
    parser.add_argument("--stop-on-eos", action="store_true", help="answers stop after a word")
    parser.add_argument("--quiet", action="store_true", help="no llama.cpp request logs")
    args = parser.parse_args(argv)
    with LlamaCppServer(stop_on_eos=args.stop_on_eos, verbosity=0 if args.quiet else 3) as server:
        print(f"llama.cpp serves {server.model!r} at {server.base_url}", flush=True)
        print(f"OpenAI base URL: {server.openai_url}  (Ctrl-C stops)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
