"""Fresh-process probes: import time, RSS after import, and first call, for both sides.

Each probe is a tiny script run with ``python -c`` in a new interpreter. It starts its clock
as its first statement (interpreter start-up, identical for both sides, is left out so the
ratio shows the libraries' own cost), stops it when the work is done, reads its resident set
size, and prints one JSON line. ``json`` is imported only after the clock has stopped.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from typing import Any

__all__ = ["PROBES", "run_probe"]

_START = "import sys, time\nt0, c0 = time.perf_counter(), time.process_time()\n"

# Read RSS without importing anything (``resource`` is the fallback where /proc is missing).
_TAIL = """
t1, c1 = time.perf_counter(), time.process_time()
rss_kb = None
try:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                rss_kb = int(line.split()[1])
except OSError:
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_kb = peak // 1024 if sys.platform == "darwin" else peak
import json
print(json.dumps({"seconds": t1 - t0, "cpu_seconds": c1 - c0, "rss_kb": rss_kb, "info": info}))
"""


def _probe(body: str) -> str:
    return _START + body + _TAIL


# -- import (and RSS after import) ---------------------------------------------------------
# llm-core: the package plus plugin discovery (entry points loaded, providers registered).
IMPORT_CORE = _probe("""
import llm_core
from llm_core.plugins import get_provider_specs
info = sorted(get_provider_specs())
""")

# raw: the dependencies llm-core stands on, imported by hand.
IMPORT_RAW = _probe("""
import httpx2, pydantic_settings, pluggy
info = None
""")

# -- first call: import + client + one request ---------------------------------------------
FIRST_CALL_CORE = _probe("""
import llm_core
client = llm_core.Client("openai", base_url=sys.argv[1] + "/v1", model="bench")
info = client.generate("Say hello.", max_tokens=8).content
""")

FIRST_CALL_RAW = _probe("""
import httpx2, pydantic_settings, pluggy
client = httpx2.Client(base_url=sys.argv[1] + "/v1", timeout=60.0)
r = client.post("/chat/completions", json={
    "messages": [{"role": "user", "content": "Say hello."}], "stream": False,
    "model": "bench", "max_tokens": 8})
r.raise_for_status()
info = r.json()["choices"][0]["message"]["content"]
""")

PROBES: dict[str, tuple[str, str]] = {
    "import": (IMPORT_CORE, IMPORT_RAW),
    "first_call": (FIRST_CALL_CORE, FIRST_CALL_RAW),
}

_WORK: list[tuple[str, dict[str, str]]] = []


def _workdir() -> tuple[str, dict[str, str]]:
    """A temporary folder to run probes in (no stray .env, no project on sys.path), and their env.

    Both sides get a warm byte-code cache, as after ``pip install`` (which compiles .pyc files).
    Without it, PYTHONDONTWRITEBYTECODE or a read-only checkout would make an editable llm-core
    compile every module from source in every probe while its dependencies, installed as wheels,
    load compiled byte-code: a cost real installs never pay. The cache lives in the temporary
    folder, so the checkout is never written to; the folder goes when the run ends.
    """
    if not _WORK:
        folder = tempfile.mkdtemp(prefix="llm-core-bench-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = os.path.join(folder, "pycache")
        _WORK.append((folder, env))
    return _WORK[0]


def run_probe(code: str, *args: str) -> dict[str, Any]:
    """Run one probe in a fresh interpreter (this one's executable); its JSON result.

    Call each probe once before measuring it: the first run fills the byte-code cache.
    """
    folder, env = _workdir()
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=folder,
        env=env,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"probe failed ({proc.returncode}):\n{proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])
