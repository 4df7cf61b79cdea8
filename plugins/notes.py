"""Where plugins leave notes on a call (agent, degradation, trace) for each other and the logger.

LiteLLM keeps its own per-call metadata in `metadata`, except on routes where `metadata` is
a field of the provider's API and goes to the provider (the Responses API): there it keeps
its own in `litellm_metadata`. A note in the wrong one would reach, and be stored by, the
provider.
"""

from typing import Any

LITELLM_OWN = "litellm_metadata"


def notes(data: dict[str, Any]) -> dict[str, Any]:
    """A call's notes, in LiteLLM's own metadata of this call (created when missing)."""
    bucket = LITELLM_OWN if LITELLM_OWN in data else "metadata"
    found = data.get(bucket)
    if not isinstance(found, dict):
        found = data[bucket] = {}
    return found


def logged_notes(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The notes of a call LiteLLM logged (its success and failure events' kwargs)."""
    params = kwargs.get("litellm_params") or {}
    own = params.get(LITELLM_OWN)
    return own if isinstance(own, dict) and own else (params.get("metadata") or {})
