"""The wire's JSON codec gives the standard library's results, with orjson or without it."""

from __future__ import annotations

import json
import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llm_core.http import json_codec, json_loads
from llm_core.http.json_codec import json_dumps

orjson = pytest.importorskip("orjson", reason="the aiohttp extra's orjson (CI installs it)")


@pytest.fixture(params=["orjson", "stdlib"])
def codec(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test on both paths: orjson's, and the standard library's alone (the core alone)."""
    if request.param == "stdlib":
        monkeypatch.setattr(json_codec, "_FAST_LOADS", None)
        monkeypatch.setattr(json_codec, "_FAST_DUMPS", None)
    return request.param


def test_orjson_is_used_when_installed() -> None:
    assert json_codec._FAST_LOADS is orjson.loads and json_codec._FAST_DUMPS is orjson.dumps


@pytest.mark.parametrize(
    "text",
    [
        b'{"a": NaN, "b": Infinity, "c": -Infinity}',  # orjson refuses these literals
        b'"\\ud800"',  # a lone surrogate escape
        b'\xef\xbb\xbf{"a": 1}',  # a UTF-8 byte-order mark
        '{"a": 1}'.encode("utf-16"),  # another encoding the standard library detects
        b'{"a": 1, "a": 2}',  # a repeated key: the last wins
        b' {"caf\xc3\xa9": [1, 2.5, -0.0, true, null, "\\u00e9"]} \n',
        '{"é": 1}',  # a str, as stream parsers pass
    ],
)
def test_loads_decodes_what_the_standard_library_decodes(codec: str, text: bytes | str) -> None:
    got, expected = json_loads(text), json.loads(text)
    assert repr(got) == repr(expected)  # repr: NaN is not equal to itself


@pytest.mark.parametrize("text", [b"", b"{", b'{"a": 1,}', b"nope", b'{"a": "\xff"}', b"[1] [2]"])
def test_loads_refuses_what_is_not_json_as_the_standard_library(codec: str, text: bytes) -> None:
    with pytest.raises((json.JSONDecodeError, UnicodeDecodeError)) as stdlib:
        json.loads(text)
    with pytest.raises(type(stdlib.value), match=re.escape(str(stdlib.value))):
        json_loads(text)


def test_an_integer_beyond_64_bits_is_the_one_documented_difference() -> None:
    got = json_loads(b'{"n": 123456789012345678901234567890}')["n"]
    assert isinstance(got, float) and math.isclose(got, 123456789012345678901234567890)


@pytest.mark.parametrize(
    "value",
    [
        {"messages": [{"role": "user", "content": "héllo ✓"}], "max_tokens": 8, "stream": False},
        {"n": 2**70},  # beyond orjson's 64 bits: the standard library encodes it
        {1: "a", "b": (1, 2)},  # a non-string key, a tuple
        [0.1, 1e16, 1e-7, -0.0, None, True],
    ],
)
def test_dumps_encodes_compact_utf8_json_that_decodes_to_the_value(codec: str, value) -> None:
    data = json_dumps(value)
    assert isinstance(data, bytes) and b", " not in data and b": " not in data
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    assert json.loads(data) == json.loads(expected)
    if isinstance(value, dict) and "messages" in value:
        assert "héllo ✓".encode() in data  # non-ASCII kept, not \u-escaped


def test_dumps_refuses_a_lone_surrogate_as_before(codec: str) -> None:
    with pytest.raises(UnicodeEncodeError, match="surrogates not allowed"):
        json_dumps({"content": "\ud800"})


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(json_values)  # hypothesis's text has no lone surrogates
def test_any_json_value_round_trips_as_with_the_standard_library(value) -> None:
    text = json.dumps(value, ensure_ascii=False).encode("utf-8")
    assert repr(json_loads(text)) == repr(json.loads(text))
    assert json.loads(json_dumps(value)) == value
