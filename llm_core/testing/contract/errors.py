"""Contract checks: failures map to the llm-core error tree, and no API key ever leaks."""

from __future__ import annotations

import builtins
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import llm_core
from llm_core.testing.contract.fixtures import BOGUS_OPTION, ONE_TRY, ContractBase, run_async

__all__ = ["ErrorChecks", "raised", "raw_exceptions", "texts_of"]


def raised(call: Callable[[], Any]) -> BaseException:
    """The exception ``call()`` raises (fails the check if it raises none)."""
    try:
        result = call()
        if hasattr(result, "__next__"):  # a stream fails when iterated
            list(result)
    except Exception as exc:
        return exc
    pytest.fail(f"expected an error, got {result!r}")


def texts_of(obj: object) -> Iterator[str]:
    """Every text an object shows: str, repr and, for errors, args, attributes and the chain."""
    seen: set[int] = set()
    while obj is not None and id(obj) not in seen:
        seen.add(id(obj))
        yield from (str(obj), repr(obj))
        if not isinstance(obj, BaseException):
            return
        yield from (repr(a) for a in obj.args)
        yield from (repr(v) for v in vars(obj).values())
        obj = obj.__cause__ or obj.__context__


def raw_exceptions(error: BaseException) -> list[BaseException]:
    """What hangs off ``error`` (``__cause__`` / ``__context__``) that is not an llm-core error:
    a raw transport exception there holds the request, its URL and its headers."""
    found, item = [], error.__cause__ or error.__context__
    while item is not None and len(found) < 16:
        if not isinstance(item, llm_core.LLMError):
            found.append(item)
        item = item.__cause__ or item.__context__
    return found


class ErrorChecks(ContractBase):
    """Refused, unknown model and timeout map to typed errors; secrets stay secret."""

    def _expect(
        self,
        kind: type[Exception],
        builtin: type[Exception] | None = None,
        *,
        model: str | None = None,
        **overrides: Any,
    ) -> list[BaseException]:
        """generate, stream, list_models (unless a ``model`` is asked for) and the async
        generate all raise ``kind`` (and ``builtin``), carrying the provider's name."""
        fields = self.fields(**({"model": model} if model else {}))
        with self.client(retry=ONE_TRY, **overrides) as client:
            calls = {
                "generate": lambda: client.generate(self.prompt, **fields),
                "stream": lambda: client.stream(self.prompt, **fields),
            }
            if model is None:  # a model list does not depend on the request's model
                calls["list_models"] = client.list_models
            errors = {name: raised(call) for name, call in calls.items()}

        async def run() -> object:
            async with self.async_client(retry=ONE_TRY, **overrides) as client:
                return await client.generate(self.prompt, **fields)

        errors["async generate"] = raised(lambda: run_async(run))
        for name, error in errors.items():
            assert isinstance(error, kind), f"{name}: {type(error).__name__}: {error}"
            assert builtin is None or isinstance(error, builtin), name
            assert error.provider == self.provider, f"{name}: error.provider={error.provider!r}"
        return list(errors.values())

    def test_refused_connection_is_connection_error(self) -> None:
        """A refused connection is llm_core.ConnectionError (also builtins.ConnectionError), with
        no raw transport exception behind it."""
        self.require_http("refuse")
        with self.refused() as url:
            errors = self._expect(llm_core.ConnectionError, builtins.ConnectionError, base_url=url)
        self._no_raw_exceptions(errors)

    def _no_raw_exceptions(self, errors: list[BaseException]) -> None:
        for error in errors:
            raw = raw_exceptions(error)
            assert not raw, (
                f"a raw {type(raw[0]).__name__} hangs off {type(error).__name__}.__context__ "
                "(it carries the request's headers): raise the translated error outside the "
                "except block"
            )

    def test_unknown_model_is_model_not_found(self) -> None:
        """A model the backend lacks is ModelNotFoundError naming the model."""
        if self.unknown is None:
            pytest.skip("the backend serves any model name (unknown_model is None)")
        for error in self._expect(llm_core.ModelNotFoundError, model=self.unknown):
            assert self.unknown in str(error), f"the error does not name the model: {error}"

    def test_timeout_is_timeout_error(self) -> None:
        """A server that never answers is llm_core.TimeoutError (also builtins.TimeoutError)."""
        self.require_http("stay silent")
        timeouts = {"connect": 2.0, "read": self.silent_read_timeout}
        with self.silent() as url:
            errors = self._expect(
                llm_core.TimeoutError, builtins.TimeoutError, base_url=url, timeouts=timeouts
            )
        self._no_raw_exceptions(errors)

    def test_total_deadline_is_honoured(self) -> None:
        """With ``timeouts.total``, a call to a silent server gives up at the deadline, not after
        the (long) read timeout: the adapter shortens its timeouts to fit the call's deadline."""
        self.require_http("stay silent")
        outcome: list[BaseException] = []
        timeouts = {"total": self.silent_read_timeout, "read": 600.0}
        with self.silent() as url, self.client(base_url=url, timeouts=timeouts) as client:
            worker = threading.Thread(
                target=lambda: outcome.append(raised(lambda: client.generate(self.prompt))),
                daemon=True,
            )
            worker.start()
            worker.join(self.hang_limit)
            if worker.is_alive():
                pytest.fail(
                    f"generate() ignored timeouts.total={self.silent_read_timeout}: "
                    f"still waiting after {self.hang_limit} s"
                )
        assert isinstance(outcome[0], llm_core.TimeoutError), repr(outcome[0])
        assert outcome[0].phase == "deadline", f"phase {outcome[0].phase!r}: {outcome[0]}"

    def test_api_key_never_leaks(self, caplog: pytest.LogCaptureFixture) -> None:
        """The API key appears in no repr, str, error (or its chain), health or log record."""
        caplog.set_level(logging.DEBUG)
        key = {"api_key": self.secret, "retry": ONE_TRY}
        seen: list[object] = []
        with self.client(**key) as client:
            seen += [
                client,
                client.adapter,
                client.settings,
                client.health_check(),
                client.generate(self.prompt, **self.fields()),
            ]
            if self.unknown is not None:
                seen.append(raised(lambda: client.generate(self.prompt, model=self.unknown)))
        seen.append(raised(lambda: self.client(options={BOGUS_OPTION: 1}, **key)))
        if self.http:
            timeouts = {"connect": 2.0, "read": self.silent_read_timeout}
            with self.refused() as url, self.client(base_url=url, **key) as client:
                seen += [client.health_check(), raised(lambda: client.generate(self.prompt))]
            with (
                self.silent() as url,
                self.client(base_url=url, timeouts=timeouts, **key) as client,
            ):
                seen.append(raised(lambda: client.generate(self.prompt)))
        for obj in seen:
            for text in texts_of(obj):
                assert self.secret not in text, f"API key leaked by {type(obj).__name__}: {text}"
        assert self.secret not in caplog.text, "API key leaked into a log record"
