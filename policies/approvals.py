"""Approvals of "ask first" tool calls: who may decide, what identifies one call, and what the
agent says when a call could not go ahead."""

import hashlib
import json
from collections.abc import Iterable
from typing import Any, Final

APPROVE: Final = "approve"
DENY: Final = "deny"
# Block Kit action ids the bridge gives the buttons; its interactivity endpoint sends every
# action whose id starts with ACTION_PREFIX to the approvals handler.
ACTION_PREFIX: Final = "approval:"
APPROVE_ACTION: Final = f"{ACTION_PREFIX}{APPROVE}"
DENY_ACTION: Final = f"{ACTION_PREFIX}{DENY}"

# Statuses an approval moves through (migrations/versions/0004_agent_runtime.py).
PENDING: Final = "pending"
APPROVED: Final = "approved"
DENIED: Final = "denied"
EXPIRED: Final = "expired"
RUNNING: Final = "running"
DONE: Final = "done"
DECIDED: Final = frozenset({APPROVED, DENIED, EXPIRED, RUNNING, DONE})


def may_decide(user_id: str, *, requested_by: str, approver_ids: Iterable[str]) -> bool:
    """Only the person who asked, or one of the agent's configured approvers, decides."""
    return bool(user_id) and (user_id == requested_by or user_id in set(approver_ids))


def call_key(tool_name: str, arguments: dict[str, Any]) -> str:
    """The same tool with the same arguments in one turn is one call (a replayed turn finds
    the approval it asked for before, and never runs the tool a second time)."""
    canonical = json.dumps([tool_name, arguments], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def expired_text(status_text: str) -> str:
    """The agent's answer when nobody approved a call in time."""
    what = status_text.rstrip(".…").strip() or "that"
    return (
        f"I couldn't go ahead: {what[0].lower() + what[1:]} needed an approval, and nobody "
        "approved it in time. Ask me again when someone can approve it."
    )


def denied_result(decided_by: str) -> str:
    """What the model reads as the result of a call a person declined."""
    return (
        f"The person asked ({decided_by}) declined this action, so it was not run. Do not retry it."
    )


def unknown_result() -> str:
    """What the model reads when an approved call was started earlier and its end is unknown."""
    return (
        "This approved action was started earlier and its outcome is unknown; it was not run "
        "again. Tell the person to check before asking for it again."
    )
