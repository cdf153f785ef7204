"""The faulty adapters ``tests/test_contract_bites.py`` feeds the contract kit: the source of the
throwaway project's ``broken.py``. Each subclasses the built-in OpenAI adapter and breaks one
rule (named in its comment); ``Faithful`` breaks none.
"""

ADAPTERS = """
import dataclasses
import json

import httpx2

import llm_core
from llm_core.openai import AsyncOpenAIAdapter, OpenAIAdapter


class Faithful(OpenAIAdapter):
    provider = "faithful"


class Leaky(OpenAIAdapter):  # shows the API key in its repr
    provider = "leaky"

    def __repr__(self):
        return f"Leaky(api_key={self.config.api_key.get_secret_value()!r})"


class Retrying(OpenAIAdapter):  # retries on its own: the core's retry layer is the only one
    provider = "retrying"

    def generate(self, request, *, deadline=None):
        try:
            return super().generate(request, deadline=deadline)
        except llm_core.ConnectionError:
            return super().generate(request, deadline=deadline)


class Unclosed(OpenAIAdapter):  # keeps its streams' line readers and never closes them
    provider = "unclosed"
    readers = []

    def stream(self, request, *, deadline=None):
        model = self.model_for(request)
        body = self.build_body(request, self.options_for(request), stream=True)
        return self._unclosed(body, model)

    def _unclosed(self, body, model):
        state = self.new_stream(model, 0.0)
        response = self.http.send(self.http.build_request("POST", self.chat_path, json=body),
                                  stream=True)
        self.readers.append(lines := response.iter_lines())
        for line in lines:
            event = state.feed(line)
            if event is not None:
                yield event
        yield state.finish()


class Stubborn(OpenAIAdapter):  # ignores the call's deadline (timeouts.total)
    provider = "stubborn"

    def _send(self, method, path, body, model, deadline):
        return super()._send(method, path, body, model, None)


class Hoarder(OpenAIAdapter):  # buffers any answer whole, however large
    provider = "hoarder"
    max_response_bytes = 1 << 40
    max_line_bytes = 1 << 40


class Vague(OpenAIAdapter):  # loses the error type
    provider = "vague"

    def generate(self, request, *, deadline=None):
        try:
            return super().generate(request, deadline=deadline)
        except llm_core.LLMError as exc:
            raise llm_core.ProviderError(exc.message, provider=self.provider) from None


class Swallowing(OpenAIAdapter):  # hides a stream that broke off: ends it as if complete
    provider = "swallowing"

    def stream(self, request, *, deadline=None):
        text = []
        try:
            for event in super().stream(request, deadline=deadline):
                text.append(event.text)
                yield event
        except llm_core.GenerationError:
            answer = llm_core.Response("".join(text), "m", self.provider)
            yield llm_core.StreamEvent(done=True, response=answer)


class Stringly(OpenAIAdapter):  # leaves tool-call arguments as the wire's JSON string
    provider = "stringly"

    def generate(self, request, *, deadline=None):
        response = super().generate(request, deadline=deadline)
        response.tool_calls = [
            dataclasses.replace(c, arguments=json.dumps(c.arguments)) for c in response.tool_calls
        ]
        return response


class Roleless(OpenAIAdapter):  # sends tool results as user messages
    provider = "roleless"

    def build_body(self, request, options, stream):
        body = super().build_body(request, options, stream=stream)
        for message in body["messages"]:
            if message["role"] == "tool":
                message["role"] = "user"
        return body


class Unmarked(OpenAIAdapter):  # never says which stream event completed a tool call
    provider = "unmarked"

    def stream(self, request, *, deadline=None):
        for event in super().stream(request, deadline=deadline):
            yield dataclasses.replace(event, tool_call=None)


@llm_core.hookimpl
def llm_core_register_providers(register):
    for cls in (
        Faithful, Leaky, Retrying, Unclosed, Stubborn, Hoarder, Vague, Swallowing, Stringly,
        Roleless, Unmarked,
    ):
        twin = type("Async" + cls.__name__, (AsyncOpenAIAdapter,), {"provider": cls.provider})
        register(cls.provider, adapter=cls, async_adapter=twin)
"""
