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

import numpy as np

N_EMBD, N_FF, N_HEAD, N_LAYER, N_CTX = 64, 128, 4, 2, 512
UNK_ID, BOS_ID, EOS_ID, N_SPECIAL = 0, 1, 2, 261  # 5 control + 256 byte tokens come first
MODEL_ALIAS = "tiny-llama"
WORD_BOOST, EOS_FLAG, EOS_WEIGHT = 1.3, 4.0, 15.0  # see build_tiny_gguf
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
_WORD_TEXT = (
    "the and to of is in it you that was for on are with as be at this have from or one by not "
    "but what all we can out up so my hello world cat dog sky blue red yes no will just day time "
    "good new way"
)
_WORDS = tuple(_WORD_TEXT.split())
_HPARAMS = "context_length embedding_length block_count feed_forward_length attention.head_count"


def _vocab() -> tuple[list[str], list[float], list[int]]:
    """Tokens, scores and gguf.TokenType values (1 normal, 2 unknown, 3 control, 6 byte)."""
    tokens = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"]
    tokens += [f"<0x{b:02X}>" for b in range(256)]
    pieces = ["\u2581"] + [chr(c) for c in range(0x21, 0x7F)]  # space marker, printable ASCII
    for word in [*("\u2581" + w for w in _WORDS), "ing", "ed", "er", "ly", "es", "s"]:
        pieces += [word[:k] for k in range(1, len(word) + 1)]  # prefixes, so merges reach it
    pieces = list(dict.fromkeys(pieces))
    scores = [0.0] * N_SPECIAL + [len(t) - i / 1000 for i, t in enumerate(pieces)]
    return tokens + pieces, scores, [2, 3, 3, 3, 3] + [6] * 256 + [1] * len(pieces)


def build_tiny_gguf(path: Path, *, seed: int = 0, stop_on_eos: bool = False) -> Path:
    """Write a tiny random-weight llama GGUF to ``path`` (same seed, same bytes); return the path.

    ``output.weight`` rows of control and byte tokens are zero, so text is ASCII and never EOS;
    whole-word rows are scaled up. With ``stop_on_eos`` embedding dimension 0 flags whole words
    and only the EOS row reads it, so answers end with EOS right after the first whole word.
    """
    import gguf

    path, (tokens, scores, types) = Path(path), _vocab()
    rng = np.random.default_rng(seed)

    def rand(rows: int, cols: int, scale: float = 0.1) -> np.ndarray:
        return (rng.standard_normal((rows, cols)) * scale).astype(np.float32)

    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name(MODEL_ALIAS)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    for key, value in zip(_HPARAMS.split(), (N_CTX, N_EMBD, N_LAYER, N_FF, N_HEAD), strict=True):
        w.add_uint32(f"llama.{key}", value)
    w.add_head_count_kv(N_HEAD)
    w.add_rope_dimension_count(N_EMBD // N_HEAD)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_vocab_size(len(tokens))
    w.add_tokenizer_model("llama")  # SentencePiece with byte fallback
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(BOS_ID)
    w.add_eos_token_id(EOS_ID)
    w.add_unk_token_id(UNK_ID)
    w.add_add_bos_token(True)
    w.add_add_space_prefix(False)  # else text after <|im_start|> gets a space and grammars fail
    w.add_chat_template(CHATML_TEMPLATE)
    ones = np.ones(N_EMBD, dtype=np.float32)
    words = [i for i, t in enumerate(tokens) if t[0] == "\u2581" and t[1:] in _WORDS]
    embd = rand(len(tokens), N_EMBD, 1.0)
    if stop_on_eos:
        embd[:, 0] = 0.0
        embd[words, 0] = EOS_FLAG
    w.add_tensor("token_embd.weight", embd)  # numpy (rows, cols) is written as ne [cols, rows]
    for i in range(N_LAYER):
        w.add_tensor(f"blk.{i}.attn_norm.weight", ones)
        for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
            w.add_tensor(f"blk.{i}.{name}.weight", rand(N_EMBD, N_EMBD))
        w.add_tensor(f"blk.{i}.ffn_norm.weight", ones)
        w.add_tensor(f"blk.{i}.ffn_gate.weight", rand(N_FF, N_EMBD))
        w.add_tensor(f"blk.{i}.ffn_up.weight", rand(N_FF, N_EMBD))
        w.add_tensor(f"blk.{i}.ffn_down.weight", rand(N_EMBD, N_FF))
    w.add_tensor("output_norm.weight", ones)
    output = rand(len(tokens), N_EMBD, 1.0)
    output[words] *= WORD_BOOST
    output[:N_SPECIAL] = 0.0
    if stop_on_eos:  # after a whole word the EOS logit (~55) beats every other token
        output[:, 0] = 0.0
        output[EOS_ID, 0] = EOS_WEIGHT
    w.add_tensor("output.weight", output)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


class LlamaCppServer:
    """llama.cpp's server in-process (xllamacpp) on ``model_path`` or a fresh tiny model."""

    def __init__(
        self, model_path: Path | None = None, *, stop_on_eos: bool = False, verbosity: int = 0
    ) -> None:
        self.stop_on_eos, self.verbosity, self.model = stop_on_eos, verbosity, MODEL_ALIAS
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
            self.model_path = build_tiny_gguf(path, stop_on_eos=self.stop_on_eos)
        params = xllamacpp.CommonParams()
        params.model.path = str(self.model_path)
        params.hostnames = [self.host]
        params.port = 0
        params.model_alias = {MODEL_ALIAS}  # a set of names: a plain str becomes its letters
        params.n_ctx = N_CTX
        params.n_parallel = 4
        params.cpuparams.n_threads = params.cpuparams_batch.n_threads = 1
        params.warmup = False
        params.verbosity = self.verbosity
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
