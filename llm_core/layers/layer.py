"""The :class:`Layer`: a wrapper's logic written once, as flows (see :mod:`llm_core.layers`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from llm_core.call import Call
from llm_core.flow import Flow
from llm_core.layers.stream import Opened
from llm_core.request import Request
from llm_core.types import Health, ModelInfo, Response

__all__ = ["Layer", "reach"]


class Layer:
    """A wrapper's logic, written once as flows; see the module docstring."""

    #: Whether this class defines :meth:`passes` (else the layer is never stepped over and
    #: ``generate_of`` does not ask): set for each subclass.
    may_pass: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.may_pass = cls.passes is not Layer.passes

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    # ------------------------------------------------------------------ the flows to override

    def generate_flow(self, request: Request, call: Call) -> Flow[Response]:
        """Generate (default: ask the inner adapter)."""
        return (yield from self.inner_generate(request, call))

    def embed_flow(self, request: Any, call: Call) -> Flow[Any]:
        """Embed one batch (an EmbedRequest) into Embeddings (default: the one-shot logic of
        ``generate_flow``, whose ``inner_generate`` sends an EmbedRequest to ``embed``)."""
        return (yield from self.generate_flow(request, call))

    def stream_flow(self, request: Request, call: Call) -> Flow[Opened]:
        """Open a stream up to its first event (default: open the inner one)."""
        return (yield from self.open_inner(request, call))

    def list_models_flow(self, call: Call) -> Flow[list[ModelInfo]]:
        """List models (default: ask the inner adapter)."""
        return (yield from self.inner_list_models(call))

    def health_check_flow(self) -> Flow[Health]:
        """Check health (default: ask the inner adapter)."""
        return (yield self.inner.health_check())

    def close_flow(self) -> Flow[None]:
        """Release resources (default: close the inner adapter)."""
        yield self.close_of(self.inner)

    def passes(self, request: Request) -> bool:
        """Whether this layer has nothing to do for the generate ``request`` (no schema to
        check, no response cache, nobody observing): the layer above then goes straight to
        the one below, without entering this one's flow (default: False, it always works)."""
        return False

    # ------------------------------------------------------------------ what flows call

    def inner_generate(self, request: Request, call: Call) -> Flow[Response]:
        """The inner adapter's generate, as a flow: ``response = yield from
        self.inner_generate(request, call)``."""
        return self.generate_of(self.inner, request, call)

    @staticmethod
    def generate_of(adapter: Any, request: Request, call: Call) -> Flow[Response]:
        """``adapter``'s generate as a flow: an inner layer's own flow, run inline by the caller's
        ``yield from`` (one driver for the whole stack, no frame added per layer); a bare adapter
        gets only the deadline. A layer that :meth:`passes` this request is stepped over. A bare
        adapter whose ``generate`` only drives its own
        ``generate_flow(request, deadline)`` (marked with :func:`~llm_core.flow.runs_flow`, as
        the HTTP shells' are) has that flow run inline too: same steps, one driver fewer.

        A one-shot call of another kind goes to its own flow or method: an embedding batch (its
        request has ``operation = "embed"``) to ``embed_flow`` / ``embed``."""
        if getattr(request, "operation", "generate") == "embed":
            if isinstance(adapter, Layer):
                return adapter.embed_flow(request, call)
            return _answer(adapter.embed, request, call.deadline)
        while isinstance(adapter, Layer):
            if not (adapter.may_pass and adapter.passes(request)):
                return adapter.generate_flow(request, call)
            adapter = adapter.inner  # nothing to do here for this request: step over it
        generate = adapter.generate
        if getattr(generate, "runs_flow", False):  # e.g. an HTTP shell's (flow.runs_flow)
            return adapter.generate_flow(request, call.deadline)
        return _answer(generate, request, call.deadline)

    def inner_list_models(self, call: Call) -> Flow[list[ModelInfo]]:
        """The inner adapter's model list, as a flow (an inner layer's runs inline)."""
        inner = self.inner
        if isinstance(inner, Layer):
            return inner.list_models_flow(call)
        return _models(inner.list_models)

    def open_inner(self, request: Request, call: Call) -> Flow[Opened]:
        """Open the inner adapter's stream up to its first event."""
        return (yield from self.open_of(self.inner, request, call))

    def open_of(self, adapter: Any, request: Request, call: Call) -> Flow[Opened]:
        """Open ``adapter``'s stream: an inner layer's flow inline, else a bare adapter's."""
        if isinstance(adapter, Layer):
            return (yield from adapter.stream_flow(request, call))
        return (yield self.first_event(adapter.stream(request, deadline=call.deadline)))

    def first_event(self, events: Any) -> Any:  # pragma: no cover - each shell defines it
        """Read the first event of a bare adapter's stream (shell-specific)."""
        raise NotImplementedError

    def close_of(self, adapter: Any) -> Any:  # pragma: no cover - each shell defines it
        """Close ``adapter`` (shell-specific)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ delegation

    @property
    def provider(self) -> str:
        """The provider name of the adapter at the bottom."""
        return self.inner.provider

    @property
    def config(self) -> Any:
        """The provider config of the adapter at the bottom."""
        return self.inner.config

    def model_for(self, request: Request) -> str | None:
        """The model a request runs on (the bare adapter decides)."""
        return self.inner.model_for(request)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.inner!r})"


_MISSING: Any = object()


def reach(adapter: Any, name: str, default: Any = _MISSING) -> Any:
    """Attribute ``name`` of the first adapter down the stack from ``adapter`` (``adapter``
    itself, its ``inner``, ...) that has it: a provider's extra (``pull``, ``model_info``) or a
    layer's (``cooldown_state``, ``capacity``) through the layers above it. Layers do not
    forward attributes themselves (an attribute lookup on them stays the interpreter's fast
    one); ``client.adapter`` reaches through them with this. Without ``default``, a name no
    adapter has raises AttributeError."""
    for current in down(adapter):
        found = getattr(current, name, _MISSING)
        if found is not _MISSING:
            return found
    if default is _MISSING:
        raise AttributeError(f"no adapter in {adapter!r} has an attribute {name!r}")
    return default


def down(adapter: Any) -> Iterator[Any]:
    """``adapter`` and every adapter below it, down to the bare one."""
    while isinstance(adapter, Layer):
        yield adapter
        adapter = adapter.inner
    yield adapter


def _answer(generate: Any, request: Request, deadline: float | None) -> Flow[Response]:
    return (yield generate(request, deadline=deadline))


def _models(list_models: Any) -> Flow[list[ModelInfo]]:
    return (yield list_models())
