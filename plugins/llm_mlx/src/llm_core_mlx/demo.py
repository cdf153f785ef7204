"""The main job, end to end: describe a generated image with a vision model, in-process.

Run ``python -m llm_core_mlx.demo`` (or ``llm-core mlx-demo``). It draws a test picture with
Pillow and streams a description of it through ``llm_core.Client("mlx")``, then prints the
metrics. The model is ``--model``, else ``$VISION_MODEL``, else :data:`REAL_MODEL` when it is
cached or the Hugging Face Hub is reachable (first run downloads it, with a progress bar), else
the offline tiny random-weight Qwen2-VL, whose output is noise: it proves that the pipeline runs
(chat template, image processor, vision tower, generation), not that it sees.
Importing this module imports neither mlx nor mlx-vlm.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["HELP", "REAL_MODEL", "REAL_MODEL_SIZE", "configure", "draw_picture", "main", "run"]

HELP = "describe a generated picture with a vision model, in-process (mlx-vlm)"
#: The real model the demo uses when the hub is reachable.
REAL_MODEL = "mlx-community/Qwen2-VL-2B-Instruct-4bit"
REAL_MODEL_SIZE = "2B parameters, 4-bit, about 1.3 GB to download"
PROMPT = "Describe this picture in one or two sentences."
_NOISE = (
    "NOTE: this runs a tiny random-weight Qwen2-VL built offline (under 1 MB){why}.\n"
    "Its output is NOISE, not a description: it shows that the whole pipeline runs (chat\n"
    "template, image processor, vision tower, generation), not that it sees.\n"
    f"For a real answer: run with hub access (downloads {REAL_MODEL},\n"
    f"{REAL_MODEL_SIZE}), or point it at a model:\n"
    "  VISION_MODEL=org/model-or-folder python -m llm_core_mlx.demo   (or --model ID_OR_PATH)"
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the demo's arguments to ``parser``."""
    parser.add_argument(
        "--model",
        "-m",
        help=f"HF id or local folder (default: $VISION_MODEL, "
        f"else {REAL_MODEL} when reachable, else the tiny offline model)",
    )
    parser.add_argument("--tiny", action="store_true", help="use the tiny offline model")
    parser.add_argument("--image", "-i", help="describe this image instead of a generated one")
    parser.add_argument("--prompt", default=PROMPT, help="the question to ask")
    parser.add_argument("--max-tokens", type=int, default=80, help="default: 80")
    parser.add_argument(
        "--tiny-dir",
        help="where to build the tiny model (default: ~/.cache/llm-core/tiny-qwen2-vl)",
    )


def draw_picture(path: Path) -> Path:
    """A simple scene (sky, sun, grass, a red house) saved as PNG at ``path``."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (448, 336), (135, 190, 235))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((330, 30, 400, 100), fill=(255, 215, 0))
    draw.rectangle((0, 250, 448, 336), fill=(60, 160, 60))
    draw.rectangle((120, 160, 260, 260), fill=(200, 30, 30))
    draw.polygon([(105, 160), (190, 95), (275, 160)], fill=(110, 60, 30))
    draw.rectangle((175, 205, 205, 260), fill=(90, 50, 20))
    picture.save(path)
    return path


def _hub_reachable(repo_id: str) -> bool:
    from ._hub import hub_offline

    if hub_offline():
        return False
    import httpx2

    endpoint = (os.environ.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")
    try:
        response = httpx2.get(f"{endpoint}/api/models/{repo_id}", timeout=5.0)
    except httpx2.HTTPError:
        return False
    return response.status_code < 500


def choose_model(args: argparse.Namespace) -> tuple[str, bool]:
    """(model, is_tiny): the argument, $VISION_MODEL, the real model, or the tiny one."""
    if args.model and not args.tiny:
        return args.model, False
    if os.environ.get("VISION_MODEL") and not args.tiny:
        return os.environ["VISION_MODEL"], False
    from ._hub import cached_snapshot

    if not args.tiny and (cached_snapshot(REAL_MODEL) or _hub_reachable(REAL_MODEL)):
        return REAL_MODEL, False
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from .tiny_model import build_tiny_qwen2_vl

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = Path(args.tiny_dir) if args.tiny_dir else cache / "llm-core" / "tiny-qwen2-vl"
    return str(build_tiny_qwen2_vl(folder)), True


def run(args: argparse.Namespace) -> int:
    """Run the demo; returns the exit code."""
    from llm_core import Client

    model, tiny = choose_model(args)
    if tiny:
        why = (
            " because --tiny was given"
            if args.tiny
            else ": no real model is cached and the Hugging Face Hub is not reachable "
            "(or HF_HUB_OFFLINE is set)"
        )
        print(_NOISE.format(why=why), file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(args.image) if args.image else draw_picture(Path(tmp) / "scene.png")
        print(
            f"model: {model}\nimage: {'generated scene' if not args.image else image}\n"
            f"prompt: {args.prompt}\n",
            file=sys.stderr,
        )
        with Client("mlx", model=model) as client:
            stream = client.stream(
                args.prompt, images=[image], max_tokens=args.max_tokens, temperature=0.0
            )
            for chunk in stream.text_chunks():
                print(chunk, end="", flush=True)
            print()
            response = stream.response
    if response is not None:
        print(_summary(response), file=sys.stderr)
    if tiny:
        print("(noise: tiny random-weight model; see the note above)", file=sys.stderr)
    return 0


def _summary(response: Any) -> str:
    m = response.metrics
    return (
        f"\n{response.usage.prompt_tokens} prompt tokens, {response.usage.completion_tokens} "
        f"generated ({response.finish_reason}); "
        f"{m.get('prompt_tokens_per_second', 0):.0f} prompt tok/s, "
        f"{m.get('generation_tokens_per_second', 0):.1f} gen tok/s; "
        f"first token {m.get('time_to_first_token', 0):.2f} s (load {m.get('load_seconds', 0):.2f}"
        f" s); peak memory {_memory(m.get('peak_memory_gb', 0.0))}"
    )


def _memory(gigabytes: float) -> str:
    return f"{gigabytes:.2f} GB" if gigabytes >= 0.1 else f"{gigabytes * 1e3:.1f} MB"


def main(argv: list[str] | None = None) -> int:
    """``python -m llm_core_mlx.demo``: errors print one line and a hint, no traceback."""
    from llm_core import LLMError

    parser = argparse.ArgumentParser(prog="python -m llm_core_mlx.demo", description=HELP)
    configure(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except LLMError as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
