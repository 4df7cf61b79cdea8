"""The real ``slack_sdk`` clients against the Slack Web API fake."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack import SlackFake

pytestmark = pytest.mark.unit

TOKEN = "xoxb-test-token"


def _client(fake: SlackFake, token: str = TOKEN) -> WebClient:
    return WebClient(token=token, base_url=fake.api_url)


@pytest.fixture(autouse=True)
def _installed(fake_slack: SlackFake) -> None:
    """The app is installed in the fake's default workspace, which has a few channels."""
    fake_slack.install_workspace("T0FAKE", TOKEN, "UFAKEBOT", "Fake Workspace", "BFAKEBOT")
    for channel in ("C1", "C2", "C3", "C5", "C9"):
        fake_slack.share_channel(channel, "T0FAKE")


def test_auth_test(fake_slack: SlackFake) -> None:
    resp = _client(fake_slack).auth_test()
    assert resp["ok"] is True
    assert resp["team_id"] == "T0FAKE"
    assert resp["user_id"] == "UFAKEBOT"
    assert resp["bot_id"] == "BFAKEBOT"
    assert resp["url"].startswith("https://")
    (call,) = fake_slack.calls("auth.test")
    assert call.token == TOKEN
    assert call.team_id == "T0FAKE"


def test_post_update_delete_and_thread_view(fake_slack: SlackFake) -> None:
    client = _client(fake_slack)
    parent = fake_slack.add_message("C1", "what is our refund policy?", user="U1")
    placeholder = client.chat_postMessage(channel="C1", thread_ts=parent, text="Thinking...")
    assert placeholder["ok"] is True
    assert placeholder["channel"] == "C1"
    assert placeholder["message"]["thread_ts"] == parent
    assert placeholder["message"]["text"] == "Thinking..."
    ts = placeholder["ts"]
    assert float(ts) > float(parent)

    updated = client.chat_update(channel="C1", ts=ts, text="Refunds within 30 days.")
    assert updated["text"] == "Refunds within 30 days."
    assert updated["ts"] == ts

    extra = client.chat_postMessage(channel="C1", thread_ts=parent, text="oops")
    client.chat_delete(channel="C1", ts=extra["ts"])  # sent form-encoded by slack_sdk

    view = fake_slack.thread_view("C1", parent)
    assert [m.text for m in view] == ["Refunds within 30 days."]
    assert view[0].is_bot
    assert [text for _, text in view[0].edits] == ["Thinking...", "Refunds within 30 days."]
    assert fake_slack.thread_texts("C1", parent) == ["Refunds within 30 days."]
    with_parent = fake_slack.thread_view("C1", parent, include_parent=True)
    assert [m.text for m in with_parent][0] == "what is our refund policy?"
    assert [c.method for c in fake_slack.calls()] == [
        "chat.postMessage",
        "chat.update",
        "chat.postMessage",
        "chat.delete",
    ]
    assert fake_slack.calls("chat.delete")[0].params == {"channel": "C1", "ts": extra["ts"]}

    with pytest.raises(SlackApiError) as exc:
        client.chat_update(channel="C1", ts="1.000000", text="x")
    assert exc.value.response["error"] == "message_not_found"


def test_ts_are_unique_and_increasing(fake_slack: SlackFake) -> None:
    fake_slack.configure(post_message_burst=None)
    client = _client(fake_slack)
    stamps = [client.chat_postMessage(channel="C9", text=str(i))["ts"] for i in range(20)]
    assert len(set(stamps)) == 20
    assert stamps == sorted(stamps, key=float)


def test_native_streaming(fake_slack: SlackFake) -> None:
    client = _client(fake_slack)
    parent = fake_slack.add_message("C2", "hello", user="U1")
    streamer = client.chat_stream(
        channel="C2",
        thread_ts=parent,
        recipient_team_id="T0FAKE",
        recipient_user_id="U1",
        buffer_size=5,
    )
    for piece in ["Hello ", "there, ", "how can ", "I help?"]:
        streamer.append(markdown_text=piece)
    streamer.stop()
    methods = [c.method for c in fake_slack.calls()]
    assert methods[0] == "chat.startStream"
    assert "chat.appendStream" in methods
    assert methods[-1] == "chat.stopStream"
    (msg,) = fake_slack.thread_view("C2", parent)
    assert msg.text == "Hello there, how can I help?"
    assert msg.streamed
    assert not msg.streaming

    with pytest.raises(SlackApiError) as exc:
        client.chat_appendStream(channel="C2", ts=msg.ts, markdown_text="late")
    assert exc.value.response["error"] == "message_not_in_streaming_state"


