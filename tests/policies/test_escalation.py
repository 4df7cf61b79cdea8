"""Escalation rules: validation, whole-word matching and the handoff message."""

import pytest
from pydantic import ValidationError

from policies.escalation import EscalationRule, handoff_text, match_escalation

pytestmark = pytest.mark.unit


def rule(*keywords: str, target_type: str = "user", target: str = "U01FINANCE") -> EscalationRule:
    return EscalationRule.model_validate(
        {"keywords": keywords, "target_type": target_type, "target": target}
    )


def test_keywords_are_stripped_lowercased_and_whitespace_collapsed() -> None:
    assert rule("  Refund ", "Late   Payment").keywords == ("refund", "late payment")


@pytest.mark.parametrize("keywords", [(), ("refund", "  "), ("",)])
def test_rule_needs_non_blank_keywords(keywords: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError, match="keyword"):
        rule(*keywords)


@pytest.mark.parametrize("target", ["", "U01 X", " U01", "C01\n"])
def test_target_must_be_an_id_without_whitespace(target: str) -> None:
    with pytest.raises(ValidationError, match="target"):
        rule("refund", target=target)


def test_target_type_is_user_or_channel() -> None:
    with pytest.raises(ValidationError):
        rule("refund", target_type="group")


def test_rule_is_frozen_and_rejects_unknown_fields() -> None:
    refund = rule("refund")
    with pytest.raises(ValidationError):
        refund.target = "U02"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        EscalationRule.model_validate(
            {"keywords": ["x"], "target_type": "user", "target": "U1", "priority": 1}
        )


@pytest.mark.parametrize(
    "text",
    ["I want a Refund!", "REFUND please", "refund", "can I get a (refund)?", "refund, now"],
)
def test_keyword_matches_as_a_whole_word_in_any_case(text: str) -> None:
    refund = rule("refund")
    assert match_escalation([refund], text) is refund


@pytest.mark.parametrize("text", ["we made a billion", "refunded already", "prebill", "Billy"])
def test_keyword_never_matches_inside_another_word(text: str) -> None:
    assert match_escalation([rule("bill", "refund")], text) is None


def test_phrase_matches_across_any_whitespace() -> None:
    late = rule("late payment")
    assert match_escalation([late], "about a LATE\n payment.") is late
    assert match_escalation([late], "late payments") is None


def test_keyword_with_punctuation_edges_matches() -> None:
    cpp = rule("c++")
    assert match_escalation([cpp], "help with C++ please") is cpp
    assert match_escalation([cpp], "abc++ is not c") is None


def test_first_matching_rule_wins() -> None:
    legal = rule("lawsuit", target="U01LEGAL")
    money = rule("refund", "lawsuit", target="U01MONEY")
    assert match_escalation([legal, money], "refund or lawsuit") is legal
    assert match_escalation([money, legal], "refund or lawsuit") is money
    assert match_escalation([legal, money], "just a refund") is money


def test_no_rules_or_no_match_is_none() -> None:
    assert match_escalation([], "refund") is None
    assert match_escalation([rule("refund")], "hello there") is None


def test_handoff_to_a_user_mentions_them_and_promises_quiet() -> None:
    text = handoff_text(rule("refund", target="U01FINANCE"), agent_name="Amara")
    assert "<@U01FINANCE>" in text
    assert "Amara" in text
    assert "quiet in this thread until someone mentions me again" in text


def test_handoff_to_a_channel_links_the_channel() -> None:
    text = handoff_text(rule("outage", target_type="channel", target="C01OPS"), agent_name="Kenji")
    assert "<#C01OPS>" in text
    assert "<@" not in text
    assert "until someone mentions me again" in text
