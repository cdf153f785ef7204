"""The router: one logical provider over several deployments (``specs/scaling.md``).

``Client("router", model=..., router={"deployments": [...]})``. Modules by role:
:mod:`.deployments` (the checked settings), :mod:`.policy` (the order of one request),
:mod:`.capacity` (leases, budgets and latencies in the state store), :mod:`.trail` (failures
and attempts of one call), :mod:`.layer` (the flows), :mod:`.plugin` (the wrapper plugin).
"""

from llm_core.router.deployments import ROUTER, Deployment
from llm_core.router.errors import DeploymentsExhaustedError, NoCapacityError
from llm_core.router.policy import DeploymentStats, Policy

__all__ = [
    "ROUTER",
    "Deployment",
    "DeploymentStats",
    "DeploymentsExhaustedError",
    "NoCapacityError",
    "Policy",
]
