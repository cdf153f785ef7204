"""``pip install ./plugins/llm_lmstudio`` into a fresh virtual environment (core + this plugin,
nothing else) makes ``llm-core providers`` list ``lmstudio``, and the installed wheel talks to
the emulator end to end. Needs pip and its package index (for hatchling and the core's
dependencies), so it is marked slow."""

from __future__ import annotations

import json
import os
import subprocess
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]
SCRIPT = """
import sys
from llm_core import Client
with Client("lmstudio", base_url=sys.argv[1], model="qwen2.5-7b-instruct") as client:
    r = client.generate("from a fresh venv")
    print(r.content, r.metrics["tokens_per_second"], client.list_models()[0].type)
"""


def _run(*cmd: str | Path, timeout: float = 300) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_CORE_", "PYTHON"))}
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env,
                          timeout=timeout)  # fmt: skip
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_pip_install_lists_lmstudio_and_it_works(tmp_path: Path, lms) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    _run(python, "-m", "pip", "install", "-q", ROOT, ROOT / "plugins" / "llm_lmstudio")

    listing = json.loads(_run(bindir / "llm-core", "providers", "--json"))
    providers = {p["name"]: p for p in listing["providers"]}
    assert set(providers) == {"lmstudio", "openai", "router"}  # core ones only besides
    assert providers["lmstudio"]["default_base_url"] == "http://localhost:1234/v1"
    plugin = next(p for p in listing["plugins"] if p["name"] == "lmstudio")
    assert plugin["distribution"] == "llm-core-lmstudio"

    where = _run(python, "-c", "import llm_core_lmstudio as m; print(m.__file__)").strip()
    assert Path(where).is_relative_to(env_dir)  # the installed copy, not the checkout
    assert _run(python, "-c", SCRIPT, lms.url).split() == ["echo:", "from", "a", "fresh", "venv",
                                                            "50.0", "llm"]  # fmt: skip
