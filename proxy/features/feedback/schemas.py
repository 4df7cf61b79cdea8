"""Models for answer feedback (internal: the bridge records a vote; admin: counts per agent)."""

from typing import Annotated, Literal
from uuid import UUID

from pydantic import StringConstraints

from proxy.features.api.schemas import Input, Output, SlackId

MessageTs = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[0-9.]+$")]


class FeedbackIn(Input):
    agent_id: UUID
    channel_id: SlackId
    message_ts: MessageTs
    user_id: SlackId
    # +1 a thumbs up, -1 a thumbs down; a person's later vote on the same answer replaces it.
    rating: Literal[-1, 1]


class AgentFeedback(Output):
    agent_id: UUID
    up: int
    down: int
