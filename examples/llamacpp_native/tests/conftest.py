"""A real llama.cpp server (xllamacpp) serving a tiny random-weight GGUF built here."""

import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest


def build_tiny_gguf(path: Path) -> Path:
    """A 1-block llama with a byte-fallback SentencePiece vocabulary (readable ASCII output)."""
    import gguf
    import numpy as np

    t = gguf.TokenType
    tokens = [
        "<unk>",
        "<s>",
        "</s>",
        *(f"<0x{b:02X}>" for b in range(256)),
        "\u2581",
        *(chr(c) for c in range(0x21, 0x7F)),
    ]
    types = [t.UNKNOWN, t.CONTROL, t.CONTROL] + [t.BYTE] * 256 + [t.NORMAL] * 95
    rng, (n_vocab, n_embd, n_ff) = np.random.default_rng(0), (len(tokens), 32, 64)
    w = gguf.GGUFWriter(str(path), "llama")
    for add, value in [
        ("context_length", 256),
        ("embedding_length", n_embd),
        ("block_count", 1),
        ("feed_forward_length", n_ff),
        ("head_count", 2),
        ("head_count_kv", 2),
        ("rope_dimension_count", 16),
        ("layer_norm_rms_eps", 1e-5),
        ("tokenizer_model", "llama"),
        ("token_list", tokens),
        ("token_scores", [0.0] * n_vocab),
        ("token_types", [int(x) for x in types]),
        ("bos_token_id", 1),
        ("eos_token_id", 2),
        ("unk_token_id", 0),
    ]:
        getattr(w, f"add_{add}")(value)

    def rand(*shape: int) -> "np.ndarray":
        return rng.standard_normal(shape).astype(np.float32) * 0.1

    output = rand(n_vocab, n_embd) * 10
    output[:259] = 0.0  # never pick control or byte tokens: output is readable, never ends
    tensors = {
        "token_embd.weight": rand(n_vocab, n_embd) * 10,
        "output.weight": output,
        "output_norm.weight": np.ones(n_embd, np.float32),
        "blk.0.attn_norm.weight": np.ones(n_embd, np.float32),
        "blk.0.ffn_norm.weight": np.ones(n_embd, np.float32),
        "blk.0.ffn_gate.weight": rand(n_ff, n_embd),
        "blk.0.ffn_up.weight": rand(n_ff, n_embd),
        "blk.0.ffn_down.weight": rand(n_embd, n_ff),
    }
    for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
        tensors[f"blk.0.{name}.weight"] = rand(n_embd, n_embd)
    for name, array in tensors.items():
        w.add_tensor(name, array)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


@pytest.fixture(scope="session")
def llamacpp(tmp_path_factory: pytest.TempPathFactory):
    """llama.cpp's own server in this process on a free port: ``.base_url`` and ``.model``."""
    xllamacpp = pytest.importorskip("xllamacpp", reason="pip install xllamacpp")
    params = xllamacpp.CommonParams()
    params.model.path = str(build_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf"))
    params.model_alias = {"tiny"}  # a set of names
    params.hostnames, params.port, params.n_ctx, params.n_parallel = ["127.0.0.1"], 0, 256, 2
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = 1
    params.warmup = False
    server = xllamacpp.Server(params)
    url = str(server.listening_address).rstrip("/")
    for _ in range(200):  # /health answers 503 while the model loads
        try:
            urllib.request.urlopen(url + "/health", timeout=1).close()
            break
        except OSError:
            time.sleep(0.02)
    yield SimpleNamespace(base_url=url, model="tiny")
    del server
