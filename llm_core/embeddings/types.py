"""What an embedding call takes and gives: :class:`EmbedRequest` and :class:`Embeddings`.

Vectors are plain ``list[list[float]]``: JSON-ready, picklable, cacheable in any store, with no
dependency. ``Embeddings.array()`` gives a numpy ``float32`` matrix when numpy is installed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from llm_core.checks import check_optional_str, check_text
from llm_core.errors import ValidationError

__all__ = ["EmbedRequest", "Embeddings", "coerce_texts"]


def coerce_texts(texts: str | Sequence[str]) -> tuple[str, ...]:
    """``texts`` as a tuple of strings: one string is one input; anything else a ValidationError."""
    if isinstance(texts, str):
        return (texts,)
    if isinstance(texts, bytes) or not isinstance(texts, Sequence):
        raise ValidationError(
            f"embed texts must be a string or a list of strings, got {type(texts).__name__}",
            hint="Pass embed('one text') or embed(['a', 'b']).",
        )
    if not texts:
        raise ValidationError(
            "embed texts is an empty list", hint="Pass at least one string to embed."
        )
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise ValidationError(
                f"embed texts[{i}] is {type(text).__name__}, not a string",
                hint="Every input must be a str; convert or drop the others.",
            )
        check_text(f"embed texts[{i}]", text)
    return tuple(texts)


@dataclass(frozen=True, slots=True)
class EmbedRequest:
    """One embedding request as adapters see it (after batching: one batch).

    ``dimensions`` asks the server to shorten the vectors (None: the model's own size).
    ``truncate`` lets the server cut over-long inputs to the context; False makes an over-long
    input a :class:`~llm_core.errors.ContextLengthError`. ``keep_alive`` is Ollama's.
    """

    #: Which adapter method a layer's one-shot logic sends this to (see Layer.generate_of).
    operation: ClassVar[str] = "embed"

    texts: tuple[str, ...]
    model: str | None = None
    dimensions: int | None = None
    truncate: bool = True
    keep_alive: str | int | None = None

    def __post_init__(self) -> None:
        check_optional_str("model", self.model)
        if not isinstance(self.truncate, bool):
            raise ValidationError(
                f"truncate must be True or False, got {self.truncate!r:.40}",
                hint="truncate=False makes an over-long input a ContextLengthError.",
            )
        if self.keep_alive is not None and (
            isinstance(self.keep_alive, bool) or not isinstance(self.keep_alive, str | int)
        ):
            raise ValidationError(
                f"keep_alive must be a duration string or seconds, got {self.keep_alive!r:.40}",
                hint="Pass keep_alive='5m' or keep_alive=300.",
            )
        if self.dimensions is not None and (
            isinstance(self.dimensions, bool)
            or not isinstance(self.dimensions, int)
            or self.dimensions < 1
        ):
            raise ValidationError(
                f"dimensions must be a positive int, got {self.dimensions!r}",
                hint="Leave dimensions=None for the model's own vector size.",
            )

    def batch(self, texts: Sequence[str]) -> EmbedRequest:
        """The same request for a part of the texts."""
        return dataclasses.replace(self, texts=tuple(texts))

    def with_model(self, model: str | None) -> EmbedRequest:
        """The same request on another model (a fallback link's)."""
        return dataclasses.replace(self, model=model)


@dataclass(slots=True)
class Embeddings:
    """The vectors of an embed call, ``vectors[i]`` for ``texts[i]`` (order always kept).

    ``prompt_tokens`` is the input token count the server reported (None when it reports none);
    ``cached`` how many vectors came from the embedding cache; ``attempts`` the retry trail and
    ``fallbacks`` the links that failed before one answered, over every batch.
    """

    vectors: list[list[float]]
    model: str | None = None
    provider: str = ""
    prompt_tokens: int | None = None
    cached: int = 0
    attempts: list[Any] = field(default_factory=list)
    fallbacks: list[Any] = field(default_factory=list)

    @property
    def dimensions(self) -> int:
        """Length of each vector (0 when there are none)."""
        return len(self.vectors[0]) if self.vectors else 0

    def __len__(self) -> int:
        return len(self.vectors)

    def __getitem__(self, index: int) -> list[float]:
        return self.vectors[index]

    def __iter__(self) -> Any:
        return iter(self.vectors)

    def array(self) -> Any:
        """The vectors as a numpy float32 matrix (needs numpy)."""
        import numpy as np

        return np.asarray(self.vectors, dtype=np.float32)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the CLI prints this)."""
        return {
            "model": self.model,
            "provider": self.provider,
            "dimensions": self.dimensions,
            "prompt_tokens": self.prompt_tokens,
            "embeddings": self.vectors,
        }
