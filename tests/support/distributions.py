"""Installing a distribution the way pip lays it out (code plus .dist-info), for plugin tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

__all__ = ["ECHO_ADAPTER", "install_distribution"]

#: Source of a third-party provider's adapter that answers the prompt reversed, written only
#: against the public API (plugins built in tests add their own registration hook to it).
ECHO_ADAPTER = '''
"""A third-party provider that echoes the prompt, written only against the public API."""
import llm_core
from llm_core.adapter import Adapter


class EchoAdapter(Adapter):
    provider = "echo"

    def generate(self, request, *, deadline=None):
        return llm_core.Response(request.messages[-1].text[::-1], "echo", "echo")

    def stream(self, request, *, deadline=None):
        response = self.generate(request)
        for char in response.content:
            yield llm_core.StreamEvent(char)
        yield llm_core.StreamEvent(done=True, response=response)

    def list_models(self):
        return [llm_core.ModelInfo("echo", "echo")]

    def health_check(self):
        return llm_core.Health(True, "echo")
'''


def install_distribution(
    root: Path, name: str, entry_points: dict[str, str], modules: dict[str, str]
) -> None:
    """Lay out a distribution (code plus .dist-info metadata) the way pip would."""
    for module, source in modules.items():
        (root / f"{module}.py").write_text(textwrap.dedent(source))
    info = root / f"{name.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.2.3\n")
    lines = "".join(f"{k} = {v}\n" for k, v in entry_points.items())
    (info / "entry_points.txt").write_text(f"[llm_core]\n{lines}")
