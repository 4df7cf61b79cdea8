"""How an agent turn ends when the model's answer cannot be the last word: what the agent
says instead (plain text, readable as Slack mrkdwn and as Markdown)."""

from typing import Final

from policies.mrkdwn import APOLOGY_TEXT, BUDGET_EXHAUSTED_TEXT, BUSY_TEXT

# The `done` event's error codes, and what the agent says for each.
BUDGET_EXHAUSTED: Final = "budget_exhausted"
BUSY: Final = "busy"
FAILED: Final = "failed"
STEP_LIMIT: Final = "step_limit"
DEADLINE: Final = "deadline"
APPROVAL_EXPIRED: Final = "approval_expired"

STEP_LIMIT_TEXT: Final = (
    "I stopped before finishing: this needed more steps than I may take for one message. "
    "Could you break the request into smaller parts?"
)
DEADLINE_TEXT: Final = (
    "I ran out of time on this one before finishing. Please try again, or ask for less at once."
)

ERROR_TEXTS: Final[dict[str, str]] = {
    BUDGET_EXHAUSTED: BUDGET_EXHAUSTED_TEXT,
    BUSY: BUSY_TEXT,
    FAILED: APOLOGY_TEXT,
    STEP_LIMIT: STEP_LIMIT_TEXT,
    DEADLINE: DEADLINE_TEXT,
}


def error_text(code: str) -> str:
    """What the agent says for a turn that ended with `code` (the apology for any other)."""
    return ERROR_TEXTS.get(code, APOLOGY_TEXT)
