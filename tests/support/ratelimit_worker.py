"""One worker process of the shared-budget test (tests/test_ratelimit_processes.py).

``python -m support.ratelimit_worker PROVIDER '<client kwargs as JSON>' N``: builds
``Client(PROVIDER, **kwargs)``, prints ``ready``, waits for one line on stdin (so every worker
starts at once), makes N requests and prints one JSON object: how many were answered and how
many were refused by a budget (``RateLimitedError`` or ``NoCapacityError``).
"""

from __future__ import annotations

import json
import sys

import llm_core


def main() -> None:
    provider, kwargs, n = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
    served = refused = 0
    with llm_core.Client(provider, **kwargs) as client:
        print("ready", flush=True)
        sys.stdin.readline()
        for i in range(n):
            try:
                client.generate(f"hi {i}")
                served += 1
            except llm_core.RateLimitError:
                refused += 1
    print(json.dumps({"served": served, "refused": refused}), flush=True)


if __name__ == "__main__":
    main()
