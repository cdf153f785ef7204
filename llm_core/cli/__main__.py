"""``python -m llm_core.cli``: the ``llm-core`` command."""

import sys

from llm_core.cli import main

if __name__ == "__main__":
    sys.exit(main())
