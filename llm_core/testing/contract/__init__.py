"""``AdapterContract``: every contract check in one base class an adapter author subclasses.

::

    from llm_core.testing import AdapterContract

    class TestMyProviderContract(AdapterContract):
        @pytest.fixture
        def provider_name(self):
            return "myprovider"

        @pytest.fixture
        def backend(self, my_server):      # start the backend however you like
            return my_server.base_url      # or a dict of config fields

        @pytest.fixture
        def model(self):
            return "tiny"

Class attributes say what the provider can do (see
:class:`~llm_core.testing.contract.fixtures.ContractBase`):
``http = False`` for an in-process engine, ``supports_images = True`` for a vision model,
``unknown_model`` returning None for a server that serves any name. The tool checks run when
the adapter's ``supports_tools`` is True, against ``tool_backend`` / ``tool_model`` (default:
``backend`` / ``model``; see :mod:`llm_core.testing.contract.tools`).
"""

from __future__ import annotations

from llm_core.testing.contract.breaks import StreamBreakChecks
from llm_core.testing.contract.calls import BasicChecks
from llm_core.testing.contract.errors import ErrorChecks
from llm_core.testing.contract.hostile import HostileChecks
from llm_core.testing.contract.parity import AsyncChecks
from llm_core.testing.contract.resilience import ResilienceChecks
from llm_core.testing.contract.tools import ToolChecks

__all__ = ["AdapterContract"]


class AdapterContract(
    BasicChecks,
    AsyncChecks,
    ErrorChecks,
    ResilienceChecks,
    HostileChecks,
    StreamBreakChecks,
    ToolChecks,
):
    """The whole adapter contract: subclass it in a ``Test*`` class and override the fixtures."""
