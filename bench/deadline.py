"""What the wall-clock deadline costs: llm-core with and without ``timeouts.total`` against raw
httpx2, side by side in alternating rounds on the bench server (in its own process).

With ``timeouts.total`` every chunk of a call is read with the deadline set for the socket
layer and checked on arrival (``llm_core/http/deadline.py``); without it nothing is added. Rows:
sequential generate p50 and stream chunks/s, each as a ratio to raw httpx2::

    python bench/deadline.py [--rounds 6] [--chunks 1000]
"""

from __future__ import annotations

import argparse
import statistics

from loads import CoreSide, RawSide, sequential_latencies, stream_rate
from run import BenchServer

import llm_core


class DeadlineSide(CoreSide):
    """llm-core with a (never reached) total deadline: the deadline machinery on every read."""

    name = "llm-core, timeouts.total"

    def client(self) -> llm_core.Client:
        return llm_core.Client(
            "openai", base_url=self.url + "/v1", model="bench", timeouts={"total": 600}
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--chunks", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    server = BenchServer(args.chunks)
    sides = [RawSide(server.url), CoreSide(server.url), DeadlineSide(server.url)]
    clients = [side.client() for side in sides]
    p50: dict[str, list[float]] = {s.name: [] for s in sides}
    rate: dict[str, list[float]] = {s.name: [] for s in sides}
    try:
        for side, client in zip(sides, clients, strict=True):  # warm-up
            sequential_latencies(side, client, 50)
            stream_rate(side, client, 1, args.chunks)
        for i in range(args.rounds):
            order = list(zip(sides, clients, strict=True))
            for side, client in order[i % 3 :] + order[: i % 3]:
                lat, _ = sequential_latencies(side, client, args.calls)
                p50[side.name].append(statistics.median(lat) * 1e6)
                rate[side.name].append(stream_rate(side, client, 1, args.chunks)[0])
    finally:
        for side, client in zip(sides, clients, strict=True):
            side.close(client)
        server.close()
    raw = sides[0].name
    print("| side | generate p50 (us) | ratio to raw | stream chunks/s | ratio to raw |")
    print("|---|---|---|---|---|")
    for side in sides:
        lat, chunks = statistics.median(p50[side.name]), statistics.median(rate[side.name])
        lat_ratio = lat / statistics.median(p50[raw])
        rate_ratio = chunks / statistics.median(rate[raw])
        print(f"| {side.name} | {lat:.0f} | {lat_ratio:.3f}x | {chunks:,.0f} | {rate_ratio:.3f}x |")


if __name__ == "__main__":
    main()
