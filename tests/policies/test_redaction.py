"""Redaction masks keys, tokens and credentials, and leaves ordinary text alone."""

import pytest

from policies.redaction import MASK, redact

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "secret_line",
    [
        "calling with sk-kon-AbCdEf0123456789_xyz",
        "token xoxb-1234567890-0987654321-AbCdEfGhIj",
        "headers={'Authorization': 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig'}",
        'body {"api_key": "plain-provider-key", "x": 1}',
        'login {"email": "a@b.c", "password": "hunter2hunter2"}',
        "x-api-key: sk-ant-api03-abcdefghijkl",
        "bot_token=xoxp-abc-def-ghi",
    ],
)
def test_secret_shapes_are_masked(secret_line: str) -> None:
    cleaned = redact(secret_line)
    assert MASK in cleaned
    for needle in (
        "sk-kon-AbC",
        "xoxb-1234",
        "eyJhbGci",
        "plain-provider-key",
        "hunter2",
        "api03",
        "xoxp-abc",
    ):
        assert needle not in cleaned


def test_known_secrets_are_masked_whatever_their_shape() -> None:
    assert redact("master is hunter-two-point-oh", ["hunter-two-point-oh"]) == f"master is {MASK}"


def test_ordinary_text_is_untouched() -> None:
    line = "tenant 3f2c created agent Ada; 11 prompt tokens, cost 0.0001 (task-skeleton)"
    assert redact(line) == line
