"""The pytest plugin of the kit: fixtures for misbehaving loopback endpoints.

Loaded automatically when llm-core is installed (``pytest11`` entry point
``llm_core.testing.plugin``), or explicitly with ``pytest_plugins = ["llm_core.testing.plugin"]``
in a conftest.py or ``-p llm_core.testing.plugin``; disable it with
``-p no:llm_core.testing.plugin``. It defines fixtures and nothing else: no hooks, no options, no
imports beyond pytest until a fixture is used, so projects that do not use it pay nothing.
:class:`~llm_core.testing.AdapterContract` does not need it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

__all__ = ["llm_core_counting_proxy", "llm_core_refused_url", "llm_core_silent_url"]


@pytest.fixture
def llm_core_refused_url() -> Iterator[str]:
    """A loopback URL whose port refuses every connection."""
    from llm_core.testing.servers import RefusedPort

    with RefusedPort() as port:
        yield port.url


@pytest.fixture
def llm_core_silent_url() -> Iterator[str]:
    """A loopback URL of a server that accepts connections and never answers."""
    from llm_core.testing.servers import SilentServer

    with SilentServer() as server:
        yield server.url


@pytest.fixture
def llm_core_counting_proxy() -> Iterator[Callable[[str], Any]]:
    """A factory: ``proxy = llm_core_counting_proxy(target_url)`` starts a
    :class:`~llm_core.testing.CountingProxy` in front of ``target_url``; all close at teardown."""
    from llm_core.testing.servers import CountingProxy

    proxies: list[CountingProxy] = []

    def start(target: str) -> CountingProxy:
        proxies.append(CountingProxy(target))
        return proxies[-1]

    yield start
    for proxy in proxies:
        proxy.close()
