"""The end-of-run leak scan finds a secret in a component log (so a green run means something)."""

from pathlib import Path

import pytest

from tests.conftest import leaked_secrets

pytestmark = pytest.mark.unit


def test_scan_reports_leaked_keys_and_tokens(tmp_path: Path) -> None:
    (tmp_path / "proxy.log").write_text(
        '{"message": "auth ok"}\n{"message": "key sk-kon-AbCdEfGhIjKlMnOpQrStUvWx leaked"}\n'
    )
    (tmp_path / "bridge.log").write_text("posting with xoxb-1234567890-abcdefghij\n")
    leaks = leaked_secrets(tmp_path)
    assert len(leaks) == 2
    assert leaks[0].startswith("bridge.log")


def test_scan_of_clean_logs_is_empty(tmp_path: Path) -> None:
    (tmp_path / "proxy.log").write_text('{"message": "key [redacted] rejected"}\n')
    assert leaked_secrets(tmp_path) == []


def test_redis_scan_flags_tokens_in_strings_and_hashes() -> None:
    import redis

    from tests.conftest import TEST_REDIS_URL, holds_secret

    client = redis.Redis.from_url(TEST_REDIS_URL)
    keys = ["konstruct:leak-probe:string", "konstruct:leak-probe:hash", "konstruct:leak-probe:ok"]
    try:
        client.set(keys[0], '{"bot_token": "xoxb-1234567890-abcdefghijkl"}')
        client.hset(keys[1], mapping={"key": "sk-kon-AbCdEfGhIjKlMnOpQrStUvWx"})
        client.set(keys[2], '{"bot_user_id": "UBOT", "_stamp": "abc"}')
        assert [holds_secret(client, key.encode()) for key in keys] == [True, True, False]
    finally:
        client.delete(*keys)
