"""The router: one logical provider over several deployments (``specs/scaling.md``).

``Client("router", model=..., router={"deployments": [...]})``. Modules by role:
:mod:`.deployments` (the checked settings), :mod:`.policy` (the order of one request),
:mod:`.capacity` (leases, budgets and latencies in the state store), :mod:`.trail` (failures
and attempts of one call), :mod:`.layer` (the flows), :mod:`.adapters` (its shells),
:mod:`.plugin` (the wrapper plugin).
"""

from llm_core import lazy

#: The provider name of the router.
ROUTER = "router"

# loaded on first use: plugin discovery imports only the plugin module
__getattr__, __dir__ = lazy.exports(
    __name__,
    {
        "Deployment": "llm_core.router.deployments",
        "DeploymentStats": "llm_core.router.policy",
        "DeploymentsExhaustedError": "llm_core.router.errors",
        "NoCapacityError": "llm_core.router.errors",
        "Policy": "llm_core.router.policy",
    },
)

__all__ = [
    "ROUTER",
    "Deployment",
    "DeploymentStats",
    "DeploymentsExhaustedError",
    "NoCapacityError",
    "Policy",
]
