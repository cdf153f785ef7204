"""Downloads from a Hugging Face Hub emulator on a real loopback socket, and an unreachable hub.

``huggingface_hub`` fixes ``HF_HUB_OFFLINE`` when it is imported (the test session runs
offline), so each scenario runs in a fresh interpreter with its own environment. The emulator
speaks the part of the Hub API that ``snapshot_download`` uses: ``/api/models/<id>/revision/<rev>``
(repo info with the commit sha), ``/api/models/<id>/tree/<sha>`` (the file list) and ``HEAD`` /
``GET /<id>/resolve/<sha>/<file>`` (``X-Repo-Commit``, ``ETag``, ``Content-Length``, the bytes);
an unknown repository answers as the Hub does to an anonymous client: 401 with
``X-Error-Code: RepoNotFound`` (the Hub hides whether a private repository exists).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mlx_vlm", reason="mlx-vlm runs the model (pip install 'mlx-vlm[cpu]')")

from support.httpserver import HTTPServer, Reply

pytestmark = [pytest.mark.engine, pytest.mark.slow]
SHA = "fedcba9876543210fedcba9876543210fedcba98"
REPO = "org/tiny-vlm"
SCRIPT = """
import json, sys, llm_core
try:
    with llm_core.Client("mlx", model=sys.argv[1]) as client:
        r = client.generate("Describe the weather.", max_tokens=5)
    print(json.dumps({"ok": True, "tokens": r.usage.completion_tokens, "path": r.raw["path"]}))
except llm_core.LLMError as exc:
    print(json.dumps({"ok": False, "type": type(exc).__name__, "error": str(exc)}))
"""


class HubEmulator(HTTPServer):
    """Serves one repository (the files of ``folder``) the way the Hugging Face Hub does."""

    def __init__(self, folder: Path) -> None:
        super().__init__(fallback=self.route_request)
        self.files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}

    def route_request(self, req) -> Reply:
        parts = req.path.strip("/").split("/")
        if parts[:2] == ["api", "models"] and len(parts) >= 6:
            repo, kind = "/".join(parts[2:4]), parts[4]
            if repo != REPO:
                return self._not_found()
            if kind == "revision":
                siblings = [{"rfilename": name} for name in self.files]
                return Reply(body={"id": repo, "modelId": repo, "sha": SHA, "siblings": siblings})
            if kind == "tree":
                tree = [
                    {"type": "file", "path": name, "size": len(data), "oid": _oid(data)}
                    for name, data in self.files.items()
                ]
                return Reply(body=tree)
        if len(parts) == 5 and parts[2] == "resolve":
            if "/".join(parts[:2]) != REPO or parts[4] not in self.files:
                return self._not_found()
            data = self.files[parts[4]]
            headers = {"X-Repo-Commit": SHA, "ETag": f'"{_oid(data)}"'}
            return Reply(body=data, headers=headers)
        return self._not_found()

    @staticmethod
    def _not_found() -> Reply:
        return Reply(
            401,
            headers={"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"},
            body={"error": "Repository not found"},
        )


def _oid(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _run(model: str, env: dict[str, str]) -> tuple[dict, str]:
    full = {**os.environ, "HF_HUB_DISABLE_TELEMETRY": "1", **env}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, model],
        capture_output=True,
        text=True,
        env=full,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_download_with_progress_then_offline_from_the_cache(tiny_vlm: Path, tmp_path) -> None:
    cache = tmp_path / "hub"
    with HubEmulator(tiny_vlm) as hub:
        online = {"HF_HUB_OFFLINE": "0", "HF_ENDPOINT": hub.url, "HF_HUB_CACHE": str(cache)}
        result, stderr = _run(REPO, online)
        assert result == {"ok": True, "tokens": 5, "path": result["path"]}, stderr
        assert Path(result["path"]).is_relative_to(cache / "models--org--tiny-vlm" / "snapshots")
        assert hub.errors == []
        assert hub.count(f"/{REPO}/resolve/{SHA}/model.safetensors", "GET") == 1
        assert f"{REPO} is not in the local cache; downloading" in stderr
        assert f"\ndownloading {REPO}\n" in stderr  # the shared bar's one line in a log
        assert f"{REPO} is ready" in stderr
        served = hub.request_count
        offline = {"HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": str(cache)}
        again, _ = _run(REPO, offline)
        assert again["ok"] is True
        assert hub.request_count == served  # the second run never touched the network


def test_an_unknown_repository_is_model_not_found(tiny_vlm: Path, tmp_path) -> None:
    with HubEmulator(tiny_vlm) as hub:
        env = {"HF_HUB_OFFLINE": "0", "HF_ENDPOINT": hub.url, "HF_HUB_CACHE": str(tmp_path)}
        result, _ = _run("org/no-such-model", env)
    assert result["type"] == "ModelNotFoundError"
    assert "was not found on the Hugging Face Hub" in result["error"]


def test_an_unreachable_hub_fails_fast_with_a_clear_error(tmp_path) -> None:
    with socket.socket() as probe:  # a port nobody listens on: connections are refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        "HF_HUB_OFFLINE": "0",
        "HF_ENDPOINT": f"http://127.0.0.1:{port}",
        "HF_HUB_CACHE": str(tmp_path),
    }
    result, _ = _run("org/missing-model", env)
    assert result["type"] == "ModelNotFoundError"
    assert "could not be reached" in result["error"]
    assert "hf download org/missing-model" in result["error"]
