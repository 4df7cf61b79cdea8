"""The fakes' fixtures, and LiteLLM kept offline (local cost map)."""

import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from tests.fakes.fixtures import *  # noqa: E402, F403
