"""One worker process of the several-process router test (tests/test_router_processes.py).

``python -m support.router_worker '<client kwargs as JSON>' THREADS``: builds
``Client("router", **kwargs)``, makes one request, prints ``ready``, then reads one line
``start end`` (wall-clock seconds) from stdin and, from ``start`` until ``end``, keeps
``THREADS`` threads asking. It prints one JSON list: per request its start time, whether it
was answered, and its trail of ``(deployment, error type or None)``.
"""

from __future__ import annotations

import json
import sys
import threading
import time

import llm_core


def main() -> None:
    kwargs, threads = json.loads(sys.argv[1]), int(sys.argv[2])
    records: list = []
    with llm_core.Client("router", **kwargs) as client:
        client.generate("warm-up")
        print("ready", flush=True)
        start, end = map(float, sys.stdin.readline().split())

        def ask() -> None:
            time.sleep(max(0.0, start - time.time()))
            while (now := time.time()) < end:
                try:
                    response = client.generate("hi")
                except llm_core.LLMError as exc:
                    trail = [(a.deployment, a.error_type) for a in getattr(exc, "attempts", [])]
                    records.append((now, False, trail, repr(exc)))
                    continue
                trail = [(a.deployment, a.error_type) for a in response.attempts]
                records.append((now, True, trail, None))

        workers = [threading.Thread(target=ask) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    print(json.dumps(records), flush=True)


if __name__ == "__main__":
    main()
