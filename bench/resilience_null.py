"""The wrappers alone, for bench/resilience.py: per-call and per-event cost around an
in-process adapter that answers at once (the scripted provider of the resilience tests)."""

from __future__ import annotations

import time
from collections.abc import Callable

import llm_core
from llm_core import Request
from llm_core.config import ProviderConfig
from llm_core.plugins import get_plugin_manager

Sample = tuple[int, float, float]


def since(units: int, start: tuple[float, float]) -> Sample:
    return units, time.perf_counter() - start[0], time.process_time() - start[1]


def null_rows(plan: dict, rounds: Callable, row: Callable) -> list[dict]:
    """The wrappers alone: an in-process adapter that answers at once."""
    from support.resilience import ScriptedAdapter, ScriptedPlugin, Step, script

    pm = get_plugin_manager()
    pm.register(ScriptedPlugin(), name="bench.scripted")
    null, answer = script("null"), Step(" ".join(["w"] * 1000))
    null.calls, null.next = _Discard(), lambda kind: answer
    ads = {"bare": ScriptedAdapter(ProviderConfig(provider="scripted", base_url="http://null"))}
    ads["wrapped"] = ads["quiet"] = llm_core.Client("scripted", base_url="http://null").adapter
    req, n = Request("hi"), plan["requests"] * 20

    def per_call(v: str) -> Sample:
        start = time.perf_counter(), time.process_time()
        for _ in range(n):
            ads[v].generate(req)
        return since(n, start)

    def per_event(v: str) -> Sample:
        start = time.perf_counter(), time.process_time()
        for _ in ads[v].stream(req):
            pass
        return since(1001, start)

    rows = [
        row("null adapter generate, us per call", rounds(plan["rounds"], per_call), "us"),
        row("null adapter stream, ns per event", rounds(plan["rounds"], per_event), "ns"),
    ]
    pm.unregister(name="bench.scripted")
    return rows


class _Discard(list):
    def append(self, item: object) -> None:  # the script log would grow without bound
        pass