def test_stream_in_channel_needs_recipient(fake_slack: SlackFake) -> None:
    with pytest.raises(SlackApiError) as exc:
        _client(fake_slack).chat_startStream(channel="C3", thread_ts="1.0", markdown_text="x")
    assert exc.value.response["error"].startswith("missing_recipient")
    ok = _client(fake_slack).chat_startStream(channel="D3", thread_ts="1.0", markdown_text="x")
    assert ok["ts"]


def test_disabled_methods_for_fallbacks(fake_slack: SlackFake) -> None:
    fake_slack.disabled_methods = {"chat.startStream"}
    with pytest.raises(SlackApiError) as exc:
        _client(fake_slack).chat_startStream(channel="D1", thread_ts="1.0", markdown_text="x")
    assert exc.value.response["error"] == "unknown_method"
    with pytest.raises(SlackApiError) as unknown:
        _client(fake_slack).api_call("no.such.method")
    assert unknown.value.response["error"] == "unknown_method"


def test_rate_limit_429_with_retry_after(fake_slack: SlackFake) -> None:
    fake_slack.rate_limit = {"chat.postMessage": 1}
    client = _client(fake_slack)
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="C1", text="hi")
    assert exc.value.response.status_code == 429
    assert exc.value.response.headers["Retry-After"] == "1"
    assert exc.value.response["error"] == "ratelimited"
    assert client.chat_postMessage(channel="C1", text="hi")["ok"] is True


def test_rate_limit_retry_handler_recovers(fake_slack: SlackFake) -> None:
    fake_slack.configure(rate_limit={"chat.update": 1}, retry_after=0)
    client = _client(fake_slack)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    ts = client.chat_postMessage(channel="C1", text="a")["ts"]
    assert client.chat_update(channel="C1", ts=ts, text="b")["ok"] is True
    assert [c.status for c in fake_slack.calls("chat.update")] == [429, 200]


def test_invalid_and_missing_tokens(fake_slack: SlackFake) -> None:
    fake_slack.invalid_tokens = {"xoxb-bad"}
    with pytest.raises(SlackApiError) as exc:
        _client(fake_slack, token="xoxb-bad").auth_test()
    assert exc.value.response["error"] == "invalid_auth"
    no_token = httpx.post(f"{fake_slack.api_url}auth.test").json()
    assert no_token == {"ok": False, "error": "not_authed"}


def test_oauth_v2_access(fake_slack: SlackFake) -> None:
    fake_slack.configure(
        oauth_codes={"code-a": {"team_id": "TACME", "team_name": "Acme"}, "code-b": "TGLOBEX"},
        oauth_client_id="cid",
        oauth_client_secret="secret",
    )
    client = WebClient(base_url=fake_slack.api_url)
    resp = client.oauth_v2_access(client_id="cid", client_secret="secret", code="code-a")
    assert resp["ok"] is True
    assert resp["access_token"].startswith("xoxb-fake-")
    assert resp["token_type"] == "bot"
    assert resp["bot_user_id"].startswith("UBOT")
    assert resp["team"] == {"id": "TACME", "name": "Acme"}
    assert resp["authed_user"]["id"]
    assert resp["app_id"] == "AFAKEAPP"
    assert "chat:write" in resp["scope"]

    # The minted token belongs to that workspace, and sees only that workspace's channels.
    me = _client(fake_slack, token=resp["access_token"]).auth_test()
    assert (me["team_id"], me["user_id"]) == ("TACME", resp["bot_user_id"])
    acme_channel = fake_slack.add_message("CACME", "hi", team_id="TACME") and "CACME"
    posted = _client(fake_slack, token=resp["access_token"]).chat_postMessage(
        channel=acme_channel, text="hi"
    )
    assert posted["message"]["team"] == "TACME"
    with pytest.raises(SlackApiError) as elsewhere:
        _client(fake_slack, token=resp["access_token"]).chat_postMessage(channel="C1", text="x")
    assert elsewhere.value.response["error"] == "channel_not_found"

    for code, error in [("code-a", "invalid_code"), ("nope", "invalid_code")]:
        with pytest.raises(SlackApiError) as exc:
            client.oauth_v2_access(client_id="cid", client_secret="secret", code=code)
        assert exc.value.response["error"] == error
    with pytest.raises(SlackApiError) as bad_secret:
        client.oauth_v2_access(client_id="cid", client_secret="wrong", code="code-b")
    assert bad_secret.value.response["error"] == "bad_client_secret"
    other = client.oauth_v2_access(client_id="cid", client_secret="secret", code="code-b")
    assert other["team"]["id"] == "TGLOBEX"


