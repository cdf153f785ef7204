"""The contract suite catches broken adapters: each fault fails the check meant for it.

A throwaway project (in a subprocess) runs the kit against subclasses of the built-in OpenAI
adapter (support/faulty_adapters.py), registered by hand and served by the real llama.cpp
server (its tools model for the tool checks). A faithful subclass fails only the entry-point
check (it was registered by hand); each faulty one fails its own check.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support.faulty_adapters import ADAPTERS

pytestmark = [pytest.mark.engine, pytest.mark.slow]

CONFTEST = """
import broken
from llm_core.plugins import get_plugin_manager

get_plugin_manager().register(broken, name="broken")  # by hand, not through an entry point
"""

TESTS = """
import os
import pytest
from llm_core.testing import AdapterContract


class Base(AdapterContract):
    entry_point = True
    release_timeout = 0.5
    hang_limit = 2.0
    parallel_tool_calls = False

    @pytest.fixture
    def tool_backend(self):
        return os.environ["KIT_TOOL_BACKEND"]

    @pytest.fixture
    def backend(self):
        return os.environ["KIT_BACKEND"]

    @pytest.fixture
    def model(self):
        return os.environ["KIT_MODEL"]

    @pytest.fixture
    def unknown_model(self):
        return None

"""

#: The check each faulty adapter must fail.
EXPECTED = {
    "Leaky": {"test_api_key_never_leaks"},
    "Retrying": {"test_retry_wraps_the_adapter"},
    "Unclosed": {"test_stream_early_close_releases_the_connection"},
    "Stubborn": {
        "test_total_deadline_is_honoured",
        "test_dripping_answer_keeps_the_deadline",
        "test_endless_blank_lines_keep_the_deadline",
    },
    "Hoarder": {"test_oversized_answer_is_refused", "test_gzip_bomb_is_refused"},
    "Vague": {"test_refused_connection_is_connection_error", "test_timeout_is_timeout_error"},
    "Swallowing": {"test_a_stream_cut_mid_answer_is_a_generation_error_with_partial_text"},
    "Stringly": {"test_tool_call_is_parsed", "test_tool_result_is_sent_back_with_the_tool_role"},
    "Roleless": {"test_tool_result_is_sent_back_with_the_tool_role"},
    "Unmarked": {"test_streamed_tool_call_is_assembled"},
}


def _project(root: Path) -> None:
    (root / "pytest.ini").write_text("[pytest]\n")
    (root / "broken.py").write_text(ADAPTERS)
    (root / "conftest.py").write_text(CONFTEST)
    classes = "".join(
        textwrap.dedent(f"""
        class Test{name}(Base):
            @pytest.fixture
            def provider_name(self):
                return "{name.lower()}"
        """)
        for name in ["Faithful", *EXPECTED]
    )
    (root / "test_broken.py").write_text(TESTS + classes)


def test_each_fault_fails_its_check(tmp_path: Path, llamacpp_server, llamacpp_tools_server) -> None:
    _project(tmp_path)
    selected = " or ".join(
        ["TestFaithful"]
        + [f"(Test{name} and ({' or '.join(checks)}))" for name, checks in EXPECTED.items()]
    )
    env = {
        **os.environ,
        "KIT_BACKEND": llamacpp_server.openai_url,
        "KIT_MODEL": llamacpp_server.model,
        "KIT_TOOL_BACKEND": llamacpp_tools_server.openai_url,
        "PYTHONPATH": str(tmp_path),
    }
    env.pop("PYTEST_ADDOPTS", None)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-k",
            selected,
            "--junitxml",
            str(tmp_path / "report.xml"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    outcomes: dict[str, dict[str, str]] = {}
    for case in ET.parse(tmp_path / "report.xml").iter("testcase"):
        cls = case.get("classname", "").rsplit(".", 1)[-1].removeprefix("Test")
        kind = next((c.tag for c in case if c.tag in ("failure", "error", "skipped")), "passed")
        outcomes.setdefault(cls, {})[case.get("name", "")] = kind

    faithful = outcomes["Faithful"]
    assert {t for t, k in faithful.items() if k != "passed" and k != "skipped"} == {
        "test_registered_through_entry_point"
    }, faithful  # registered by hand, as it should say
    assert sum(k == "passed" for k in faithful.values()) >= 15, faithful
    for name, checks in EXPECTED.items():
        assert {t for t, k in outcomes[name].items() if k == "failure"} == checks, outcomes[name]
