"""The plugin author kit itself: its loopback endpoints, its import cost, its pytest plugin."""

from __future__ import annotations

import http.client
import io
import os
import socket
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path

import pytest

from llm_core.testing import CountingProxy, RefusedPort, SilentServer, tiny_png
from llm_core.testing.servers import with_address


def test_refused_port_refuses() -> None:
    with RefusedPort() as port, pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port.port), timeout=2).close()


def test_silent_server_accepts_and_never_answers() -> None:
    with SilentServer() as server, socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.settimeout(0.2)
        with pytest.raises(TimeoutError):
            sock.recv(1)


def test_counting_proxy_forwards_counts_and_resets(llamacpp_server) -> None:
    with CountingProxy(llamacpp_server.base_url) as proxy:
        url = proxy.url_for(llamacpp_server.base_url) + "/health"
        with urllib.request.urlopen(url, timeout=5) as answer:
            assert answer.read() == b'{"status":"ok"}'
        keep_alive = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=5)
        keep_alive.request("GET", "/health")
        assert keep_alive.getresponse().read() == b'{"status":"ok"}'
        assert proxy.open_connections == 1  # kept alive, so still open
        keep_alive.close()
        assert proxy.wait_open(0)
        proxy.reset_next(1)
        with pytest.raises((ConnectionError, urllib.error.URLError)):
            urllib.request.urlopen(url, timeout=5)
        with urllib.request.urlopen(url, timeout=5) as answer:  # only the next one was reset
            assert answer.status == 200
        assert proxy.accepted == 4


def test_with_address_keeps_scheme_and_path() -> None:
    assert with_address("http://h:1/v1?x=1", "127.0.0.1", 9) == "http://127.0.0.1:9/v1?x=1"
    assert with_address("h:1", "127.0.0.1", 9) == "http://127.0.0.1:9"


def test_tiny_png_is_an_image_llm_core_accepts() -> None:
    from llm_core import Image

    assert Image(tiny_png()).mime_type == "image/png"
    pil = pytest.importorskip("PIL.Image")
    with pil.open(io.BytesIO(tiny_png(8, 4))) as decoded:
        assert decoded.size == (8, 4)
        assert decoded.getpixel((0, 0)) == (200, 40, 40)


def _run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_the_pytest_plugin_imports_nothing_of_the_kit() -> None:
    """Loading the plugin (as pytest does in every project) defines fixtures and nothing else."""
    out = _run(
        "import sys, llm_core.testing.plugin; "
        "print(sorted(m for m in sys.modules if m.startswith('llm_core.testing.')))"
    )
    assert out == "['llm_core.testing.plugin']"


def test_the_pytest11_entry_point_is_the_plugin_module() -> None:
    [ep] = [
        ep
        for ep in metadata.entry_points(group="pytest11")
        if ep.value == "llm_core.testing.plugin"
    ]
    assert ep.name == ep.value  # so pytest_plugins / -p with the module path do not collide


def test_explicit_pytest_plugins_works_beside_autoload(tmp_path: Path) -> None:
    """The documented alternative, with and without pytest's plugin autoloading."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["llm_core.testing.plugin"]\n')
    (tmp_path / "test_uses_kit.py").write_text(
        textwrap.dedent("""
        import socket, pytest

        def test_refused(llm_core_refused_url):
            port = int(llm_core_refused_url.rsplit(":", 1)[1])
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", port), timeout=2)
    """)
    )
    for autoload in ("", "1"):
        env = {**_env(), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": autoload}
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
