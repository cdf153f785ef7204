"""Fake models and deterministic generation for the Ollama emulator (no I/O here).

Every name is stored in full (``name:tag``); ``find`` applies Ollama's rule that a missing tag
means ``latest``. Generation is deterministic: the answer is ``"echo: " + <last user text>``
(or ``w0 w1 ...`` when the emulator is asked for N words), one word per stream piece; a model
with the ``thinking`` capability first thinks ``"thinking about: " + <last user text>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import re
import socket
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

B64_ALPHABET = frozenset(string.ascii_letters + string.digits + "+/=")
MODIFIED = "2025-05-04T17:37:44.706015-07:00"
_DURATION = re.compile(r"^(-?\d+(?:\.\d+)?)(ms|s|m|h)?$")


@dataclass
class FakeModel:
    name: str  # full name, with tag
    family: str
    parameter_size: str
    quantization: str
    capabilities: tuple[str, ...]
    size: int
    context_length: int
    digest: str = ""
    layers: tuple[int, ...] = (1_000_000, 2_000)  # blob sizes, for pull progress
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.digest = self.digest or hashlib.sha256(self.name.encode()).hexdigest()

    def details(self) -> dict[str, Any]:
        return {
            "parent_model": "",
            "format": "gguf",
            "family": self.family,
            "families": [self.family],
            "parameter_size": self.parameter_size,
            "quantization_level": self.quantization,
        }

    def tag(self, capabilities: bool) -> dict[str, Any]:
        """The model's entry in ``/api/tags`` (``capabilities`` only on recent servers)."""
        entry = {
            "name": self.name,
            "model": self.name,
            "modified_at": MODIFIED,
            "size": self.size,
            "digest": self.digest,
            "details": self.details(),
        }
        return entry | ({"capabilities": list(self.capabilities)} if capabilities else {})

    def show(self) -> dict[str, Any]:
        """The ``/api/show`` answer (large arrays emptied, as without ``verbose``)."""
        arch = self.family
        return {
            "license": "fake license",
            "modelfile": f"FROM {self.name}\n",
            "parameters": 'stop "<|eot|>"',
            "template": "{{ .Prompt }}",
            "details": self.details(),
            "modified_at": MODIFIED,
            "model_info": {
                "general.architecture": arch,
                "general.parameter_count": 1,
                f"{arch}.context_length": self.context_length,
                "tokenizer.ggml.tokens": [],
            },
            "capabilities": list(self.capabilities),
        }


def default_models() -> dict[str, FakeModel]:
    """One text model with tools, one vision model, one thinking model, one embedding model."""
    models = [
        FakeModel(
            "llama3.2:latest",
            "llama",
            "3.2B",
            "Q4_K_M",
            ("completion", "tools"),
            2_019_393_189,
            131072,
        ),
        FakeModel(
            "llava:7b", "llama", "7B", "Q4_0", ("completion", "vision"), 4_733_363_377, 32768
        ),
        FakeModel(
            "qwen3:0.6b",
            "qwen3",
            "751.63M",
            "Q4_K_M",
            ("completion", "tools", "thinking"),
            522_653_767,
            40960,
        ),
        FakeModel(
            "nomic-embed-text:latest",
            "nomic-bert",
            "137M",
            "F16",
            ("embedding",),
            274_302_450,
            2048,
        ),
    ]
    return {m.name: m for m in models}


def registry_models() -> dict[str, FakeModel]:
    """What ``/api/pull`` can download (a model the registry lacks fails after the manifest)."""
    m = FakeModel(
        "smollm2:135m",
        "llama",
        "134.52M",
        "F16",
        ("completion", "tools"),
        270_898_672,
        8192,
        layers=(270_000_000, 1_024, 558),
    )
    return {m.name: m}


