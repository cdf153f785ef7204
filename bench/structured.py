"""Structured output: what ``schema=`` costs per response against doing it by hand, side by side.

    python bench/structured.py            # 2,000 requests and 200 streams per round, 5 rounds
    python bench/structured.py --quick    # a fifth of that, 3 rounds
    python bench/structured.py --check    # exit status 1 if a target is missed
    python bench/structured.py --clock cpu   # this process's CPU time (steadier on a busy box)

One client, one server (the OpenAI fake of the tests, tests/support/openai_fake.py, in its own
process so it never shares the client's GIL; it answers a ``json_schema`` request with a JSON
value of the schema). Both sides send the same ``response_format``:

- **llm-core**: ``client.generate(prompt, schema=Order)`` and ``response.parsed``: the schema
  check on the request, the ``llm_core.structured`` layer, validation, (for streams) a partial
  object on every text event and the validated one at the end;
- **by hand**: ``client.generate(prompt, response_format=<Order's JSON schema>)`` and
  ``Order.model_validate(json.loads(response.content))``, as a person would without ``schema=``.

So the ratio is the whole overhead of the feature on a real call (target <= 1.05x per response
and per stream). A last row times the validation step alone, in process, against the same
``json.loads`` + ``model_validate`` (no target: it is the floor's own work, done by pydantic-core
in one pass). Rounds alternate which side goes first; figures are medians over rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from report import Row, render  # noqa: E402
from resilience import Server  # noqa: E402

import llm_core  # noqa: E402
from llm_core import to_schema  # noqa: E402

TARGET = 1.05


class Line(BaseModel):
    sku: str
    quantity: int = Field(ge=1)
    price: float


class Order(BaseModel):
    """A typical small answer: a few scalar fields and a list of nested objects."""

    id: int
    customer: str
    paid: bool
    notes: str
    lines: list[Line]


FORMAT = Order.model_json_schema()


def by_hand(response: llm_core.Response) -> Order:
    return Order.model_validate(json.loads(response.content))


#: Which clock the rows read: "wall" (perf_counter) or "cpu" (this process's CPU time, the
#: steadier one on a machine where other processes compete for the cores).
CLOCK = {"now": time.perf_counter}


def _median_us(samples: list[float], units: int) -> float:
    return statistics.median(samples) / units * 1e6


def _alternate(rounds: int, sides: dict[str, Callable[[], None]]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {k: [] for k in sides}
    names, now = list(sides), CLOCK["now"]
    for r in range(rounds):
        for name in names if r % 2 == 0 else names[::-1]:
            start = now()
            sides[name]()
            out[name].append(now() - start)
    return out


def sync_rows(url: str, n: int, streams: int, rounds: int) -> list[Row]:
    """Per-response and per-stream time, sync."""
    client = llm_core.Client("openai", base_url=url, model="bench")

    def core() -> None:
        for _ in range(n):
            assert client.generate("Order?", schema=Order).parsed.id == 42

    def raw() -> None:
        for _ in range(n):
            assert by_hand(client.generate("Order?", response_format=FORMAT)).id == 42

    def core_stream() -> None:
        for _ in range(streams):
            with client.stream("Order?", schema=Order) as stream:
                for _event in stream:
                    pass
            assert stream.response.parsed.id == 42

    def raw_stream() -> None:
        for _ in range(streams):
            with client.stream("Order?", response_format=FORMAT) as stream:
                for _event in stream:
                    pass
            assert by_hand(stream.response).id == 42

    core(), raw(), core_stream(), raw_stream()  # warm-up: connections, schema cache
    calls = _alternate(rounds, {"core": core, "raw": raw})
    flows = _alternate(rounds, {"core": core_stream, "raw": raw_stream})
    client.close()
    return [
        Row("generate", "sync generate, per response", "us", _median_us(calls["core"], n),
            _median_us(calls["raw"], n), False, TARGET, rounds, calls),
        Row("stream", "sync stream with partials, per stream", "us",
            _median_us(flows["core"], streams), _median_us(flows["raw"], streams), False, TARGET,
            rounds, flows),
    ]  # fmt: skip


def async_row(url: str, n: int, rounds: int) -> Row:
    """Per-response time, async, one request at a time."""

    async def measure() -> dict[str, list[float]]:
        async with llm_core.AsyncClient("openai", base_url=url, model="bench") as client:

            async def core() -> None:
                for _ in range(n):
                    assert (await client.generate("Order?", schema=Order)).parsed.id == 42

            async def raw() -> None:
                for _ in range(n):
                    response = await client.generate("Order?", response_format=FORMAT)
                    assert by_hand(response).id == 42

            await core()
            await raw()
            out: dict[str, list[float]] = {"core": [], "raw": []}
            now = CLOCK["now"]
            for r in range(rounds):
                for name in ("core", "raw") if r % 2 == 0 else ("raw", "core"):
                    start = now()
                    await (core if name == "core" else raw)()
                    out[name].append(now() - start)
            return out

    times = asyncio.run(measure())
    return Row("agenerate", "async generate, per response", "us", _median_us(times["core"], n),
               _median_us(times["raw"], n), False, TARGET, rounds, times)  # fmt: skip


def validation_row(calls: int, rounds: int) -> Row:
    """The validation step alone: ``Schema.validate_json`` vs ``json.loads`` + validate."""
    order = {"id": 42, "customer": "Ada", "paid": True, "notes": "leave at the door"}
    order["lines"] = [{"sku": f"SKU-{i}", "quantity": i + 1, "price": 4.2} for i in range(5)]
    text, schema = json.dumps(order), to_schema(Order)

    def core() -> None:
        for _ in range(calls):
            schema.validate_json(text)

    def raw() -> None:
        for _ in range(calls):
            Order.model_validate(json.loads(text))

    times = _alternate(rounds, {"core": core, "raw": raw})
    return Row("validate", "validation alone, in process", "us", _median_us(times["core"], calls),
               _median_us(times["raw"], calls), samples=rounds, data=times)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fifth of the work, 3 rounds")
    parser.add_argument("--requests", type=int, help="requests per round (default 2,000)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall time (default) or this process's CPU time")  # fmt: skip
    args = parser.parse_args(argv)
    CLOCK["now"] = time.process_time if args.clock == "cpu" else time.perf_counter
    n = args.requests or (400 if args.quick else 2000)
    rounds = 3 if args.quick else 5
    server = Server("fake")
    try:
        url = server.url + "/v1"
        rows = sync_rows(url, n, max(n // 10, 20), rounds)
        rows.append(async_row(url, n, rounds))
    finally:
        server.close()
    rows.append(validation_row(n * 10, rounds))
    print(f"clock: {args.clock}\n" + render(rows).replace("raw httpx2", "  by hand "))
    print(f"\nschema: {to_schema(Order).name}, {len(json.dumps(FORMAT))} bytes of JSON schema; "
          f"answers of {len(json.dumps(by_hand_example()))} bytes")  # fmt: skip
    if args.json:
        from report import rows_as_json

        Path(args.json).write_text(json.dumps(rows_as_json(rows), indent=2))
    return 1 if args.check and any(r.ok is False for r in rows) else 0


def by_hand_example() -> dict:
    """What the server answers for ``Order`` (the fake's deterministic value of a schema)."""
    from support.ollama_models import format_answer

    return json.loads(format_answer(FORMAT))


if __name__ == "__main__":
    raise SystemExit(main())
