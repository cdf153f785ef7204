"""Fixtures for the LM Studio provider's tests.

- ``lms``: a fresh LM Studio emulator (tests/support/lmstudio_emulator.py) per test, for what
  only LM Studio has: ``/api/v0``, token auth, its error shapes, JIT load states.
- ``mlx_vlm_server``: the real ``mlx_vlm.server`` (one of LM Studio's two engines) as a
  subprocess on a free loopback port, serving the tiny Qwen2-VL checkpoint; once per session.
- The real llama.cpp server (LM Studio's other engine) is the root fixture ``llamacpp_server``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest
from support.lmstudio_emulator import LMStudioEmulator


@pytest.fixture
def lms() -> Iterator[LMStudioEmulator]:
    """An LM Studio emulator with JIT loading on, no auth, three downloaded models."""
    with LMStudioEmulator() as server:
        yield server
    assert not server.errors, server.errors


@pytest.fixture
def make_lms() -> Iterator[object]:
    """A factory for emulators with other settings (``token``, ``jit``, ``native``, ...)."""
    started: list[LMStudioEmulator] = []

    def make(**kwargs: object) -> LMStudioEmulator:
        server = LMStudioEmulator(**kwargs).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()
    assert not [err for s in started for err in s.errors]


@dataclass
class MlxVlmServer:
    """A running ``mlx_vlm.server``: ``url`` (no /v1), ``model`` (what requests must name)."""

    url: str
    model: str
    process: subprocess.Popen
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(server: MlxVlmServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"mlx_vlm.server exited: {server.log.read_text()[-2000:]}")
        try:
            if httpx2.get(server.url + "/health", timeout=1.0).status_code == 200:
                return
        except httpx2.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"mlx_vlm.server not ready in {timeout} s: {server.log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def mlx_vlm_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MlxVlmServer]:
    """The real ``mlx_vlm.server`` on 127.0.0.1 serving the tiny Qwen2-VL checkpoint."""
    pytest.importorskip("mlx_vlm.server", reason="mlx_vlm.server comes with mlx-vlm[cpu]")
    pytest.importorskip("llm_core_mlx.tiny_model", reason="the MLX plugin builds the tiny model")
    model = str(request.getfixturevalue("tiny_vlm"))
    port = _free_port()
    log = tmp_path_factory.mktemp("mlx-vlm-server") / "server.log"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    cmd = [sys.executable, "-m", "mlx_vlm.server", "--model", model,
           "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    server = MlxVlmServer(f"http://127.0.0.1:{port}", model, process, log)
    try:
        _wait_ready(server, timeout=120.0)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.fixture(scope="session")
def png() -> object:
    """``png(color, size=(64, 64))``: the bytes of a one-colour PNG made with Pillow."""
    pil = pytest.importorskip("PIL.Image", reason="Pillow draws the test images")

    def make(color: str | tuple[int, int, int], size: tuple[int, int] = (64, 64)) -> bytes:
        import io

        out = io.BytesIO()
        pil.new("RGB", size, color).save(out, "PNG")
        return out.getvalue()

    return make