def test_status_info_and_replies(fake_slack: SlackFake) -> None:
    client = _client(fake_slack)
    parent = fake_slack.add_message("C5", "question", user="U7")
    client.assistant_threads_setStatus(channel_id="C5", thread_ts=parent, status="is thinking...")
    client.assistant_threads_setStatus(channel_id="C5", thread_ts=parent, status="")
    assert fake_slack.statuses("C5", parent) == ["is thinking...", ""]

    info = client.conversations_info(channel="D5")
    assert info["channel"]["is_im"] is True
    fake_slack.users = {"U7": {"real_name": "Grace Hopper"}}
    user = client.users_info(user="U7")
    assert user["user"]["real_name"] == "Grace Hopper"
    assert user["user"]["is_bot"] is False

    client.chat_postMessage(channel="C5", thread_ts=parent, text="answer")
    replies = client.conversations_replies(channel="C5", ts=parent)
    assert [m["text"] for m in replies["messages"]] == ["question", "answer"]


async def test_async_web_client(fake_slack: SlackFake) -> None:
    client = AsyncWebClient(token=TOKEN, base_url=fake_slack.api_url)
    posted = await client.chat_postMessage(channel="C1", thread_ts="1700000000.000001", text="hi")
    await client.chat_update(channel="C1", ts=posted["ts"], text="hello")
    await client.chat_delete(channel="C1", ts=posted["ts"])
    assert fake_slack.thread_view("C1", "1700000000.000001") == []
    assert [c.token for c in fake_slack.calls()] == [TOKEN] * 3
    fake_slack.rate_limit = {"chat.postMessage": 1}
    with pytest.raises(SlackApiError) as exc:
        await client.chat_postMessage(channel="C1", text="hi")
    assert exc.value.response.status_code == 429


def test_fail_status(fake_slack: SlackFake) -> None:
    fake_slack.configure(fail_status=500, fail_times=1)
    with pytest.raises(SlackApiError) as exc:
        _client(fake_slack).auth_test()
    assert exc.value.response.status_code == 500
    assert _client(fake_slack).auth_test()["ok"] is True


def test_wait_for_calls_from_another_thread(fake_slack: SlackFake) -> None:
    def later() -> None:
        time.sleep(0.1)
        _client(fake_slack).chat_postMessage(channel="C1", text="late")

    thread = threading.Thread(target=later)
    thread.start()
    (call,) = fake_slack.wait_for_calls("chat.postMessage", timeout=5)
    thread.join()
    assert call.ok
    with pytest.raises(AssertionError):
        fake_slack.wait_for_calls("chat.update", timeout=0.1)


def test_a_token_slack_never_issued_is_invalid_auth(fake_slack: SlackFake) -> None:
    for method in ("auth.test", "chat.postMessage"):
        with pytest.raises(SlackApiError) as refused:
            _client(fake_slack, token="xoxb-made-up").api_call(
                method, json={"channel": "C1", "text": "hi"}
            )
        assert refused.value.response.data == {"ok": False, "error": "invalid_auth"}
    assert fake_slack.messages("C1") == []


