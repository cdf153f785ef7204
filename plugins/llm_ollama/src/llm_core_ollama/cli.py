"""``llm-core pull MODEL``: download an Ollama model, showing progress on stderr."""

from __future__ import annotations

import argparse
import sys

__all__ = ["configure_pull", "run_pull"]


def configure_pull(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``llm-core pull``."""
    parser.add_argument("model", help="the model to download, e.g. llama3.2 or qwen2.5vl:3b")
    parser.add_argument(
        "--base-url", help="Ollama's URL (default: OLLAMA_HOST, else http://127.0.0.1:11434)"
    )
    parser.add_argument(
        "--insecure", action="store_true", help="allow an insecure (http / self-signed) registry"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress output")


def run_pull(args: argparse.Namespace) -> int:
    """Pull the model; errors propagate to the core CLI, which prints them on one line."""
    from llm_core import Client
    from llm_core.progress import ProgressBar

    bar = None if args.quiet else ProgressBar(sys.stderr)
    with Client("ollama", base_url=args.base_url) as client:
        try:
            for progress in client.adapter.pull_stream(args.model, insecure=args.insecure):
                if bar is not None:
                    bar.update(progress.status, progress.completed, progress.total)
        finally:
            if bar is not None:
                bar.close()
    print(f"pulled {args.model}", file=sys.stderr)
    return 0
