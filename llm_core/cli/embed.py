"""``llm-core embed``: embed texts from the arguments, a file or stdin (one text per line).

Output: one JSON object (``--json``, the default: model, provider, dimensions, prompt_tokens,
embeddings) or NDJSON (``--ndjson``: one ``{"index", "embedding"}`` line per input, in input
order). On a terminal, a long run shows how many texts are embedded so far on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from llm_core.cli.inventory import add_target, client_of

__all__ = ["configure_embed", "embed"]


def configure_embed(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``llm-core embed``."""
    add_target(parser)
    parser.add_argument("texts", nargs="*", help="texts to embed (default: stdin, one per line)")
    parser.add_argument("-f", "--file", help="read texts from this file, one per line ('-': stdin)")
    parser.add_argument("--ndjson", action="store_true", help="one JSON line per input")
    parser.add_argument("--dimensions", type=int, help="shorter vectors (if the model can)")
    parser.add_argument("--batch-size", type=int, help="inputs per request (default 64)")
    parser.add_argument(
        "--no-truncate", action="store_true", help="fail on over-long inputs instead of cutting"
    )


def _texts(args: argparse.Namespace) -> list[str]:
    from llm_core.errors import ValidationError

    if args.texts and args.file:
        raise ValidationError("give texts or --file, not both", hint="llm-core embed -f texts.txt")
    if args.texts:
        return list(args.texts)
    if args.file and args.file != "-":
        try:
            with open(args.file, encoding="utf-8") as handle:
                lines = handle.read().splitlines()
        except OSError as exc:
            raise ValidationError(
                f"cannot read --file {args.file!r}: {exc.strerror}",
                hint="Pass a readable text file, one text per line.",
            ) from None
    elif sys.stdin is None or sys.stdin.isatty():
        raise ValidationError("no texts given", hint='Run: llm-core embed "some text"')
    else:
        lines = sys.stdin.read().splitlines()
    return [line for line in lines if line.strip()]


def _progress() -> Any:
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\rembedded {done}/{total} texts{end}")
        sys.stderr.flush()

    return show


def embed(args: argparse.Namespace) -> int:
    """Embed the texts and print the vectors."""
    texts = _texts(args)
    fields = {
        "dimensions": args.dimensions,
        "batch_size": args.batch_size,
        "truncate": False if args.no_truncate else None,
        "progress": _progress(),
    }
    with client_of(args) as client:
        result = client.embed(texts, **{k: v for k, v in fields.items() if v is not None})
    if args.ndjson:
        for index, vector in enumerate(result.vectors):
            sys.stdout.write(json.dumps({"index": index, "embedding": vector}) + "\n")
    else:
        print(json.dumps(result.to_dict()))
    return 0
