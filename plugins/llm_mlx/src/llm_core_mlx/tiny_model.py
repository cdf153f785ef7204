"""Build a tiny random-weight Qwen2-VL checkpoint that ``mlx_vlm.load`` accepts, fully offline.

The checkpoint lets tests and benchmarks drive the real mlx-vlm engine (and ``mlx_vlm.server``)
without downloading anything: a 2-layer, 64-wide Qwen2-VL language model with a 2-block vision
tower, a byte-level BPE tokenizer trained locally (see ``_tiny_tokenizer``) and Hugging Face
layout files (``config.json``, ``generation_config.json``, ``preprocessor_config.json``,
``tokenizer.json``, ``tokenizer_config.json``, ``model.safetensors``). It is under 1 MB, builds in
tens of milliseconds (plus about a second to import mlx-vlm) and generates roughly a thousand
tokens per second on a CPU.

Weights are random but reproducible: the same ``seed`` gives byte-identical files. The
``lm_head`` rows of special and non-printable tokens are zero, so greedy decoding emits readable
ASCII, never an end-of-sequence token, and always runs to ``max_tokens`` (``finish_reason ==
"length"``). The vision tower really runs: different images give different outputs.

Usage::

    from llm_core_mlx.tiny_model import build_tiny_qwen2_vl
    path = build_tiny_qwen2_vl(tmp_path / "tiny-qwen2-vl")   # then mlx_vlm.load(str(path))

or ``python -m llm_core_mlx.tiny_model PATH``. Importing this module does not import mlx.
``mlx_vlm.convert --hf-path PATH --mlx-path OUT -q`` gives a working 4-bit copy; it also copies
the marker file, so do not pass ``OUT`` to :func:`build_tiny_qwen2_vl` (it would be rebuilt).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import _tiny_tokenizer as tok

__all__ = ["FORMAT_VERSION", "MARKER_FILE", "build_tiny_qwen2_vl", "main"]

#: Bumped whenever the produced checkpoint changes; part of the completeness check.
FORMAT_VERSION = 1
#: Written last; records the seed, the format version and a SHA-256 of every other file.
MARKER_FILE = "llm_core_tiny_model.json"

_TEXT = {
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
}
_VISION = {
    "depth": 2,
    "embed_dim": 32,
    "num_heads": 2,
    "mlp_ratio": 2,  # an int: transformers validates the vision config strictly
    "hidden_size": _TEXT["hidden_size"],
    "hidden_act": "quick_gelu",
    "in_channels": 3,
    "in_chans": 3,
    "patch_size": 14,
    "spatial_patch_size": 14,
    "spatial_merge_size": 2,
    "temporal_patch_size": 2,
}
_MAX_POSITIONS = 4096
_HEAD_DIM = _TEXT["hidden_size"] // _TEXT["num_attention_heads"]
_MROPE_SECTION = [2, 3, 3]  # must sum to head_dim / 2
assert sum(_MROPE_SECTION) * 2 == _HEAD_DIM
# Images are resized to between 4x4 and 8x8 merged patches (112x112 to 224x224 pixels).
_MIN_PIXELS = 112 * 112
_MAX_PIXELS = 224 * 224


def _json_bytes(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()


def _configs(tokenizer: Any) -> dict[str, dict[str, Any]]:
    ids = {t: tokenizer.token_to_id(t) for t in tok.SPECIAL_TOKENS}
    eos, eot = ids["<|im_end|>"], ids["<|endoftext|>"]
    config = {
        "architectures": ["Qwen2VLForConditionalGeneration"],
        "model_type": "qwen2_vl",
        **_TEXT,
        "hidden_act": "silu",
        "rms_norm_eps": 1e-6,
        "max_position_embeddings": _MAX_POSITIONS,
        "max_window_layers": _TEXT["num_hidden_layers"],
        "sliding_window": _MAX_POSITIONS,
        "use_sliding_window": False,
        "rope_theta": 1000000.0,
        "rope_scaling": {"type": "mrope", "mrope_section": _MROPE_SECTION},
        "vocab_size": tokenizer.get_vocab_size(with_added_tokens=True),  # exact, never padded
        "tie_word_embeddings": False,
        "attention_dropout": 0.0,
        "initializer_range": 0.02,
        "torch_dtype": "float32",
        "use_cache": True,
        "bos_token_id": eot,
        "eos_token_id": eos,
        "pad_token_id": eot,
        "vision_start_token_id": ids["<|vision_start|>"],
        "vision_end_token_id": ids["<|vision_end|>"],
        "vision_token_id": ids["<|vision_pad|>"],
        "image_token_id": ids["<|image_pad|>"],
        "video_token_id": ids["<|video_pad|>"],
        "vision_config": dict(_VISION),
    }
    generation = {"bos_token_id": eot, "pad_token_id": eot, "eos_token_id": [eos, eot]}
    generation["do_sample"] = False  # mlx-vlm then defaults to greedy decoding
    preprocessor = {
        "image_processor_type": "Qwen2VLImageProcessor",
        "processor_class": "Qwen2VLProcessor",
        "do_convert_rgb": True,
        "do_normalize": True,
        "do_rescale": True,
        "do_resize": True,
        "rescale_factor": 1 / 255,
        "image_mean": [0.48145466, 0.4578275, 0.40821073],
        "image_std": [0.26862954, 0.26130258, 0.27577711],
        "min_pixels": _MIN_PIXELS,
        "max_pixels": _MAX_PIXELS,
        "size": {"shortest_edge": _MIN_PIXELS, "longest_edge": _MAX_PIXELS},
        "patch_size": _VISION["patch_size"],
        "temporal_patch_size": _VISION["temporal_patch_size"],
        "merge_size": _VISION["spatial_merge_size"],
    }
    return {
        "config.json": config,
        "generation_config.json": generation,
        "preprocessor_config.json": preprocessor,
        "tokenizer_config.json": tok.tokenizer_config(_MAX_POSITIONS),
    }


def _weights(config: dict[str, Any], seed: int, printable_ids: list[int]) -> dict[str, Any]:
    """Seeded random parameters of mlx-vlm's own ``qwen2_vl`` model, named as ``load`` wants."""
    import mlx.core as mx
    from mlx.utils import tree_flatten
    from mlx_vlm.models.qwen2_vl import Model, ModelConfig, TextConfig, VisionConfig

    model_config = ModelConfig.from_dict(json.loads(json.dumps(config)))
    model_config.text_config = TextConfig.from_dict(model_config.text_config)
    model_config.vision_config = VisionConfig.from_dict(config["vision_config"])
    params = sorted(tree_flatten(Model(model_config).parameters()), key=lambda kv: kv[0])
    keys = mx.random.split(mx.random.key(seed), len(params))
    weights = {}
    for key, (name, init) in zip(keys, params, strict=True):
        if "norm" in name or "ln_q" in name:
            weights[name] = init  # norms keep their ones/zeros initialisation
            continue
        fan_in = 1
        for dim in init.shape[1:]:
            fan_in *= dim
        scale = fan_in**-0.5 if init.ndim > 1 else 0.1
        weights[name] = mx.random.uniform(-scale, scale, init.shape, mx.float32, key=key)
    # Only printable tokens may win the argmax: zero every other row of the output head.
    keep = mx.zeros((config["vocab_size"], 1), dtype=mx.float32)
    keep[mx.array(printable_ids)] = 1.0
    weights["language_model.lm_head.weight"] *= keep
    mx.eval(weights)
    return weights