def test_tokens_are_bound_to_their_workspace(fake_slack: SlackFake) -> None:
    fake_slack.install_workspace("TOTHER", "xoxb-other")
    theirs = fake_slack.add_message("COTHER", "private to them", team_id="TOTHER")
    for call in (
        lambda: _client(fake_slack).chat_postMessage(channel="COTHER", text="leak"),
        lambda: _client(fake_slack).chat_update(channel="COTHER", ts=theirs, text="leak"),
        lambda: _client(fake_slack).conversations_replies(channel="COTHER", ts=theirs),
        lambda: _client(fake_slack).chat_startStream(
            channel="COTHER", thread_ts=theirs, recipient_user_id="U1", recipient_team_id="T0FAKE"
        ),
    ):
        with pytest.raises(SlackApiError) as refused:
            call()
        assert refused.value.response["error"] == "channel_not_found"
    assert _client(fake_slack, "xoxb-other").chat_postMessage(channel="COTHER", text="ok")["ok"]
    with pytest.raises(SlackApiError) as unknown:
        _client(fake_slack).chat_postMessage(channel="CNEVERSEEN", text="hi")
    assert unknown.value.response["error"] == "channel_not_found"


def test_a_slack_connect_channel_is_seen_by_both_workspaces(fake_slack: SlackFake) -> None:
    fake_slack.install_workspace("TPARTNER", "xoxb-partner")
    fake_slack.share_channel("CSHARED", "T0FAKE", "TPARTNER")
    for token in (TOKEN, "xoxb-partner"):
        assert _client(fake_slack, token).chat_postMessage(channel="CSHARED", text="hi")["ok"]


def test_a_channel_the_bot_is_not_in(fake_slack: SlackFake) -> None:
    fake_slack.configure(channels={"COUTSIDE": {"is_member": False}})
    with pytest.raises(SlackApiError) as refused:
        _client(fake_slack).chat_postMessage(channel="COUTSIDE", text="hi")
    assert refused.value.response["error"] == "not_in_channel"


def test_text_limits(fake_slack: SlackFake) -> None:
    client = _client(fake_slack)
    assert client.chat_postMessage(channel="C1", text="x" * 40_000)["ok"]
    assert client.chat_postMessage(channel="C1", markdown_text="x" * 12_000)["ok"]
    for arguments in ({"text": "x" * 40_001}, {"markdown_text": "x" * 12_001}):
        with pytest.raises(SlackApiError) as too_long:
            client.chat_postMessage(channel="C2", **arguments)  # type: ignore[arg-type]
        assert too_long.value.response["error"] == "msg_too_long"
    started = client.chat_startStream(channel="D1", thread_ts="1.0")
    with pytest.raises(SlackApiError) as stream_too_long:
        client.chat_appendStream(channel="D1", ts=started["ts"], markdown_text="x" * 12_001)
    assert stream_too_long.value.response["error"] == "msg_too_long"


def test_a_stream_needs_a_thread(fake_slack: SlackFake) -> None:
    with pytest.raises(SlackApiError) as refused:
        _client(fake_slack).api_call(
            "chat.startStream", json={"channel": "D1", "markdown_text": "x"}
        )
    assert refused.value.response["error"] == "invalid_thread_ts"


def test_post_message_is_limited_per_channel_with_bursts(fake_slack: SlackFake) -> None:
    fake_slack.configure(post_message_burst=2, post_message_per_second=1.0)
    client = _client(fake_slack)
    assert [client.chat_postMessage(channel="C1", text=str(n))["ok"] for n in range(2)] == [
        True,
        True,
    ]
    with pytest.raises(SlackApiError) as limited:
        client.chat_postMessage(channel="C1", text="third")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "1"
    assert client.chat_postMessage(channel="C2", text="another channel")["ok"]
    time.sleep(1.05)
    assert client.chat_postMessage(channel="C1", text="after a second")["ok"]


@pytest.mark.parametrize("org_wide", [False, True])
def test_oauth_for_an_enterprise_grid_install(fake_slack: SlackFake, org_wide: bool) -> None:
    spec = {
        "team_id": "TGRID",
        "team_name": "Grid workspace",
        "enterprise": {"id": "E0GRID", "name": "Starship"},
        "is_enterprise_install": org_wide,
    }
    fake_slack.configure(oauth_codes={"code-e": spec})
    answer = WebClient(base_url=fake_slack.api_url).oauth_v2_access(
        client_id="cid", client_secret="secret", code="code-e"
    )
    assert answer["enterprise"] == {"id": "E0GRID", "name": "Starship"}
    assert answer["is_enterprise_install"] is org_wide
    assert answer["team"] == (None if org_wide else {"id": "TGRID", "name": "Grid workspace"})
