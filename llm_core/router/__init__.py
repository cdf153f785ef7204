"""The router: one logical provider over several deployments (``specs/scaling.md``).

:mod:`.policy` orders the deployments for one request (the strategies); the wrapper plugin that
runs the request over that order is still to come.
"""

from llm_core.router.policy import DeploymentStats, Policy

__all__ = ["DeploymentStats", "Policy"]
