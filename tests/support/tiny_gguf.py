"""A tiny random-weight llama GGUF built on the fly, so llama.cpp's real loading and sampling run.

    build_tiny_gguf(path)                     # 470 tokens, 0.58 MB, 15-55 ms; same seed, same bytes
    build_tiny_gguf(path, stop_on_eos=True)   # answers one whole word, then EOS

The vocabulary is SentencePiece with byte fallback: control tokens, 256 byte tokens, printable
ASCII and the prefixes of ~50 English words, so a grammar (llama.cpp's json_schema) finds every
token it needs. ``add_space_prefix`` is off: llama.cpp prefixes a grammar with the generation
prompt, and a space after ``<|im_start|>`` made every ``response_format`` request fail. What the
server does with this model is written down in :mod:`support.llamacpp`.
"""

from __future__ import annotations

from pathlib import Path

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
