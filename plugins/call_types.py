"""LiteLLM's call types as our plugins' hooks receive them (an enum or its string value)."""

from typing import Any, Final

CHAT: Final = frozenset({"acompletion", "completion"})
RESPONSES_CREATE: Final = "aresponses"
# Responses API calls that name an existing response by id.
RESPONSES_BY_ID: Final = frozenset(
    {"aget_responses", "adelete_responses", "acancel_responses", "alist_input_items"}
)


def call_kind(call_type: Any) -> str:
    """The call type as a plain string, whichever form LiteLLM passed."""
    return str(getattr(call_type, "value", call_type))
