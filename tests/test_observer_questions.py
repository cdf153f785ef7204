"""Which observers the core asks, and when: nothing observing costs no hook call, the questions
follow plugin registrations, an idle plugin can wake at any time, and a hook-independent
``observes()`` is asked once per group of hooks."""

from __future__ import annotations

import pytest
from support.resilience import Recorder, resilience_env
from support.scripted import script

import llm_core
from llm_core.resilience.observe import Observer


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):
    with resilience_env(monkeypatch) as env:
        yield env


def test_hooks_are_skipped_when_nothing_observes(env) -> None:
    env.pm.unregister(name="test.recorder")
    env.pm.set_blocked("llm_core.logging")
    assert not Observer(env.pm).watching_calls
    env.pm.register(Recorder(), name="test.late")  # an observer added later is seen
    assert Observer(env.pm).watching_calls


def test_one_observer_follows_registrations_and_asks_each_time(env) -> None:
    """The observer keeps the questions to ask per group of hooks until the plugins change,
    but asks them on every check: an idle plugin (``observes`` False) can wake at any time."""
    env.pm.unregister(name="test.recorder")
    env.pm.set_blocked("llm_core.logging")
    obs = Observer(env.pm)
    assert not obs.watching_calls and not obs.live_calls

    class Sometimes:
        awake = False

        def observes(self, hook: str) -> bool:
            return self.awake and hook == "llm_core_on_error"

        @llm_core.hookimpl
        def llm_core_on_error(self, error) -> None:
            pass

    sometimes = Sometimes()
    env.pm.register(sometimes, name="test.sometimes")
    assert not obs.watching_calls  # registered, but idle
    sometimes.awake = True
    assert obs.watching_calls and obs.live("llm_core_on_error")
    assert not obs.live("llm_core_on_request") and not obs.live_calls

    class Always:  # no ``observes``: always watching
        @llm_core.hookimpl
        def llm_core_on_call_start(self, call) -> None:
            pass

        @llm_core.hookimpl
        def llm_core_on_response(self, response) -> None:
            pass

    env.pm.register(Always(), name="test.always")
    sometimes.awake = False
    assert obs.watching_calls and obs.live_calls and not obs.live("llm_core_on_error")
    env.pm.unregister(name="test.always")
    assert not obs.watching_calls


def test_a_hook_independent_observes_is_asked_once_per_group(env) -> None:
    """``observes()`` without a hook name answers for every hook: one question per group of
    hooks per check (the otel plugin's), still asked on every check."""
    env.pm.unregister(name="test.recorder")
    env.pm.set_blocked("llm_core.logging")
    obs = Observer(env.pm)

    class Idle:
        asked = 0
        awake = False

        def observes(self) -> bool:
            self.asked += 1
            return self.awake

        @llm_core.hookimpl
        def llm_core_on_request(self, request) -> None:
            pass

        @llm_core.hookimpl
        def llm_core_on_response(self, response) -> None:
            pass

        @llm_core.hookimpl
        def llm_core_on_error(self, error) -> None:
            pass

    idle = Idle()
    env.pm.register(idle, name="test.idle")
    assert not obs.watching_calls and not obs.watching_calls
    assert idle.asked == 2  # three hooks of the group, one question per check
    idle.awake = True
    assert obs.watching_calls and obs.live("llm_core_on_error")


def test_a_group_observes_is_asked_once_per_group_with_the_hooks_it_has(env) -> None:
    """``observes(*hook_names)`` is asked once per group, with the names of the group's hooks
    the plugin implements, and once with the one name for a single hook."""
    env.pm.unregister(name="test.recorder")
    env.pm.set_blocked("llm_core.logging")
    obs = Observer(env.pm)

    class Grouped:
        awake = False

        def __init__(self) -> None:
            self.asked: list[tuple[str, ...]] = []

        def observes(self, *hooks: str) -> bool:
            self.asked.append(hooks)
            return self.awake

        @llm_core.hookimpl
        def llm_core_on_request(self, request) -> None:
            pass

        @llm_core.hookimpl
        def llm_core_on_error(self, error) -> None:
            pass

    grouped = Grouped()
    env.pm.register(grouped, name="test.grouped")
    assert not obs.watching_calls and not obs.live_calls and not obs.live("llm_core_on_error")
    assert grouped.asked == [("llm_core_on_request", "llm_core_on_error"), ("llm_core_on_error",)]
    grouped.awake = True
    assert obs.watching and obs.live("llm_core_on_request")


def test_a_client_asks_once_per_call_and_reports_nothing_of_an_unobserved_call(env) -> None:
    """The Client asks the observers once as a call begins (``Call.observed``); an unobserved
    call is reported by no layer, an observed one from its start to its end."""
    env.pm.unregister(name="test.recorder")
    env.pm.set_blocked("llm_core.logging")

    class Watcher:
        awake = False

        def __init__(self) -> None:
            self.asked, self.seen = 0, []

        def observes(self) -> bool:
            self.asked += 1
            return self.awake

        @llm_core.hookimpl
        def llm_core_on_call_start(self, call) -> None:
            self.seen.append(("start", call.observed))

        @llm_core.hookimpl
        def llm_core_on_request(self, attempt) -> None:
            self.seen.append(("request", attempt))

        @llm_core.hookimpl
        def llm_core_on_response(self, response) -> None:
            self.seen.append(("response", response.content))

        @llm_core.hookimpl
        def llm_core_on_call_end(self, response, error) -> None:
            self.seen.append(("end", error))

    watcher = Watcher()
    env.pm.register(watcher, name="test.watcher")
    script("a", "unseen", "seen")
    with llm_core.Client("scripted", base_url="http://a") as client:
        assert client.generate("hi").content == "unseen"
        assert watcher.asked == 1 and watcher.seen == []
        watcher.awake = True
        client.generate("hi")
    assert watcher.seen == [("start", True), ("request", 1), ("response", "seen"), ("end", None)]


def test_the_logging_plugin_answers_a_group_by_its_highest_level() -> None:
    """The logging plugin's answer for a group is its highest level's: a lower level is on
    only when that one is."""
    import logging

    from llm_core.resilience.log import LoggingPlugin

    log = logging.getLogger("llm_core.test_group_levels")
    plugin = LoggingPlugin(log)
    group = ("llm_core_on_request", "llm_core_on_response", "llm_core_on_error")
    try:
        log.setLevel(logging.WARNING)
        assert not plugin.observes(*group) and plugin.observes("llm_core_on_retry")
        log.setLevel(logging.INFO)  # the error hook's level: the group is observed
        assert plugin.observes(*group) and not plugin.observes("llm_core_on_request")
        log.setLevel(logging.DEBUG)
        assert plugin.observes("llm_core_on_request")
    finally:
        log.setLevel(logging.NOTSET)
