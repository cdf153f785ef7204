"""health_check reports MLX, device and memory; the demo runs the main job offline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mlx_vlm", reason="mlx-vlm runs the model (pip install 'mlx-vlm[cpu]')")

from llm_core import AsyncClient, Client
from llm_core.cli import main as cli_main
from llm_core_mlx import demo

pytestmark = pytest.mark.engine


def test_health_reports_device_and_memory(tiny_vlm: Path) -> None:
    with Client("mlx", model=str(tiny_vlm)) as client:
        before = client.health_check()
        client.generate("Hi", max_tokens=2)
        after = client.health_check()
    assert before.ok
    assert before.provider == "mlx"
    assert before.extra["backend"] in {"CPU", "Metal", "CUDA"}
    assert before.extra["mlx_vlm_version"] == before.version
    assert before.extra["system_memory_gb"] > 0
    assert before.extra["loaded_models"] == []
    assert after.extra["loaded_models"] == [str(tiny_vlm)]
    assert after.extra["loaded_weights_gb"] > 0
    assert after.extra["active_memory_gb"] > 0
    assert before.extra["backend"] in after.detail


@pytest.mark.anyio
async def test_async_health_and_models(tiny_vlm: Path) -> None:
    async with AsyncClient(
        "mlx", model=str(tiny_vlm), options={"model_dirs": [str(tiny_vlm)]}
    ) as c:
        health = await c.health_check()
        models = await c.list_models()
    assert health.ok
    assert [m.id for m in models] == [str(tiny_vlm)]


EXIT_SCRIPT = """
import asyncio, sys, threading, llm_core
path = sys.argv[1]
def use():
    with llm_core.Client("mlx", model=path, options={"model_dirs": [path]}) as client:
        assert len(client.list_models()) == 1 and client.health_check().ok
        client.generate("hi", max_tokens=2)
thread = threading.Thread(target=use)
thread.start()
thread.join()
async def main():
    async with llm_core.AsyncClient("mlx", model=path, options={"model_dirs": [path]}) as c:
        assert len(await c.list_models()) == 1 and (await c.health_check()).ok
asyncio.run(main())
print("clean exit")
"""


def test_callers_threads_never_touch_mlx_so_the_process_exits_cleanly(tiny_vlm: Path) -> None:
    # A thread that imports mlx-vlm, asks MLX for its device and ends makes the process abort
    # at exit ("terminate called without an active exception", status 134): list_models and
    # health_check must ask the MLX worker instead, whatever thread calls them.
    result = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT, str(tiny_vlm)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "clean exit"


def test_health_while_the_worker_is_busy(tiny_vlm: Path) -> None:
    from llm_core_mlx._discovery import health
    from llm_core_mlx._engine import get_engine

    with Client("mlx", model=str(tiny_vlm)) as client:
        stream = client.stream("Talk forever.", max_tokens=20_000)
        next(iter(stream))  # the worker is now generating
        busy = health(get_engine(), timeout=0.05)
        stream.close()
        assert busy.ok
        assert busy.extra["busy"] is True


def test_demo_command_with_the_tiny_model(tmp_path: Path, capsys) -> None:
    code = cli_main(["mlx-demo", "--tiny", "--tiny-dir", str(tmp_path / "t"), "--max-tokens", "8"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "NOISE" in err
    assert "VISION_MODEL=" in err  # says how to point it at a real model
    assert out.strip()  # the (noise) description
    assert "8 generated (length)" in err


def test_demo_offline_falls_back_to_the_tiny_model(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    assert demo.main(["--max-tokens", "4"]) == 0
    err = capsys.readouterr().err
    assert "NOISE" in err
    assert (tmp_path / "cache" / "llm-core" / "tiny-qwen2-vl" / "config.json").is_file()


def test_demo_with_a_named_model_and_image(tiny_vlm: Path, tmp_path: Path, capsys) -> None:
    picture = demo.draw_picture(tmp_path / "scene.png")
    code = demo.main(["--model", str(tiny_vlm), "--image", str(picture), "--max-tokens", "4"])
    err = capsys.readouterr().err
    assert code == 0
    assert "NOISE" not in err
    assert f"model: {tiny_vlm}" in err


def test_demo_reports_a_missing_model_in_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    assert demo.main(["--model", "org/not-downloaded", "--max-tokens", "4"]) == 1
    err = capsys.readouterr().err
    assert "error: ModelNotFoundError" in err
    assert "hf download org/not-downloaded" in err
