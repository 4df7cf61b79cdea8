"""Escalation rules: which topics an agent hands to a human, and what it says when it does."""

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator


class EscalationRule(BaseModel):
    """Messages mentioning any of `keywords` are handed to `target` (a user or a channel)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    keywords: tuple[str, ...]
    target_type: Literal["user", "channel"]
    target: str
    note: str = ""

    @field_validator("keywords")
    @classmethod
    def _normalize_keywords(cls, keywords: tuple[str, ...]) -> tuple[str, ...]:
        if not keywords:
            raise ValueError("an escalation rule needs at least one keyword")
        # Internal whitespace is collapsed so "late  payment" and "late payment" are one phrase.
        normalized = tuple(" ".join(keyword.split()).lower() for keyword in keywords)
        if not all(normalized):
            raise ValueError("escalation keywords must not be blank")
        return normalized

    @field_validator("target")
    @classmethod
    def _check_target(cls, target: str) -> str:
        if not target or any(char.isspace() for char in target):
            raise ValueError(f"escalation target must be a non-blank id without spaces: {target!r}")
        return target


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    # Lookarounds instead of \b so keywords that start or end with punctuation ("c++") still
    # match as whole words, and "bill" never matches inside "billion".
    phrase = r"\s+".join(re.escape(word) for word in keyword.split())
    return re.compile(rf"(?<!\w){phrase}(?!\w)", re.IGNORECASE)


def match_escalation(rules: Sequence[EscalationRule], text: str) -> EscalationRule | None:
    """Return the first rule with a keyword in `text` as a whole word or phrase, else None."""
    for rule in rules:
        if any(_keyword_pattern(keyword).search(text) for keyword in rule.keywords):
            return rule
    return None


def handoff_text(rule: EscalationRule, *, agent_name: str) -> str:
    """The agent's message when it brings a human into the thread and steps back."""
    if rule.target_type == "user":
        who = f"<@{rule.target}>"
    else:
        who = f"the team in <#{rule.target}>"
    return (
        f"This one needs a human, so I'm bringing in {who}. "
        f"I'm {agent_name}, the team's AI assistant, and I'll stay quiet in this thread "
        "until someone mentions me again."
    )
