"""A router's deployments, checked once when the client is built: ``settings.router.deployments``.

Each item is a provider config (``provider``, ``base_url``, ``model``, ``api_key``, ...) plus
the routing keys (``name``, ``weight``, ``max_in_flight``, ``rpm``, ``tpm``). A deployment
without its own ``model`` serves the router's (``Client("router", model=...)``), and one
without its own ``rpm`` / ``tpm`` gets the ``rate_limit`` budgets (``"rpm": None``: none).
Every problem is a :class:`~llm_core.errors.ConfigurationError` that names
``router.deployments[i]`` and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pydantic

from llm_core.config import ProviderConfig
from llm_core.config.scaling import ROUTING_KEYS
from llm_core.errors import ConfigurationError
from llm_core.router import ROUTER

__all__ = ["ROUTER", "Deployment", "deployments_of"]

#: The provider name of the router itself: ``Client("router")``.
_ENV = "LLM_CORE_ROUTER__DEPLOYMENTS"
_EXAMPLE = (
    '[{"provider": "ollama", "base_url": "http://gpu-a:11434"}, '
    '{"provider": "ollama", "base_url": "http://gpu-b:11434"}]'
)


@dataclass(frozen=True, slots=True)
class Deployment:
    """One deployment: its provider config, its name (in ``Attempt.label`` and health), its
    routing knobs, and the model it names itself (None: it serves the request's)."""

    index: int
    name: str
    config: ProviderConfig
    weight: float = 1.0
    max_in_flight: int | None = None
    rpm: int | None = None
    own_model: str | None = None
    tpm: int | None = None

    @property
    def key(self) -> str:
        """The deployment's identity in the shared state (the same in every process)."""
        return self.config.key()


def deployments_of(config: ProviderConfig, settings: Any, providers: Any) -> list[Deployment]:
    """The checked deployments of ``settings.router`` for the router configured by ``config``."""
    items = settings.router.deployments
    if not items:
        raise ConfigurationError(
            "provider 'router' has no deployments: router.deployments is empty",
            hint=f"Give it the servers to route over, e.g. {_ENV}='{_EXAMPLE}'.",
        )
    limits = settings.rate_limit  # the budgets of a deployment that names none of its own
    out = [_deployment(i, item, config, providers, limits) for i, item in enumerate(items)]
    seen: dict[str, int] = {}
    for d in out:
        if d.name in seen:
            raise ConfigurationError(
                f"router.deployments[{d.index}] has the same name {d.name!r} as "
                f"router.deployments[{seen[d.name]}]",
                hint="Give each deployment its own base_url, or a distinct 'name'.",
            )
        seen[d.name] = d.index
    if settings.router.same_model:
        _same_model(out)
    return out


def _deployment(
    i: int, item: dict[str, Any], config: ProviderConfig, providers: Any, limits: Any
) -> Deployment:
    where = f"router.deployments[{i}]"
    fields = {k: v for k, v in item.items() if k not in ROUTING_KEYS}
    fields.setdefault("model", config.model)
    fields.setdefault("timeouts", config.timeouts)
    fields.setdefault("limits", config.limits)
    try:
        deployed = ProviderConfig(**fields)
    except pydantic.ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in err["loc"]) or "value"
        raise ConfigurationError(
            f"invalid {where}.{field}: {err['msg']}",
            hint=f"Fix that deployment in router.deployments ({_ENV}); a deployment takes the "
            f"fields of a provider config plus {', '.join(ROUTING_KEYS)}.",
        ) from None
    if deployed.provider == ROUTER:
        raise ConfigurationError(
            f"{where}.provider is 'router': a router cannot route to itself",
            hint="Name the provider that serves the model there: ollama, openai, lmstudio, ...",
        )
    try:
        providers.get(deployed.provider)
    except ConfigurationError as exc:
        raise ConfigurationError(
            f"{where}.provider {deployed.provider!r} is unknown: {exc.message}",
            hint=exc.hint,
        ) from None
    model = item.get("model")
    name = item.get("name") or _default_name(i, deployed)
    return Deployment(
        i,
        name.strip(),
        deployed,
        float(item.get("weight", 1.0)),
        item.get("max_in_flight"),
        item.get("rpm", limits.rpm),
        model,
        item.get("tpm", limits.tpm),
    )


def _default_name(i: int, config: ProviderConfig) -> str:
    if config.base_url:
        return urlsplit(config.base_url).netloc.rpartition("@")[2] or config.base_url
    return f"{config.provider}-{i}"


def _same_model(deployments: list[Deployment]) -> None:
    first = deployments[0]
    for d in deployments[1:]:
        if d.config.model != first.config.model:
            raise ConfigurationError(
                f"router.deployments[{d.index}].model is {d.config.model!r} but "
                f"router.deployments[{first.index}] serves {first.config.model!r}: a router "
                "serves one model",
                hint="Give every deployment the same model (or none, to serve the router's), "
                "or set router.same_model=false when the servers name one model differently.",
            )