def _files_complete(path: Path, seed: int) -> bool:
    try:
        marker = json.loads((path / MARKER_FILE).read_text())
        if marker.get("format") != FORMAT_VERSION or marker.get("seed") != seed:
            return False
        return all(
            hashlib.sha256((path / name).read_bytes()).hexdigest() == digest
            for name, digest in marker["files"].items()
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def build_tiny_qwen2_vl(path: str | os.PathLike[str], *, seed: int = 0) -> Path:
    """Build the tiny Qwen2-VL checkpoint in directory ``path`` and return it as a ``Path``.

    Idempotent: if ``path`` already holds a complete checkpoint built with the same ``seed``
    (and the same :data:`FORMAT_VERSION`), it is returned untouched. Otherwise the checkpoint's
    files are (re)written; other files in ``path`` are left alone. Each file is replaced
    atomically and the marker file is written last, so a half-built directory is never taken
    for a complete one. Needs ``mlx``, ``mlx-vlm`` and ``tokenizers``; never touches the network.
    """
    path = Path(path)
    if _files_complete(path, seed):
        return path
    from mlx.core import save_safetensors

    tokenizer = tok.build_tokenizer()
    files = {name: _json_bytes(data) for name, data in _configs(tokenizer).items()}
    weights = _weights(json.loads(files["config.json"]), seed, tok.printable_token_ids(tokenizer))
    path.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        tokenizer.save(str(staging / "tokenizer.json"))
        save_safetensors(str(staging / "model.safetensors"), weights, {"format": "mlx"})
        for name, data in files.items():
            (staging / name).write_bytes(data)
        (path / MARKER_FILE).unlink(missing_ok=True)  # stale marker: not complete meanwhile
        digests = {}
        for item in sorted(staging.iterdir()):
            digests[item.name] = hashlib.sha256(item.read_bytes()).hexdigest()
            os.replace(item, path / item.name)
        marker = {"format": FORMAT_VERSION, "seed": seed, "files": digests}
        (staging / MARKER_FILE).write_bytes(_json_bytes(marker))
        os.replace(staging / MARKER_FILE, path / MARKER_FILE)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return path


def main(argv: list[str] | None = None) -> int:
    """CLI: ``python -m llm_core_mlx.tiny_model PATH [--seed N]``; prints the checkpoint path."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m llm_core_mlx.tiny_model",
        description="Build a tiny random-weight Qwen2-VL checkpoint for mlx-vlm (offline).",
    )
    parser.add_argument("path", help="directory to create (or reuse if already complete)")
    parser.add_argument("--seed", type=int, default=0, help="weight seed (default: 0)")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    print(build_tiny_qwen2_vl(args.path, seed=args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
