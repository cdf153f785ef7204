"""Layers: the base every wrapper stands on -- a :class:`Layer` written once, two shells, one relay.

A layer (retry, fallback, a rate limiter) writes its logic once, as flows
(:mod:`llm_core.flow`): ``generate_flow``, ``stream_flow``, ``list_models_flow``,
``health_check_flow`` and ``close_flow``. Inside a flow, ``yield from
self.inner_generate(request, call)`` is the inner call (an inner layer's flow runs inline, so
the whole stack is driven once, not once per layer) and ``yield self.sleep(seconds)`` a pause;
in the sync shell (:class:`LayerAdapter`) the bare adapter's call and the pause have already
happened when the flow gets them back, in the async shell (:class:`AsyncLayerAdapter`) they are
awaited. A shell is two lines::

    class RateLimited(RateLimit, LayerAdapter): ...
    class AsyncRateLimited(RateLimit, AsyncLayerAdapter): ...

Every wrapper method takes the :class:`~llm_core.types.Call` (deadline, attempt number, the
observers' state) beside the request; the layer that wraps a bare adapter passes it only the
deadline, as the adapter contract says.

Streams: ``stream_flow`` opens the inner stream (an inner layer's flow runs inline, with
``yield from``) and returns an :class:`Opened` -- the event iterator, its first event, and the
watchers layers added. Only the outermost shell relays the events to the caller, once, calling
each watcher when the final event arrives, when the stream fails and when the caller stops early.
So the first event can still be retried or fallen back for, and no layer adds a generator per
event.

A layer forwards no attribute to the one below it (a class with ``__getattr__`` loses the
interpreter's fast attribute lookups, on every request): :func:`reach` finds a provider's extra
or another layer's method down the stack, and ``client.adapter`` is a :class:`Stack`, a view
that looks every attribute up that way (``client.adapter.pull()``).
"""

from llm_core.flow import Flow
from llm_core.layers.adapters import AsyncLayerAdapter, LayerAdapter
from llm_core.layers.layer import Layer, reach
from llm_core.layers.stack import Stack
from llm_core.layers.stream import Opened, broke_off

__all__ = [
    "AsyncLayerAdapter",
    "Flow",
    "Layer",
    "LayerAdapter",
    "Opened",
    "Stack",
    "broke_off",
    "reach",
]
