"""Client and AsyncClient: the one API applications use.

Both resolve their adapter once, through the plugin manager (so the core's retry, fallback and
cache wrappers apply), and are safe to share: a Client across threads, an AsyncClient across
the tasks of one event loop.

A call, top-down: the Client builds the :class:`~llm_core.request.Request` and a
:class:`~llm_core.call.Call` (the deadline from ``timeouts.total``), tells the observers the call
starts, and hands both to the outermost layer (``self.adapter``); each layer passes them on
(``specs/request-path.md`` follows one to the socket). What the two clients share is written
once, as flows (:mod:`llm_core.flow`); they only run them blocking or awaiting.
"""

from llm_core.client.asynchronous import AsyncClient
from llm_core.client.sync import Client

__all__ = ["AsyncClient", "Client"]
