"""Contract checks: registration, configuration, generate, stream, list_models, health_check."""

from __future__ import annotations

from importlib import metadata

import pytest

from llm_core import (
    ConfigurationError,
    Health,
    ModelInfo,
    Response,
    ValidationError,
)
from llm_core.adapter import Adapter, AsyncAdapter
from llm_core.plugins import ENTRY_POINT_GROUP, get_plugin_manager, get_provider_specs
from llm_core.testing.contract.fixtures import BOGUS_OPTION, ONE_TRY, ContractBase, tiny_png

__all__ = ["BasicChecks"]


def check_response(response: object, provider: str, max_tokens: int) -> Response:
    """Assert the shape every Response must have; return it typed."""
    assert isinstance(response, Response), f"expected a Response, got {type(response).__name__}"
    assert response.content.strip(), "the response has no text"
    assert response.provider == provider, f"Response.provider is {response.provider!r}"
    assert isinstance(response.model, str), f"Response.model is {response.model!r}"
    assert response.model, "Response.model is empty"
    assert response.finish_reason in ("stop", "length"), response.finish_reason
    done = response.usage.completion_tokens
    assert done is None or 0 < done <= max_tokens, f"max_tokens={max_tokens} ignored: {done}"
    return response


class BasicChecks(ContractBase):
    """Registration, config validation and the four adapter methods, sync."""

    def test_registered_through_entry_point(self) -> None:
        """The provider is listed by the core and comes from an ``llm_core`` entry point."""
        specs = get_provider_specs()
        assert self.provider in specs, (
            f"provider {self.provider!r} is not registered (installed: {sorted(specs)}); is the "
            f"plugin installed and its entry point in group {ENTRY_POINT_GROUP!r}?"
        )
        spec = specs[self.provider]
        assert issubclass(spec.adapter_class(False), Adapter), "`adapter` is not an Adapter"
        assert issubclass(spec.adapter_class(True), AsyncAdapter), "`async_adapter` is not async"
        if not self.entry_point:
            assert spec.plugin.startswith("llm_core."), f"{spec.plugin!r} is not built in"
            return
        points = {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
        assert spec.plugin in points, (
            f"provider {self.provider!r} was registered by plugin {spec.plugin!r}, which is no "
            f"entry point of group {ENTRY_POINT_GROUP!r} (registered by hand?); entry points: "
            f"{sorted(points)}"
        )
        assert get_plugin_manager().get_plugin(spec.plugin) is points[spec.plugin].load()

    def test_unknown_option_in_config_is_named(self) -> None:
        """An unknown option in config is a ConfigurationError naming it."""
        options = {**self.backend_config.get("options", {}), BOGUS_OPTION: 1}
        with pytest.raises(ConfigurationError) as info:
            self.client(options=options).close()
        assert BOGUS_OPTION in str(info.value)

    def test_unknown_option_in_request_is_named(self) -> None:
        """An unknown option in a request is a ValidationError naming it."""
        with self.client() as client, pytest.raises(ValidationError) as info:
            client.generate(self.prompt, options={BOGUS_OPTION: 1}, **self.fields())
        assert BOGUS_OPTION in str(info.value)

    def test_generate(self) -> None:
        """generate() returns a complete, well-formed Response."""
        with self.client() as client:
            check_response(
                client.generate(self.prompt, **self.fields()), self.provider, self.max_tokens
            )

    def test_stream(self) -> None:
        """stream() yields text deltas, then exactly one final event carrying the Response."""
        with self.client() as client:
            with client.stream(self.prompt, **self.fields()) as stream:
                events = list(stream)
            generated = client.generate(self.prompt, **self.fields())
        assert events, "the stream yielded nothing"
        assert events[-1].done, "the stream did not end with a done event"
        assert not any(e.done for e in events[:-1]), "done event before the end"
        final = check_response(events[-1].response, self.provider, self.max_tokens)
        assert "".join(e.text for e in events) == final.content, "deltas != final content"
        if self.deterministic:
            assert final.content == generated.content, "stream and generate disagree at temp 0"

    def test_stream_early_close_releases_the_connection(self) -> None:
        """Closing a stream after its first event releases it; the client keeps working."""
        if not self.http:
            with self.client() as client:
                self._close_early_then_generate(client)
            return
        with self.proxied() as (proxy, url):
            with self.client(base_url=url) as client:
                self._close_early_then_generate(client, proxy)
            assert proxy.wait_open(0, self.release_timeout), (
                f"{proxy.open_connections} sockets leaked after close()"
            )

    def _close_early_then_generate(self, client, proxy=None) -> None:
        stream = client.stream(self.prompt, **self.fields(max_tokens=max(self.max_tokens, 200)))
        next(stream)
        during = proxy.open_connections if proxy else 0
        stream.close()
        if proxy is not None:
            assert proxy.wait_open(during - 1, self.release_timeout), (
                "the stream's connection is still open"
            )
        check_response(
            client.generate(self.prompt, **self.fields()), self.provider, self.max_tokens
        )

    def test_list_models(self) -> None:
        """list_models() returns ModelInfo objects of this provider (with the model)."""
        with self.client() as client:
            models = client.list_models()
        assert models, "list_models() returned no model"
        assert all(isinstance(m, ModelInfo) for m in models), models
        assert {m.provider for m in models} == {self.provider}
        if self.model_listed:
            assert self.model_id in {m.id for m in models}, [m.id for m in models]

    def test_health_check_ok(self) -> None:
        """health_check() is ok against the running backend."""
        with self.client() as client:
            health = client.health_check()
        assert isinstance(health, Health), health
        assert health.ok, health
        assert health.provider == self.provider

    def test_health_check_refused_is_not_ok(self) -> None:
        """health_check() on a refused port is not ok, with a reason, and raises nothing."""
        self.require_http("refuse")
        with self.refused() as url, self.client(base_url=url, retry=ONE_TRY) as client:
            health = client.health_check()
        assert isinstance(health, Health), health
        assert not health.ok, health
        assert health.detail, "an unhealthy Health must say why (detail)"
        assert health.provider == self.provider

    def test_health_check_silent_is_not_ok(self) -> None:
        """health_check() against a server that never answers times out into ``ok=False``."""
        self.require_http("stay silent")
        timeouts = {"connect": 2.0, "read": self.silent_read_timeout}
        with (
            self.silent() as url,
            self.client(base_url=url, timeouts=timeouts, retry=ONE_TRY) as client,
        ):
            health = client.health_check()
        assert not health.ok, health
        assert health.detail, "an unhealthy Health must say why (detail)"

    def test_images(self) -> None:
        """A request with an image succeeds (only for providers that read images)."""
        if not self.supports_images:
            pytest.skip("supports_images = False")
        with self.client() as client:
            response = client.generate(self.prompt, images=[tiny_png()], **self.fields())
        check_response(response, self.provider, self.max_tokens)
