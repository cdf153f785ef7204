"""Tool calling: streamed tool-call delta assembly and the tool loop, against doing it by hand.

    python bench/tools.py            # 300 streams and 300 two-round loops per round, 5 rounds
    python bench/tools.py --quick    # a fifth of that, 3 rounds
    python bench/tools.py --check    # exit status 1 if a target is missed
    python bench/tools.py --clock cpu   # this process's CPU time (steadier on a busy box)

One server: the OpenAI fake of the tests (tests/support/openai_fake.py) in its own process, so
it never shares the client's GIL, scripted to answer every chat call with four parallel tool
calls streamed as OpenAI streams them (a head delta per call, then its ~120 bytes of JSON
arguments in 5-character fragments: about 100 chunks per answer). Both sides send the same body
(built once with llm-core's own ``chat_body``) and get the same bytes back:

- **delta assembly**, per stream: llm-core ``client.stream(prompt, tools=[...])`` to its end
  (text events, an event per completed call, the final ``response.tool_calls`` with arguments
  decoded) vs raw ``httpx2`` ``iter_lines()`` + ``json.loads`` per chunk + assembling the
  fragments by ``index`` by hand and decoding each call's arguments at the end;
- **tool loop**, per loop of two rounds (four calls run, then an answer): ``client.run`` vs a
  hand-written loop on raw ``httpx2`` (post, read ``tool_calls``, call the function, append the
  assistant message and the results, post again).

Target <= 1.05x for delta assembly (not met yet: about 1.18x, of which the generic stream
path is most; the assembly itself was cut from ~30 to ~5 us per fragment). The loop row has no
target: it is reported beside a context row of two plain requests, the generic per-request cost
the loop sits on. Rounds alternate which side goes first; figures are medians over rounds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from report import Row, render  # noqa: E402
from resilience import Server  # noqa: E402

import llm_core  # noqa: E402
from llm_core import Request  # noqa: E402
from llm_core.openai.wire import chat_body  # noqa: E402

TARGET = 1.05
CITIES = ["Paris", "Rome", "Lisbon", "Oslo"]
CALLS = [("weather", {"city": c, "units": "metric", "days": 3, "note": "x" * 60}) for c in CITIES]
#: The child server: the OpenAI fake answering every chat call from ``answers``, which holds
#: the four calls (stream rows) or alternates calls and a text answer (loop rows).
SCRIPT = (
    "from support.openai_fake import OpenAIFake\nimport sys\n"
    f"CALLS = {CALLS!r}\n"
    "with OpenAIFake() as s:\n"
    "    kind = sys.argv[1]\n"
    "    s.answers = {'loop': [CALLS, 'sunny everywhere'] * 2_000_000, 'plain': [],"
    " 'stream': [CALLS] * 4_000_000}[kind]\n"
    "    print(s.url, flush=True)\n    sys.stdin.read()\n"
)
CLOCK = {"now": time.perf_counter}


def weather(city: str, units: str = "metric", days: int = 1, note: str = "") -> str:
    """The forecast for a city."""
    return f"sunny in {city}"


def _alternate(rounds: int, sides: dict[str, Callable[[], None]]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {k: [] for k in sides}
    names, now = list(sides), CLOCK["now"]
    for r in range(rounds):
        for name in names if r % 2 == 0 else names[::-1]:
            start = now()
            sides[name]()
            out[name].append(now() - start)
    return out


def _median_us(samples: list[float], units: int) -> float:
    return statistics.median(samples) / units * 1e6


def assemble_by_hand(lines: object) -> list[tuple[str, dict]]:
    """What a person writes: join fragments by index, decode the arguments at the end."""
    parts: dict[int, dict] = {}
    for line in lines:  # type: ignore[attr-defined]
        if not line.startswith("data: ") or line == "data: [DONE]":
            continue
        delta = json.loads(line[6:])["choices"]
        if not delta:
            continue
        for item in delta[0]["delta"].get("tool_calls") or ():
            part = parts.setdefault(item["index"], {"name": "", "args": []})
            function = item.get("function") or {}
            part["name"] += function.get("name") or ""
            part["args"].append(function.get("arguments") or "")
    return [(p["name"], json.loads("".join(p["args"]))) for _, p in sorted(parts.items())]


def stream_row(url: str, n: int, rounds: int) -> Row:
    client = llm_core.Client("openai", base_url=url, model="bench")
    body = chat_body(Request("Weather?", tools=[weather]), "bench", {}, stream=True)
    raw = httpx2.Client()

    def core() -> None:
        for _ in range(n):
            with client.stream("Weather?", tools=[weather]) as stream:
                calls = [c for event in stream for c in event.tool_calls]
            assert len(calls) == 4 and stream.response.tool_calls[3].arguments["city"] == "Oslo"

    def by_hand() -> None:
        for _ in range(n):
            with raw.stream("POST", url + "/chat/completions", json=body) as r:
                r.raise_for_status()
                calls = assemble_by_hand(r.iter_lines())
            assert len(calls) == 4 and calls[3][1]["city"] == "Oslo"

    core(), by_hand()  # warm-up: connections, the tool's schema
    times = _alternate(rounds, {"core": core, "raw": by_hand})
    client.close(), raw.close()
    return Row("deltas", "stream of 4 tool calls, per stream", "us", _median_us(times["core"], n),
               _median_us(times["raw"], n), False, TARGET, rounds, times)  # fmt: skip


def loop_row(url: str, n: int, rounds: int) -> Row:
    client = llm_core.Client("openai", base_url=url, model="bench")
    first = chat_body(Request("Weather?", tools=[weather]), "bench", {}, stream=False)
    raw = httpx2.Client()
    tools = {"weather": weather}

    def core() -> None:
        for _ in range(n):
            response = client.run("Weather?", tools=[weather])
            assert response.content == "sunny everywhere" and len(response.rounds) == 2

    def by_hand() -> None:
        for _ in range(n):
            body = {**first, "messages": list(first["messages"])}
            while True:
                r = raw.post(url + "/chat/completions", json=body)
                r.raise_for_status()
                message = r.json()["choices"][0]["message"]
                if not message.get("tool_calls"):
                    break
                body["messages"].append(message)
                for call in message["tool_calls"]:
                    args = json.loads(call["function"]["arguments"])
                    result = tools[call["function"]["name"]](**args)
                    body["messages"].append(
                        {"role": "tool", "tool_call_id": call["id"], "content": result}
                    )
            assert message["content"] == "sunny everywhere"

    core(), by_hand()
    times = _alternate(rounds, {"core": core, "raw": by_hand})
    client.close(), raw.close()
    return Row("loop", "tool loop, 2 rounds, 4 calls, per loop", "us",
               _median_us(times["core"], n), _median_us(times["raw"], n), samples=rounds,
               data=times)  # fmt: skip


def plain_row(url: str, n: int, rounds: int) -> Row:
    """Context for the loop row: two plain requests (no tools), the generic per-request cost."""
    client = llm_core.Client("openai", base_url=url, model="bench")
    body = chat_body(Request("Weather?"), "bench", {}, stream=False)
    raw = httpx2.Client()

    def core() -> None:
        for _ in range(n):
            for _ in range(2):
                assert client.generate("Weather?").content

    def by_hand() -> None:
        for _ in range(n):
            for _ in range(2):
                r = raw.post(url + "/chat/completions", json=body)
                r.raise_for_status()
                assert r.json()["choices"][0]["message"]["content"]

    core(), by_hand()
    times = _alternate(rounds, {"core": core, "raw": by_hand})
    client.close(), raw.close()
    return Row("plain", "context: 2 requests without tools", "us", _median_us(times["core"], n),
               _median_us(times["raw"], n), samples=rounds, data=times)  # fmt: skip


class ScriptedServer(Server):
    """The OpenAI fake in a child process, scripted for ``kind`` ("stream", "loop", "plain")."""

    def __init__(self, kind: str) -> None:
        super().__init__("fake", [sys.executable, "-c", SCRIPT, kind])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fifth of the work, 3 rounds")
    parser.add_argument("--requests", type=int, help="streams / loops per round (default 300)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall time (default) or this process's CPU time")  # fmt: skip
    args = parser.parse_args(argv)
    CLOCK["now"] = time.process_time if args.clock == "cpu" else time.perf_counter
    n = args.requests or (60 if args.quick else 300)
    rounds = 3 if args.quick else 5
    rows = []
    for kind, measure in (("stream", stream_row), ("loop", loop_row), ("plain", plain_row)):
        server = ScriptedServer(kind)
        try:
            rows.append(measure(server.url + "/v1", n, rounds))
        finally:
            server.close()
    print(f"clock: {args.clock}\n" + render(rows).replace("raw httpx2", "  by hand "))
    if args.json:
        from report import rows_as_json

        Path(args.json).write_text(json.dumps(rows_as_json(rows), indent=2))
    return 1 if args.check and any(r.ok is False for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
