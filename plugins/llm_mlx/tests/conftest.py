"""Fixtures for the mlx provider's tests: PIL-made pictures and clients on the tiny model.

The tiny random-weight Qwen2-VL (root fixture ``tiny_vlm``) runs the real mlx-vlm code: greedy
output is readable ASCII that always runs to ``max_tokens``, and the vision tower really runs, so
different pictures give different text.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three different 64x64 PNG files: plain red, a checkerboard and a blue gradient."""
    from PIL import Image

    folder = tmp_path_factory.mktemp("pictures")
    red = Image.new("RGB", (64, 64), (255, 0, 0))
    checker = Image.new("RGB", (64, 64))
    gradient = Image.new("RGB", (64, 64))
    for x in range(64):
        for y in range(64):
            checker.putpixel((x, y), (255, 255, 255) if (x // 8 + y // 8) % 2 else (0, 0, 0))
            gradient.putpixel((x, y), (0, x * 4, 255 - y * 4))
    paths = {}
    for name, image in {"red": red, "checker": checker, "gradient": gradient}.items():
        paths[name] = folder / f"{name}.png"
        paths[name].write_bytes(_png(image))
    return paths


@pytest.fixture
def client(tiny_vlm: Path) -> Iterator[object]:
    """A sync llm-core Client on the tiny model (closed after the test: models unloaded)."""
    from llm_core import Client

    with Client("mlx", model=str(tiny_vlm)) as c:
        yield c


def is_readable(text: str) -> bool:
    """The tiny model's greedy output is printable ASCII."""
    return bool(text) and all(" " <= ch <= "~" for ch in text)


@pytest.fixture
def readable():
    """The ``is_readable`` check, as a fixture (test modules cannot import this conftest)."""
    return is_readable