def now() -> str:
    """The current time as Ollama writes ``created_at``."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def iso(epoch: float) -> str:  # a model kept "forever" expires in a far-away year
    when = datetime.fromtimestamp(min(epoch, 1.1e10), UTC)
    return when.isoformat().replace("+00:00", "Z")


def full_name(name: str) -> str:
    """``llama3.2`` -> ``llama3.2:latest`` (a colon in a registry host is not a tag)."""
    return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"


def text_of(messages: list[dict[str, Any]], role: str = "user") -> str:
    """The content of the last message with ``role``."""
    for message in reversed(messages):
        if message.get("role") == role:
            return str(message.get("content") or "")
    return ""


def prompt_tokens(messages: list[dict[str, Any]]) -> int:
    """Whitespace words of every message, plus one per message (the template's markers)."""
    return sum(len(str(m.get("content") or "").split()) + 1 for m in messages)


def bad_base64_offset(data: Any) -> int | None:
    """Where Go's base64 decoder would fail (``illegal base64 data at input byte N``), or None."""
    if not isinstance(data, str):
        return 0
    for i, ch in enumerate(data):
        if ch not in B64_ALPHABET:
            return i
    try:
        base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return len(data) - len(data) % 4
    return None


def format_answer(fmt: Any) -> str:
    """A deterministic JSON answer for ``format`` ("json" or a JSON schema)."""
    import json

    if fmt == "json" or not isinstance(fmt, dict):
        return json.dumps({"answer": "echo"})

    def value(schema: dict[str, Any]) -> Any:
        if str(schema.get("$ref", "")).startswith("#/$defs/"):  # pydantic's nested models
            schema = fmt.get("$defs", {}).get(schema["$ref"][8:], {})
        kind = schema.get("type")
        if "enum" in schema:
            return schema["enum"][0]
        if kind == "object":
            props = schema.get("properties") or {}
            return {k: value(v if isinstance(v, dict) else {}) for k, v in props.items()}
        if kind == "array":
            return [value(schema.get("items") or {})]
        return {"integer": 42, "number": 4.2, "boolean": True, "null": None}.get(kind, "echo")

    return json.dumps(value(fmt))


def keep_alive_seconds(value: Any) -> float | None:
    """Seconds to stay loaded (inf: forever); None if invalid. Numbers are seconds."""
    if value is None:
        return 300.0
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float("inf") if value < 0 else float(value)
    match = _DURATION.match(str(value))  # a subset of Go durations; enough for the tests
    if not match or (match.group(2) is None and match.group(1) != "0"):
        return None  # Go's ParseDuration needs a unit, except for "0"
    number = (
        float(match.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 0}[match.group(2)]
    )
    return float("inf") if number < 0 else number


def host_allowed(host_header: str) -> bool:
    """Ollama's allowedHostsMiddleware for a loopback-bound server (``server/routes.go``)."""
    host = host_header.strip()
    if host.startswith("["):
        host = host[1:].partition("]")[0]
    elif host.count(":") == 1:
        host = host.partition(":")[0]
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        host = host.lower()
        local = ("", "localhost", socket.gethostname().lower())
        return host in local or host.endswith((".localhost", ".local", ".internal"))
    return ip.is_loopback or ip.is_private or ip.is_unspecified


def pull_steps(model: FakeModel | None) -> list[dict[str, Any]]:
    """The ``/api/pull`` progress objects: per layer one line without ``completed`` (as early
    lines are), then quarters; a model the registry lacks fails after ``pulling manifest``."""
    steps: list[dict[str, Any]] = [{"status": "pulling manifest"}]
    if model is None:  # exact text from reports (PROTOCOLS §1.7 gives none): inferred
        return [*steps, {"error": "pull model manifest: file does not exist"}]
    for i, size in enumerate(model.layers):
        digest = f"sha256:{model.digest[i : i + 12]}{model.digest[12:]}"
        status = f"pulling {digest[7:19]}"
        steps.append({"status": status, "digest": digest, "total": size})
        steps += [{"status": status, "digest": digest, "total": size, "completed": size * q // 4}
                  for q in range(1, 5)]  # fmt: skip
    return steps + [{"status": s} for s in ("verifying sha256 digest", "writing manifest",
                                            "success")]  # fmt: skip
