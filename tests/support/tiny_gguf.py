"""A tiny random-weight llama GGUF built on the fly, so llama.cpp's real loading and sampling run.

    build_tiny_gguf(path)                     # 470 tokens, 0.58 MB, 15-55 ms; same seed, same bytes
    build_tiny_gguf(path, stop_on_eos=True)   # answers one whole word, then EOS
    build_tiny_gguf(path, tools=True)         # a Hermes-style tools template; always calls

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
#: A Hermes/Qwen-style template (short: the tiny model's context is small). llama.cpp's
#: differential autoparser finds the ``<tool_call>`` markers in it and builds the call grammar.
TOOLS_TEMPLATE = (
    "{%- if tools %}{{- '<|im_start|>system\\n<tools>' }}{%- for tool in tools %}"
    "{{- '\\n' }}{{- tool | tojson }}{%- endfor %}{{- '\\n</tools><|im_end|>\\n' }}{%- endif %}"
    "{%- for message in messages %}"
    "{%- if message.role == 'assistant' and message.tool_calls %}{{- '<|im_start|>assistant' }}"
    "{%- for call in message.tool_calls %}{%- if call.function is defined %}"
    "{%- set call = call.function %}{%- endif %}"
    '{{- \'\\n<tool_call>\\n{"name": "\' + call.name + \'", "arguments": \' }}'
    "{{- call.arguments | tojson }}{{- '}\\n</tool_call>' }}{%- endfor %}{{- '<|im_end|>\\n' }}"
    "{%- elif message.role == 'tool' %}"
    "{{- '<|im_start|>user\\n<tool_response>\\n' + message.content + '\\n</tool_response>"
    "<|im_end|>\\n' }}"
    "{%- else %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}"
    "{%- endif %}{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}"
    "{%- endif %}"
)
TOOL_TOKENS = ("<tool_call>", "</tool_call>")
TOOLS_CTX = 2048  # the tools prompt (specs as JSON, spelled in characters) needs room
_WORD_TEXT = (
    "the and to of is in it you that was for on are with as be at this have from or one by not "
    "but what all we can out up so my hello world cat dog sky blue red yes no will just day time "
    "good new way"
)
_WORDS = tuple(_WORD_TEXT.split())
_HPARAMS = "context_length embedding_length block_count feed_forward_length attention.head_count"


def _vocab(tools: bool = False) -> tuple[list[str], list[float], list[int]]:
    """Tokens, scores and gguf.TokenType values (1 normal, 2 unknown, 3 control, 4 user-defined,
    6 byte); ``tools`` adds the call markers as user-defined tokens at the end."""
    tokens = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"]
    tokens += [f"<0x{b:02X}>" for b in range(256)]
    pieces = ["\u2581"] + [chr(c) for c in range(0x21, 0x7F)]  # space marker, printable ASCII
    for word in [*("\u2581" + w for w in _WORDS), "ing", "ed", "er", "ly", "es", "s"]:
        pieces += [word[:k] for k in range(1, len(word) + 1)]  # prefixes, so merges reach it
    pieces = list(dict.fromkeys(pieces))
    scores = [0.0] * N_SPECIAL + [len(t) - i / 1000 for i, t in enumerate(pieces)]
    types = [2, 3, 3, 3, 3] + [6] * 256 + [1] * len(pieces)
    extra = list(TOOL_TOKENS) if tools else []
    return tokens + pieces + extra, scores + [0.0] * len(extra), types + [4] * len(extra)


def build_tiny_gguf(
    path: Path, *, seed: int = 0, stop_on_eos: bool = False, tools: bool = False
) -> Path:
    """Write a tiny random-weight llama GGUF to ``path`` (same seed, same bytes); return the path.

    ``output.weight`` rows of control and byte tokens are zero, so text is ASCII and never EOS;
    whole-word rows are scaled up. With ``stop_on_eos`` embedding dimension 0 flags whole words
    and only the EOS row reads it, so answers end with EOS right after the first whole word.

    ``tools``: the Hermes-style :data:`TOOLS_TEMPLATE`, the call markers as tokens, context
    :data:`TOOLS_CTX`, and four flag dimensions (the output is nearly a bigram of the last
    token): after a newline (the end of ``<|im_start|>assistant\\n``) ``<tool_call>`` wins, then
    a newline; after ``}`` ``</tool_call>`` (where the grammar allows it), then EOS. Inside the
    call llama.cpp's grammar picks the tokens, so a request with tools gets one well-formed call
    and ``finish_reason: "tool_calls"``; without tools the answer is markers and noise.
    """
    import gguf

    path, (tokens, scores, types) = Path(path), _vocab(tools)
    rng = np.random.default_rng(seed)

    def rand(rows: int, cols: int, scale: float = 0.1) -> np.ndarray:
        return (rng.standard_normal((rows, cols)) * scale).astype(np.float32)

    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name(MODEL_ALIAS)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    hparams = (TOOLS_CTX if tools else N_CTX, N_EMBD, N_LAYER, N_FF, N_HEAD)
    for key, value in zip(_HPARAMS.split(), hparams, strict=True):
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
    w.add_chat_template(TOOLS_TEMPLATE if tools else CHATML_TEMPLATE)
    ones = np.ones(N_EMBD, dtype=np.float32)
    words = [i for i, t in enumerate(tokens) if t[0] == "\u2581" and t[1:] in _WORDS]
    embd = rand(len(tokens), N_EMBD, 1.0)
    if stop_on_eos:
        embd[:, 0] = 0.0
        embd[words, 0] = EOS_FLAG
    blocks = [
        (rand(N_EMBD, N_EMBD), rand(N_EMBD, N_EMBD), rand(N_EMBD, N_EMBD), rand(N_EMBD, N_EMBD),
         rand(N_FF, N_EMBD), rand(N_FF, N_EMBD), rand(N_EMBD, N_FF))
        for _ in range(N_LAYER)
    ]  # fmt: skip
    output = rand(len(tokens), N_EMBD, 1.0)
    output[words] *= WORD_BOOST
    output[:N_SPECIAL] = 0.0
    if stop_on_eos:  # after a whole word the EOS logit (~55) beats every other token
        output[:, 0] = 0.0
        output[EOS_ID, 0] = EOS_WEIGHT
    if tools:
        _tool_bigrams(tokens, embd, output)
    w.add_tensor("token_embd.weight", embd)  # numpy (rows, cols) is written as ne [cols, rows]
    for i, (q, k, v, o, gate, up, down) in enumerate(blocks):
        w.add_tensor(f"blk.{i}.attn_norm.weight", ones)
        for name, tensor in (("attn_q", q), ("attn_k", k), ("attn_v", v), ("attn_output", o)):
            w.add_tensor(f"blk.{i}.{name}.weight", tensor)
        w.add_tensor(f"blk.{i}.ffn_norm.weight", ones)
        w.add_tensor(f"blk.{i}.ffn_gate.weight", gate)
        w.add_tensor(f"blk.{i}.ffn_up.weight", up)
        w.add_tensor(f"blk.{i}.ffn_down.weight", down)
    w.add_tensor("output_norm.weight", ones)
    w.add_tensor("output.weight", output)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def _tool_bigrams(tokens: list[str], embd: np.ndarray, output: np.ndarray) -> None:
    """Steer a call's tokens (flag dimensions 1-4; dimension 5 is a constant, i.e. a bias):
    newline -> ``<tool_call>`` -> newline, ``}`` -> ``</tool_call>`` -> EOS; whitespace is
    pushed down and ``"`` up, so the grammar's optional spaces stay empty and strings close.
    A character is both a piece and a byte token: both get the flag."""

    def ids(text: str) -> list[int]:
        same = [text] + ([f"<0x{ord(text):02X}>"] if len(text) == 1 else [])
        return [i for i, t in enumerate(tokens) if t in same]

    embd[:, 1:6], output[:, 1:6] = 0.0, 0.0
    embd[:, 5] = 1.0
    for dim, (before, after) in enumerate(
        (("\n", TOOL_TOKENS[0]), (TOOL_TOKENS[1], "</s>"), (TOOL_TOKENS[0], "\n"),
         ("}", TOOL_TOKENS[1])), 1):  # fmt: skip
        embd[ids(before), dim] = EOS_FLAG
        output[ids(after), dim] = EOS_WEIGHT
    for space in (" ", "\t", "\n", "\r", "\u2581"):
        output[ids(space), 5] = -EOS_WEIGHT
    output[ids("\n"), 3] += EOS_WEIGHT  # still wins after <tool_call>
    output[ids('"'), 5] = EOS_WEIGHT / 2
