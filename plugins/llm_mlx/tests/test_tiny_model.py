"""The tiny random-weight Qwen2-VL checkpoint really loads and runs in mlx-vlm (no downloads)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mlx_vlm", reason="mlx-vlm (with a working mlx) is needed to build and run it")

from llm_core_mlx.tiny_model import MARKER_FILE, build_tiny_qwen2_vl

pytestmark = pytest.mark.engine
os.environ["HF_HUB_OFFLINE"] = "1"


def _is_readable(text: str) -> bool:
    return bool(text) and all(" " <= ch <= "~" for ch in text)


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_qwen2_vl(tmp_path_factory.mktemp("tiny") / "qwen2-vl")


@pytest.fixture(scope="module")
def loaded(checkpoint: Path):
    import mlx_vlm

    return mlx_vlm.load(str(checkpoint))


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from PIL import Image

    folder = tmp_path_factory.mktemp("images")
    red = Image.new("RGB", (64, 64), (255, 0, 0))
    checker = Image.new("RGB", (64, 64))
    for x in range(64):
        for y in range(64):
            checker.putpixel((x, y), (255, 255, 255) if (x // 8 + y // 8) % 2 else (0, 0, 0))
    paths = {}
    for name, image in {"red": red, "checker": checker}.items():
        paths[name] = str(folder / f"{name}.png")
        image.save(paths[name])
    return paths


def _generate(loaded, prompt: str, images: list[str] | None, max_tokens: int = 20):
    import mlx_vlm

    model, processor = loaded
    chat = mlx_vlm.apply_chat_template(
        processor, model.config, prompt, num_images=len(images or [])
    )
    return mlx_vlm.generate(
        model, processor, chat, image=images, max_tokens=max_tokens, temperature=0.0
    )


def test_build_is_deterministic_and_idempotent(checkpoint: Path, tmp_path: Path) -> None:
    again = build_tiny_qwen2_vl(tmp_path / "again", seed=0)
    other = build_tiny_qwen2_vl(tmp_path / "other", seed=1)
    weights = (checkpoint / "model.safetensors").read_bytes()
    assert (again / "model.safetensors").read_bytes() == weights
    assert (other / "model.safetensors").read_bytes() != weights
    assert len(weights) < 1_000_000
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        assert (again / name).read_bytes() == (checkpoint / name).read_bytes()

    marker = again / MARKER_FILE
    stamp = marker.stat().st_mtime_ns
    assert build_tiny_qwen2_vl(again, seed=0) == again
    assert marker.stat().st_mtime_ns == stamp  # complete and same seed: not rebuilt

    (again / "tokenizer.json").write_text("{}")  # damaged: rebuilt
    build_tiny_qwen2_vl(str(again), seed=0)
    assert (again / "tokenizer.json").read_bytes() == (checkpoint / "tokenizer.json").read_bytes()


def test_import_does_not_load_mlx() -> None:
    import llm_core_mlx

    src = str(Path(llm_core_mlx.__file__).resolve().parents[1])
    code = (
        "import sys, llm_core_mlx.tiny_model; print(sorted({'mlx', 'mlx_vlm'} & set(sys.modules)))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "[]"


def test_loads_with_mlx_vlm(loaded) -> None:
    model, processor = loaded
    assert model.config.model_type == "qwen2_vl"
    assert model.config.text_config.vocab_size == len(processor.tokenizer)


def test_generates_readable_text_to_max_tokens(loaded) -> None:
    import mlx_vlm

    result = _generate(loaded, "Describe the weather.", None)
    assert _is_readable(result.text), result.text
    assert result.generation_tokens == 20
    assert result.finish_reason == "length"

    model, processor = loaded
    chat = mlx_vlm.apply_chat_template(processor, model.config, "Describe the weather.")
    chunks = list(mlx_vlm.stream_generate(model, processor, chat, max_tokens=20, temperature=0.0))
    assert "".join(chunk.text for chunk in chunks) == result.text
    assert chunks[-1].finish_reason == "length"


def test_different_images_give_different_outputs(loaded, images: dict[str, str]) -> None:
    red = _generate(loaded, "Describe", [images["red"]])
    checker = _generate(loaded, "Describe", [images["checker"]])
    assert _is_readable(red.text), red.text
    assert _is_readable(checker.text), checker.text
    assert red.text != checker.text
    assert red.prompt_tokens > _generate(loaded, "Describe", None).prompt_tokens
